"""What every domain of the API shares: SQL, loaders, look-ahead, IDs, pagination, text rendering."""
