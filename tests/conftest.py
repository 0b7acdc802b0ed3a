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


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    # Tests share one Redis (and production code never calls cache.clear()): a fresh key prefix
    # per test keeps rate-limit counters and cached pages from leaking between tests.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for name, config in settings.CACHES.items()
    }


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
