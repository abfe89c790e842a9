"""Request rate limits: per-route policies applied by middleware, counted in Redis."""
