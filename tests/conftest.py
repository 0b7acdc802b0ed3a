import os
import uuid

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses WhiteNoise's manifest storage, which needs `collectstatic` first; tests
    # resolve static files from the source folders instead. The serving tests cover the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def _shared_redis():
    """A client for the Redis the tests share (REDIS_URL), or None without one."""
    url = os.environ.get("REDIS_URL")
    if not url:
        yield None
        return
    import redis

    client = redis.Redis.from_url(url)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings, _shared_redis):
    # Tests share one Redis (and production code never calls cache.clear()): a fresh key prefix
    # per test keeps rate-limit counters and cached pages from leaking between tests, and from
    # one parallel worker's tests to another's. The test's keys are deleted when it ends.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"test-{worker}-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()
    }
    yield
    if _shared_redis is not None:
        _delete_keys(_shared_redis, f"{prefix}:*")


def _delete_keys(client, pattern: str) -> None:
    import redis

    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # a test that stopped the shared Redis on purpose; nothing of its own is left


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher (PBKDF2) costs about a second a password here and the editor and
    # login tests set many; what they check (limits, lockouts, tokens) does not depend on it.
    # Processes the tests start keep the production hashers.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


# What a browser sends from one of the site's pages: behind the TLS proxy (DEBUG off redirects
# plain HTTP), and saying where its requests come from (the vote and sign-up forms require it).
BROWSER_HEADERS = {"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"}


# Editions are sent only with the sender's postal address set (a test of its absence clears it).
POSTAL_ADDRESS = "AI Tool Verdicts, 1 Example Street, Springfield 12345"


@pytest.fixture(autouse=True)
def _postal_address(settings):
    settings.NEWSLETTER_POSTAL_ADDRESS = POSTAL_ADDRESS


@pytest.fixture
def client() -> Client:
    """A browser on one of the site's pages (see BROWSER_HEADERS)."""
    return Client(headers=BROWSER_HEADERS)


@pytest.fixture
def staff_client(db) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser(
        "editor", "editor@example.com", "pw-for-tests-only"
    )
    client = Client(headers=BROWSER_HEADERS)
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def _demo_for_the_module(request, django_db_setup, django_db_blocker):
    """The demo content, loaded once for a whole module, in an outer transaction that each test's
    own (a savepoint inside it, as with Django's ``TestCase.setUpTestData``) rolls back to, and
    that is itself rolled back after the module. Every test of the module must ask for it: the
    content stays until the module ends, so one that did not would find it all the same, and
    one that commits (a transactional test) would commit inside this transaction."""
    from django.core.management import call_command
    from django.db import transaction

    own = [item for item in request.session.items if item.module is request.module]
    misfits = [
        item.nodeid for item in own if "demo_once" not in item.fixturenames or _commits(item)
    ]
    if misfits:
        raise pytest.UsageError(
            f"demo_once needs every test of its module, and none that commits: {misfits}"
        )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("seed_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture
def demo_once(_demo_for_the_module, db):
    """The demo content for a test that reads it or changes it in its own transaction."""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases commit without waiting for the WAL to reach the disk: a test's commits are
    seen by every other connection just the same, and nothing tests what a crash of the
    machine's Postgres would keep (the fault tests run private clusters of their own)."""
    from django.conf import settings

    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
