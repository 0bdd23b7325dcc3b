"""Search in Swedish across all published content (both databases)."""
