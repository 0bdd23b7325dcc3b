"""What every domain of the API shares: SQL, loaders, the reference path's relations, IDs,
pagination, text rendering."""
