"""Samverkansöverenskommelser."""
