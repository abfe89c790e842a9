"""EngLog private worker: pulls tasks from the API over mutual-TLS gRPC and runs them."""

__version__ = "0.1.0"
