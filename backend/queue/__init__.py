"""Durable task queue in PostgreSQL: enqueue, claim with leases, retries, LISTEN/NOTIFY waking."""
