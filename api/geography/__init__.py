"""Counties, police units and municipalities."""
