"""The production settings checklist, asserted on real responses (DEBUG is off in tests)."""

import os
import subprocess
import sys
from ipaddress import ip_network
from pathlib import Path

import pytest
from django.test import Client

from compsite.proxies import client_ip

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


ESP_VARIABLES = {
    "ANYMAIL_WEBHOOK_SECRET": "esp-hooks:a-long-webhook-password-4821",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret-key",
}


@pytest.mark.parametrize(
    "mail",
    [
        {"EMAIL_URL": "smtp://mail.internal:25"},
        {"EMAIL_URL": "ses://?region=eu-west-1", **ESP_VARIABLES},
        {"EMAIL_URL": "postmark://", "POSTMARK_SERVER_TOKEN": "server-token", **ESP_VARIABLES},
    ],
    ids=["smtp", "ses", "postmark"],
)
def test_deploy_check_passes_with_only_the_designed_variables(mail):
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO", "DEBUG"))
    }
    env.update(
        SECRET_KEY="k7#Qm2!vR9@xL4$wT8^zB1&nF6*pJ3(hD5)sG0-yC8=eU2+aK7_iO4;uM9:tN1",
        DATABASE_URL="postgres://app@db.internal:5432/verdicts",
        REDIS_URL="redis://cache.internal:6379/0",
        SITE_URL="https://verdicts.example",
        ALLOWED_HOSTS="verdicts.example",
        **mail,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_is_redirected_to_https():
    response = Client().get("/tools/")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/tools/"


def test_health_probe_is_not_redirected():
    assert Client().get("/healthz").status_code in (200, 503)


def test_security_headers_on_a_page(client):
    response = client.get("/")
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["script-src"].startswith("'self'")
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_nonce_in_the_header_matches_the_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    if "'nonce-" in csp:
        nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
        assert f'nonce="{nonce}"'.encode() in response.content


def test_no_inline_executable_script_on_public_pages(client):
    from bs4 import BeautifulSoup

    for path in ["/", "/tools/", "/categories/", "/reviewers/", "/search/?q=x", "/compare/"]:
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (path, script)


def test_cookies_are_secure(client):
    from newsletter.models import Subscriber
    from tests.factories import ToolFactory, make_comparison

    comparison = make_comparison(ToolFactory.create(slug="a1"), ToolFactory.create(slug="b1"))
    vote = client.post(f"/compare/{comparison.slug}/vote/", {"tool": "a1"})
    assert vote.cookies["reader"]["secure"] is True
    assert vote.cookies["voted"]["secure"] is True
    # The forms reached from emailed links keep Django's CSRF cookie.
    subscriber = Subscriber.objects.create(email="reader@example.com")
    page = client.get(subscriber.confirm_url())
    assert page.cookies["csrftoken"]["secure"] is True


def test_csrf_trusts_the_site_origin(settings):
    from newsletter.models import Subscriber

    settings.SITE_URL = "https://verdicts.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://verdicts.example"]
    settings.ALLOWED_HOSTS = ["verdicts.example"]
    subscriber = Subscriber.objects.create(email="reader@example.com")
    browser = Client(enforce_csrf_checks=True, headers={"x-forwarded-proto": "https"})
    page = browser.get(subscriber.confirm_url(), HTTP_HOST="verdicts.example")
    token = page.cookies["csrftoken"].value
    forged = browser.post(
        subscriber.confirm_url(), {"csrfmiddlewaretoken": token},
        HTTP_HOST="verdicts.example", headers={"origin": "https://evil.example"},
    )  # fmt: skip
    assert forged.status_code == 403
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    ok = browser.post(
        subscriber.confirm_url(), {"csrfmiddlewaretoken": token},
        HTTP_HOST="verdicts.example", headers={"origin": "https://verdicts.example"},
    )  # fmt: skip
    assert ok.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_the_client_is_the_rightmost_forwarded_address_that_is_not_a_proxy(rf, settings):
    settings.FORWARDED_ALLOW_IPS = (ip_network("127.0.0.1/32"), ip_network("10.9.0.0/24"))

    def client(peer: str, forwarded: str | None = None) -> str:
        headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
        return client_ip(rf.get("/", REMOTE_ADDR=peer, **headers))

    # Anybody but a proxy is who they are, whatever they write.
    assert client("203.0.113.7", "6.6.6.6") == "203.0.113.7"
    # Behind one proxy, and behind two: the first address from the right that is not ours.
    assert client("127.0.0.1", "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert client("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.9.0.5") == "203.0.113.7"
    # A proxy's own request, or something no proxy of ours would write: the peer.
    assert client("127.0.0.1") == "127.0.0.1"
    assert client("127.0.0.1", "10.9.0.5") == "127.0.0.1"
    assert client("127.0.0.1", "6.6.6.6, not-an-ip, 10.9.0.5") == "127.0.0.1"


def test_forwarded_headers_count_only_from_a_proxy():
    page = Client(headers={"x-forwarded-proto": "https"}, REMOTE_ADDR="127.0.0.2").get("/tools/")
    assert page.status_code == 301
    assert page.headers["Location"] == "https://testserver/tools/"
    assert Client(headers={"x-forwarded-proto": "https"}).get("/tools/").status_code == 200


def test_no_request_moves_the_addresses_a_page_prints(client):
    from bs4 import BeautifulSoup

    from compsite.urls_absolute import absolute
    from tests.factories import ToolFactory, make_comparison

    comparison = make_comparison(ToolFactory.create(slug="a3"), ToolFactory.create(slug="b3"))
    address = comparison.get_absolute_url()
    for prefix in ("/x", "//evil.example"):
        page = client.get(address, SCRIPT_NAME=prefix)  # as a server passes the header on
        assert page.status_code == 200
        soup = BeautifulSoup(page.content, "html.parser")
        assert soup.find("link", rel="canonical")["href"] == absolute(address)
        assert soup.find("input", attrs={"name": "next"})["value"] == address
        for tag in soup.find_all(href=True) + soup.find_all(action=True):
            url = tag.get("href") or tag.get("action")
            assert not url.startswith((prefix + "/", "//")), url
