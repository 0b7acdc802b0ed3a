"""Per-IP rate limits that fail open.

django-ratelimit counts in the default cache (Redis in production). When that cache cannot be
reached the limit is skipped and the request goes through: losing a vote or a sign-up to a cache
outage is worse than letting a burst through for a while. The outage is logged.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def rate_limited(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this request against ``rate`` per client IP; True when it is over the limit."""
    try:
        return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    except Exception:  # any cache failure (connection, timeout, protocol) fails open
        logger.warning("rate limit %s skipped: the cache is unavailable", group, exc_info=True)
        return False


def client_ip(request: HttpRequest) -> str:
    """The address to count against. Only the last X-Forwarded-For hop is trusted: it is the one
    our own proxy appended; anything before it came from the client and may be forged."""
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded:
        hop = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer
    return peer
