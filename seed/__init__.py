"""Seed content: the files editors keep, and the CLI that loads, checks and exports them."""
