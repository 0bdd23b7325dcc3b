"""Samverkan's GraphQL API: schema, resolvers, loaders and the ASGI app."""
