"""HTTP: GraphQL over HTTP, caching headers, health checks, access logs."""
