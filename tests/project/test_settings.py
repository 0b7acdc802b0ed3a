"""Settings read the environment exactly as docs/configuration.md's table says, and refuse bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = [
    "DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "ALLOWED_HOSTS",
    "DEFAULT_FROM_EMAIL", "VOTE_RATE", "SIGNUP_RATE", "NEWSLETTER_SCHEDULE", "FORWARDED_ALLOW_IPS",
    "ANYMAIL_WEBHOOK_SECRET", "POSTMARK_SERVER_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
]  # fmt: skip

# Reading one setting loads the settings module, where every variable is read and checked: what
# start-up would stop on, without importing every app as django.setup() does (a second a run).
LOAD = "from django.conf import settings; settings.DEBUG"

PROBE = """
import json
from django.conf import settings
from celery import current_app
print(json.dumps({
    "debug": settings.DEBUG,
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "cache_prefix": settings.CACHES["default"].get("KEY_PREFIX"),
    "broker": current_app.conf.broker_url,
    "eager": current_app.conf.task_always_eager,
    "mailer": settings.MAILERS["default"],
    "site_url": settings.SITE_URL,
    "csrf_origins": settings.CSRF_TRUSTED_ORIGINS,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "vote_rate": settings.VOTE_RATE,
    "signup_rate": settings.SIGNUP_RATE,
    "schedule": settings.NEWSLETTER_SCHEDULE,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "proxies": [str(network) for network in settings.FORWARDED_ALLOW_IPS],
    "webhook_secret": settings.ANYMAIL["WEBHOOK_SECRET"],
}))
"""


def run_with(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "compsite.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(env: dict[str, str]) -> dict:
    result = run_with(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_with_debug_on():
    config = probe({"DEBUG": "1"})
    assert config["debug"] is True
    assert config["db"] == "django.db.backends.sqlite3"
    assert config["db_name"].endswith("db.sqlite3")
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["eager"] is True
    assert config["mailer"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert config["site_url"] == "http://127.0.0.1:8000"
    assert config["csrf_origins"] == ["http://127.0.0.1:8000"]
    assert (config["vote_rate"], config["signup_rate"], config["schedule"]) == (
        "30/m",
        "5/m",
        "0 8 * * 1",
    )
    assert config["ssl_redirect"] is False
    assert config["proxies"] == ["127.0.0.1/32"]


def test_trusted_proxies_are_addresses_and_ranges():
    config = probe({"DEBUG": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1, 172.30.0.0/24,::1"})
    assert config["proxies"] == ["127.0.0.1/32", "172.30.0.0/24", "::1/128"]


def test_postgres_and_redis_from_urls():
    config = probe(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app:pw@db.internal:5433/verdicts",
            "REDIS_URL": "redis://cache.internal:6380/2",
            "EMAIL_URL": "smtp://mail.internal:2525",
            "SITE_URL": "https://verdicts.example/",
            "VOTE_RATE": "10/m",
            "NEWSLETTER_SCHEDULE": "30 7 * * 2",
        }
    )
    assert config["debug"] is False
    assert config["db"] == "django.db.backends.postgresql"
    assert config["db_name"] == "verdicts"
    assert config["cache"] == "compsite.cache.RedisCache"  # Django's, reusing its client
    # Used as given, for both the cache and the broker.
    assert config["cache_location"] == config["broker"] == "redis://cache.internal:6380/2"
    assert config["cache_prefix"]
    assert config["eager"] is False
    assert config["mailer"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "mail.internal", "port": 2525, "timeout": 30},
    }
    assert config["site_url"] == "https://verdicts.example"
    assert config["csrf_origins"] == ["https://verdicts.example"]
    assert "verdicts.example" in config["allowed_hosts"]
    assert config["vote_rate"] == "10/m"
    assert config["schedule"] == "30 7 * * 2"
    assert config["ssl_redirect"] is True


def test_debug_off_defaults_to_smtp_on_localhost():
    config = probe({"SECRET_KEY": "x" * 50})
    assert config["mailer"]["OPTIONS"] == {"host": "localhost", "port": 25, "timeout": 30}


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on"])
def test_debug_accepts_true_spellings(value):
    assert probe({"DEBUG": value})["debug"] is True


@pytest.mark.parametrize("value", ["false", "0", "no", "off"])
def test_debug_accepts_false_spellings(value):
    assert probe({"DEBUG": value, "SECRET_KEY": "x" * 50})["debug"] is False


def test_missing_secret_key_with_debug_off_stops_start_up_clearly():
    result = run_with({"DATABASE_URL": "sqlite:///:memory:"}, code=LOAD)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_manage_py_prints_one_clear_line():
    clean = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env={**clean, "DEBUG": "maybe"}, cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: DEBUG='maybe' is not valid: expected one of true/false, 1/0, yes/no, on/off."
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "garbage"),
        ("DATABASE_URL", "mysql://db/verdicts"),
        ("DATABASE_URL", "postgres://db:port/verdicts"),
        ("DATABASE_URL", "postgres://db:5432/"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "redis://cache:notaport/0"),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("EMAIL_URL", "ses://"),
        ("EMAIL_URL", "ses://?region=moon-base"),
        ("EMAIL_URL", "ses://?region=eu-west-1&colour=blue"),
        ("EMAIL_URL", "ses://somewhere/?region=eu-west-1"),
        ("EMAIL_URL", "postmark://"),
        ("EMAIL_URL", "postmark://token@/path"),
        ("EMAIL_URL", "postmark://token@?stream=x"),
        ("SITE_URL", "verdicts.example"),
        ("SITE_URL", "ftp://verdicts.example"),
        ("VOTE_RATE", "lots"),
        ("SIGNUP_RATE", "5 per minute"),
        ("NEWSLETTER_SCHEDULE", "every monday"),
        ("NEWSLETTER_SCHEDULE", "99 8 * * 1"),
        ("FORWARDED_ALLOW_IPS", "*"),
        ("FORWARDED_ALLOW_IPS", "10.0.0.1/8"),
        ("FORWARDED_ALLOW_IPS", "proxy.internal"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(name, value):
    result = run_with({"DEBUG": "1", name: value}, code=LOAD)
    assert result.returncode != 0
    assert f"{name}=" in result.stderr and "is not valid" in result.stderr


def test_a_password_in_a_bad_url_is_not_echoed():
    result = run_with(
        {"DEBUG": "1", "DATABASE_URL": "mysql://app:hunter2@db/verdicts"},
        code=LOAD,
    )
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_an_ipv6_site_url_is_allowed_as_browsers_send_its_host():
    config = probe({"DEBUG": "1", "SITE_URL": "http://[::2]:8000"})
    assert "[::2]" in config["allowed_hosts"]
    assert config["csrf_origins"] == ["http://[::2]:8000"]


def test_email_url_names_amazon_ses_with_the_region_from_the_url_or_aws_region():
    config = probe({"DEBUG": "1", "EMAIL_URL": "ses://?region=eu-west-1&configuration_set=news"})
    assert config["mailer"] == {
        "BACKEND": "anymail.backends.amazon_ses.EmailBackend",
        "OPTIONS": {
            "client_params": {"region_name": "eu-west-1"},
            "configuration_set_name": "news",
        },
    }
    config = probe({"DEBUG": "1", "EMAIL_URL": "ses://", "AWS_REGION": "us-east-2"})
    assert config["mailer"]["OPTIONS"] == {"client_params": {"region_name": "us-east-2"}}


def test_email_url_names_postmark_with_its_token_in_the_url_or_beside_it():
    config = probe({"DEBUG": "1", "EMAIL_URL": "postmark://pm-token-1@"})
    assert config["mailer"] == {
        "BACKEND": "anymail.backends.postmark.EmailBackend",
        "OPTIONS": {"server_token": "pm-token-1"},
    }
    config = probe({"DEBUG": "1", "EMAIL_URL": "postmark://", "POSTMARK_SERVER_TOKEN": "pm-2"})
    assert config["mailer"]["OPTIONS"] == {"server_token": "pm-2"}


def test_a_postmark_token_in_a_bad_url_is_not_echoed():
    result = run_with(
        {"DEBUG": "1", "EMAIL_URL": "postmark://secret-token-77@/x"},
        code=LOAD,
    )
    assert result.returncode != 0 and "EMAIL_URL=" in result.stderr
    assert "secret-token-77" not in result.stderr


def test_the_webhook_secret_is_user_colon_password_and_never_echoed():
    config = probe({"DEBUG": "1", "ANYMAIL_WEBHOOK_SECRET": "esp:a-long-webhook-password"})
    assert config["webhook_secret"] == "esp:a-long-webhook-password"
    assert probe({"DEBUG": "1"})["webhook_secret"] == []
    for bad in [
        "no-colon-here-at-all-0000",
        "esp:short",
        ":a-long-webhook-password",
        "e s:p a s s w o r d 1 2 3 4",
    ]:
        result = run_with({"DEBUG": "1", "ANYMAIL_WEBHOOK_SECRET": bad}, code=LOAD)
        assert result.returncode != 0
        assert "ANYMAIL_WEBHOOK_SECRET is not valid" in result.stderr
        assert bad not in result.stderr
