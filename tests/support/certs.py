"""Certificates for mutual-TLS tests, made at test time with the real `englog-certs` code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from deploy_tools import certs


@dataclass
class Pki:
    dir: Path

    @property
    def ca(self) -> Path:
        return self.dir / "ca.crt"

    def client(self, name: str) -> tuple[Path, Path]:
        return self.dir / f"{name}.crt", self.dir / f"{name}.key"

    def api_env(self, port: int) -> dict[str, str]:
        return {
            "ENGLOG_GRPC_CA_CERT": str(self.ca),
            "ENGLOG_GRPC_SERVER_CERT": str(self.dir / "server.crt"),
            "ENGLOG_GRPC_SERVER_KEY": str(self.dir / "server.key"),
            "ENGLOG_GRPC_PORT": str(port),
            "ENGLOG_GRPC_HOST": "127.0.0.1",
        }


def make_pki(directory: Path, *workers: str) -> Pki:
    """A CA, a server cert for localhost/127.0.0.1 and one client cert per worker name."""
    assert certs.main(["init", "--out", str(directory)]) == 0
    for name in workers:
        assert certs.main(["worker", "--out", str(directory), "--name", name]) == 0
    return Pki(directory)


def write_self_signed_client(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = certs.make_self_signed_client(name)
    directory.mkdir(parents=True, exist_ok=True)
    crt_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    certs.write_cert(crt_path, cert)
    certs.write_key(key_path, key)
    return crt_path, key_path


def channel(target: str, ca: Path, cert: Path | None = None, key: Path | None = None,
            ) -> grpc.aio.Channel:
    creds = grpc.ssl_channel_credentials(
        root_certificates=ca.read_bytes(),
        private_key=key.read_bytes() if key else None,
        certificate_chain=cert.read_bytes() if cert else None,
    )
    return grpc.aio.secure_channel(target, creds)
