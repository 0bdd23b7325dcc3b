"""Refusing queries that are too big, and masking errors we did not mean to show."""
