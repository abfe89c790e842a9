"""`englog-certs`: the private CA and certificates for the API <-> worker mutual TLS link.

    englog-certs init   --out DIR [--san DNS:api.example.com --san IP:10.0.0.5 ...]
        DIR/ca.crt, ca.key (keep ca.key offline), server.crt, server.key
    englog-certs worker --out DIR --name worker-1 [--ca-dir DIR_WITH_CA]
        DIR/worker-1.crt, worker-1.key (clientAuth) and a copy of ca.crt

The API reads ENGLOG_GRPC_CA_CERT=ca.crt, ENGLOG_GRPC_SERVER_CERT=server.crt,
ENGLOG_GRPC_SERVER_KEY=server.key (and ENGLOG_GRPC_PORT, default 50051).
A worker needs ca.crt, its .crt and its .key. Private keys are written with mode 0600.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_SANS = ("DNS:localhost", "IP:127.0.0.1")
CA_DAYS = 3650
LEAF_DAYS = 825


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "EngLog"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def parse_san(value: str) -> x509.GeneralName:
    kind, _, name = value.partition(":")
    if kind.upper() == "DNS" and name:
        return x509.DNSName(name)
    if kind.upper() == "IP" and name:
        return x509.IPAddress(ipaddress.ip_address(name))
    raise ValueError(f"SAN must look like DNS:host or IP:address, not {value!r}")


def _builder(subject: x509.Name, issuer: x509.Name, key, days: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days)))


def make_ca(cn: str = "EngLog worker CA") -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = new_key()
    cert = (_builder(_name(cn), _name(cn), key, CA_DAYS)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def make_leaf(ca_cert: x509.Certificate, ca_key, cn: str, *, server: bool,
              sans: list[str] | None = None) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = new_key()
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (_builder(_name(cn), ca_cert.subject, key, LEAF_DAYS)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=True, key_cert_sign=False,
                   crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca_key.public_key()), critical=False))
    names = [parse_san(s) for s in (sans or [])]
    if not server:
        names = names or [x509.DNSName(cn)]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def make_self_signed_client(cn: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A client certificate no CA vouches for (what an attacker could make)."""
    key = new_key()
    cert = (_builder(_name(cn), _name(cn), key, LEAF_DAYS)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert_pem(cert))
    path.chmod(0o644)


def write_key(path: Path, key) -> None:
    # Created 0600 from the start: a chmod after writing would leave a readable window.
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_pem(key))


def load_ca(ca_dir: Path):
    cert = x509.load_pem_x509_certificate((ca_dir / "ca.crt").read_bytes())
    key = serialization.load_pem_private_key((ca_dir / "ca.key").read_bytes(), password=None)
    return cert, key


def init(out: Path, sans: list[str], *, force: bool = False, server_cn: str = "englog-api") -> None:
    for san in sans:  # fail before writing anything
        parse_san(san)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "ca.key").exists() and not force:
        raise SystemExit(f"{out}/ca.key exists; refusing to replace the CA (use --force)")
    ca_cert, ca_key = make_ca()
    write_cert(out / "ca.crt", ca_cert)
    write_key(out / "ca.key", ca_key)
    server_cert, server_key = make_leaf(ca_cert, ca_key, server_cn, server=True, sans=sans)
    write_cert(out / "server.crt", server_cert)
    write_key(out / "server.key", server_key)


def issue_worker(out: Path, name: str, ca_dir: Path | None = None) -> None:
    ca_dir = ca_dir or out
    ca_cert, ca_key = load_ca(ca_dir)
    out.mkdir(parents=True, exist_ok=True)
    cert, key = make_leaf(ca_cert, ca_key, name, server=False)
    write_cert(out / f"{name}.crt", cert)
    write_key(out / f"{name}.key", key)
    if not (out / "ca.crt").exists():
        write_cert(out / "ca.crt", ca_cert)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="englog-certs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_init = sub.add_parser("init", help="create the CA and the API's server certificate")
    p_init.add_argument("--out", required=True, type=Path)
    p_init.add_argument("--san", action="append", default=[],
                        help="DNS:name or IP:address the workers dial (repeatable); "
                             f"default {' '.join(DEFAULT_SANS)}")
    p_init.add_argument("--force", action="store_true", help="replace an existing CA")
    p_worker = sub.add_parser("worker", help="issue a worker's client certificate")
    p_worker.add_argument("--out", required=True, type=Path)
    p_worker.add_argument("--name", required=True)
    p_worker.add_argument("--ca-dir", type=Path,
                          help="directory with ca.crt/ca.key (default --out)")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "init":
            init(args.out, args.san or list(DEFAULT_SANS), force=args.force)
            print(f"wrote {args.out}/ca.crt ca.key server.crt server.key")
        else:
            issue_worker(args.out, args.name, args.ca_dir)
            print(f"wrote {args.out}/{args.name}.crt {args.name}.key ca.crt")
    except (ValueError, FileNotFoundError) as exc:
        print(f"englog-certs: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
