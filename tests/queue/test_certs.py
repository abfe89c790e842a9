"""englog-certs: a CA, a server certificate with the requested SANs, client certificates."""

from __future__ import annotations

import ipaddress
import stat
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deploy_tools.certs", *args],
                          capture_output=True, text=True)


def test_init_and_worker_make_a_verifiable_chain(tmp_path: Path):
    out = tmp_path / "pki"
    assert _run("init", "--out", str(out), "--san", "DNS:api.internal",
                "--san", "IP:10.0.0.5").returncode == 0
    assert _run("worker", "--out", str(tmp_path / "w"), "--name", "worker-1",
                "--ca-dir", str(out)).returncode == 0
    ca, server = _cert(out / "ca.crt"), _cert(out / "server.crt")
    client = _cert(tmp_path / "w" / "worker-1.crt")

    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["api.internal"]
    assert sans.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("10.0.0.5")]
    eku = client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert client.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "worker-1"
    for leaf in (server, client):
        leaf.verify_directly_issued_by(ca)
    assert (tmp_path / "w" / "ca.crt").read_bytes() == (out / "ca.crt").read_bytes()
    for key in (out / "ca.key", out / "server.key", tmp_path / "w" / "worker-1.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_init_refuses_to_replace_an_existing_ca(tmp_path: Path):
    assert _run("init", "--out", str(tmp_path)).returncode == 0
    before = (tmp_path / "ca.crt").read_bytes()
    again = _run("init", "--out", str(tmp_path))
    assert again.returncode != 0
    assert (tmp_path / "ca.crt").read_bytes() == before


def test_bad_san_is_rejected(tmp_path: Path):
    r = _run("init", "--out", str(tmp_path), "--san", "api.internal")
    assert r.returncode == 2
    assert "SAN must look like" in r.stderr
    assert not (tmp_path / "ca.key").exists()
