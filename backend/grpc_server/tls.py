"""Server credentials for mutual TLS: only clients with a certificate signed by our CA get in."""

from __future__ import annotations

from pathlib import Path

import grpc


def server_credentials(ca_cert: str, server_cert: str, server_key: str) -> grpc.ServerCredentials:
    return grpc.ssl_server_credentials(
        [(Path(server_key).read_bytes(), Path(server_cert).read_bytes())],
        root_certificates=Path(ca_cert).read_bytes(),
        require_client_auth=True,
    )


def tls_configured(settings) -> bool:
    return bool(settings.grpc_ca_cert and settings.grpc_server_cert and settings.grpc_server_key)
