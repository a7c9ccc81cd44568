"""The client's real address and scheme behind a reverse proxy, from configured proxies only.

A reverse proxy (nginx, a load balancer) that terminates TLS reaches Enlist from its own
address and says who the client was in ``X-Forwarded-For`` (each hop appends the address it
was reached from) and how it was reached in ``X-Forwarded-Proto``. Anybody can send those
headers, so they are believed only when the peer (``REMOTE_ADDR``) is one of
``ENLIST_TRUSTED_PROXY_ADDRESSES`` (addresses or CIDR networks). Then the client is the
right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (entries left of it
were written by the client). From any other peer both headers are removed before anything
reads them, and the peer is the client.

``ForwardedHeadersMiddleware`` (first in ``MIDDLEWARE``) applies this once per request:
``REMOTE_ADDR`` becomes the client's address (the peer's is kept in ``ENLIST_PEER_ADDR``),
and ``X-Forwarded-Proto`` stays only when trusted, so ``request.is_secure()`` (Django's
``SECURE_PROXY_SSL_HEADER``), HSTS, secure cookies and the HTTPS redirect follow the proxy's
word. ``client_address(request)`` is the one answer to "who is this" for lockouts (django-axes),
rate limits and logs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
FORWARDED_PROTO = "HTTP_X_FORWARDED_PROTO"
PEER = "ENLIST_PEER_ADDR"
# Headers other proxies use for the same facts: never believed, always dropped, so no later
# layer can be tricked by them.
_IGNORED = ("HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")


def parse_networks(entries: Iterable[str], *, source: str) -> tuple[Network, ...]:
    """Addresses or CIDR networks; a malformed entry is ImproperlyConfigured naming `source`."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{source}: {entry!r} is not an IP address or CIDR network"
            ) from exc
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client behind `peer` (pure): right to left through X-Forwarded-For, past trusted hops.

    An entry that is not an address ends the walk at the last trusted hop: whatever wrote it
    is not to be believed, and the hop that reported it is the closest client we know.
    """
    if not is_trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        parsed = _address(hop)
        if parsed is None:
            break
        client = str(parsed)
        if not any(parsed in network for network in networks):
            break
    return client


class ForwardedHeadersMiddleware:
    """Believe X-Forwarded-For/-Proto from trusted proxies only (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = settings.ENLIST_TRUSTED_PROXY_ADDRESSES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta[PEER] = peer
        for name in _IGNORED:
            meta.pop(name, None)
        if is_trusted(peer, self.networks):
            meta["REMOTE_ADDR"] = forwarded_client(peer, meta.get(FORWARDED_FOR, ""), self.networks)
            proto = meta.get(FORWARDED_PROTO, "").split(",")[-1].strip().lower()
            if proto:
                meta[FORWARDED_PROTO] = proto
        else:
            meta.pop(FORWARDED_FOR, None)
            meta.pop(FORWARDED_PROTO, None)
        return self.get_response(request)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the peer, or the one a trusted proxy reported (see above).

    ``AXES_CLIENT_IP_CALLABLE``, the subject-access rate limit and the request log use it.
    """
    if PEER in request.META:  # the middleware already rewrote REMOTE_ADDR
        return request.META.get("REMOTE_ADDR") or None
    peer = request.META.get("REMOTE_ADDR", "")
    networks = settings.ENLIST_TRUSTED_PROXY_ADDRESSES
    return forwarded_client(peer, request.META.get(FORWARDED_FOR, ""), networks) or None
