"""Medborgarlöften and their commitments."""
