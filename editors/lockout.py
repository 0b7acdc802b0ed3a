"""The sign-in lockout's second limit: failures from one address across every username.

django-axes counts failures per username and address (AXES_LOCKOUT_PARAMETERS), so one address
could try one password each on any number of usernames. This handler (AXES_HANDLER) also adds up
the failures from the request's address (``compsite.proxies.client_ip``) within the cool-off,
and once they reach SIGN_IN_FAILURES_PER_ADDRESS refuses every sign-in from there, even with the
right password, until the cool-off has passed. A good sign-in clears only its own username's
failures, so a guesser's own account cannot wipe the count.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT, before checking a password and after
        recording a failure: the username-and-address count, raised to that limit when the
        address alone has used up its own."""
        failures = super().get_failures(request, credentials)
        if failures >= settings.AXES_FAILURE_LIMIT:
            return failures
        from_address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        if (from_address or 0) >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            request.axes_address_locked_out = True  # the lockout page says which limit it was
            return settings.AXES_FAILURE_LIMIT
        return failures
