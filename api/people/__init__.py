"""Organisations, people (signatories), contacts, and the roles printed without a person."""
