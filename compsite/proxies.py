"""Who sent a request: our own proxies, or somebody else.

Only the proxies in front of gunicorn (``FORWARDED_ALLOW_IPS``: Caddy, and the HTTP cache behind
it) may tell the site about the request they pass on. A forwarded header from anybody else is
whatever that somebody wrote: ``ForwardedHeadersMiddleware`` drops it before anything reads it,
and ``client_ip`` never looks at it.

Each proxy appends the address it was reached from to X-Forwarded-For, so reading from the right,
every address that is one of ours is a proxy and the first one that is not is the client. The
last address alone would be wrong behind two proxies: it is the first proxy, the same for every
reader.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def is_proxy(address: str) -> bool:
    return _within(address, settings.FORWARDED_ALLOW_IPS)


@functools.lru_cache(maxsize=4096)
def _within(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address to count a request against (rate limits, the sign-in lockout): the peer
    itself unless it is one of our proxies; behind them, the rightmost X-Forwarded-For address
    that is not a proxy's. A malformed address there, or none but proxies, leaves the peer."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_proxy(peer):
        return peer
    for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        hop = hop.strip()
        if is_proxy(hop):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer
    return peer


class ForwardedHeadersMiddleware:
    """First in the chain: a request that did not come from one of our proxies loses every
    forwarded header (X-Forwarded-Proto, -For, -Host, Forwarded), so SECURE_PROXY_SSL_HEADER
    and everything after trust only what the proxies said."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if not is_proxy(meta.get("REMOTE_ADDR", "")):
            for key in [key for key in meta if key.startswith(_FORWARDED)]:
                del meta[key]
        return self.get_response(request)


_FORWARDED = ("HTTP_X_FORWARDED_", "HTTP_FORWARDED")
