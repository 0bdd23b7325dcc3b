"""Samtjänstavtal: police services performed by a municipality."""
