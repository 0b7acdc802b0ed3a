"""/healthz reports each service; a dead one answers 503 naming it (real connections refused)."""

import json

import pytest
from django.db import connections

from compsite.celery import app as celery_app
from tests.services import free_port, private_redis


def health(client):
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_all_ok(client):
    assert health(client) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})


@pytest.mark.django_db
def test_health_is_never_cached(client):
    assert "no-cache" in client.get("/healthz").headers["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.processes
def test_cache_down(client, settings):
    with private_redis() as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        assert health(client)[0] == 200
        redis.stop()
        status, report = health(client)
    assert status == 503
    assert report["database"] == "ok" and report["broker"] == "ok"
    assert "ConnectionError" in report["cache"]


@pytest.mark.django_db
def test_broker_down(client):
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        status, report = health(client)
    finally:
        celery_app.conf.broker_url = original
    assert status == 503
    assert report["database"] == "ok" and report["cache"] == "ok"
    assert report["broker"] != "ok"


@pytest.mark.django_db(transaction=True)
def test_database_down(client):
    connection = connections["default"]
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()
    try:
        status, report = health(client)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    assert status == 503
    assert report["database"].startswith("OperationalError")
    assert report["cache"] == "ok" and report["broker"] == "ok"
    assert health(client)[0] == 200  # back without restarting anything
