"""The client's IP address, for rate limits, login throttling and the sessions list.

`X-Forwarded-For` is believed only when the connection comes from a configured trusted
proxy (ENGLOG_TRUSTED_PROXIES, comma-separated addresses or CIDR networks). The header is
read from the right: each hop appends the address it saw, so the first address that is not
one of our proxies is the client. Anything to its left was written by the client and may be
forged. With no trusted proxies (the default) the socket's peer address is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from sanic import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_trusted(spec: str) -> tuple[Network, ...]:
    """'10.0.0.5, 172.28.0.0/24' -> networks; raises ValueError naming a bad entry."""
    nets = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {part!r}") from exc
    return tuple(nets)


def _trusted(addr: str, nets: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def resolve(peer: str, forwarded_for: str | None, nets: tuple[Network, ...]) -> str:
    if not nets or not forwarded_for or not _trusted(peer, nets):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, nets):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage in the header: fall back to what we know
    return hops[0] if hops else peer


def client_ip(request: Request) -> str:
    cached = getattr(request.ctx, "client_ip", None)
    if cached is not None:
        return cached
    # request.ip is the socket peer; Sanic's remote_addr would trust headers by count, not
    # by who sent them.
    peer = request.ip or ""
    nets = parse_trusted(request.app.ctx.settings.trusted_proxies)
    ip = resolve(peer, request.headers.get("x-forwarded-for"), nets)
    request.ctx.client_ip = ip
    return ip
