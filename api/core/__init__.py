"""What every domain of the API shares: IDs, pagination, text rendering, visibility."""
