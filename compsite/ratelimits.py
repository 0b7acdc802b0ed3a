"""Per-IP rate limits that fail open. The IP is ``compsite.proxies.client_ip``'s.

django-ratelimit counts in the default cache (Redis in production). When that cache cannot be
reached the limit is skipped and the request goes through: losing a vote or a sign-up to a cache
outage is worse than letting a burst through for a while. The outage is logged.
"""

import logging

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
