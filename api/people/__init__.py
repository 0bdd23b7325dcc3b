"""Organisations, people (signatories) and contacts."""
