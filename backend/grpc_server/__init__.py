"""The gRPC server workers dial into (mutual TLS), hosted inside the API process."""
