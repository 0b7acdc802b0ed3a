"""/healthz: can this process reach the database, the cache and the broker?

Each check makes one attempt within the request's Redis budget (compsite/redis_budget.py): with
Redis hanging, the cache's check times out and the broker's is reported as not tried.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from compsite import redis_budget

logger = logging.getLogger(__name__)
HEALTH_KEY = "healthz:probe"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set(HEALTH_KEY, "ok", timeout=10)
    if cache.get(HEALTH_KEY) != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _broker() -> None:
    from compsite.celery import app

    with redis_budget.spending(), app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)  # one attempt, no pause to retry


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            check()
            report[name] = "ok"
        except Exception as error:  # report any failure, whatever raised it
            healthy = False
            report[name] = f"{type(error).__name__}: {error}"[:300]
            logger.warning("health check %s failed: %s", name, report[name])
    return JsonResponse(report, status=200 if healthy else 503)
