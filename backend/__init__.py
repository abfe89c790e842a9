"""EngLog public API server: Sanic + Tortoise ORM on PostgreSQL, Redis, gRPC for workers."""
