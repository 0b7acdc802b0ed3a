"""Read and validate the environment variables listed in docs/configuration.md's table.

django-environ does the URL parsing; this module adds the strictness it lacks: an unknown boolean,
a URL of the wrong scheme or a rate in the wrong notation stops start-up with a message that names
the variable, instead of quietly falling back to a default.
"""

import ipaddress
import os
import re
from typing import overload
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_RATE = re.compile(r"^\d+/\d*[smhd]$")
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
_EMAIL_SCHEMES = {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "dummymail"}
_EMAIL_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def _redact(value: str) -> str:
    """Hide a password in a URL before it goes into an error message or a log."""
    parts = urlsplit(value)
    if parts.password:
        return value.replace(f":{parts.password}@", ":***@", 1)
    return value


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={_redact(value)!r} is not valid: expected {expected}.")


def read_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _fail(name, value, "one of true/false, 1/0, yes/no, on/off")


@overload
def read_str(name: str) -> str | None: ...
@overload
def read_str(name: str, default: str) -> str: ...
def read_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def read_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def read_urls(name: str) -> list[str]:
    """Comma-separated http(s) URLs; empty or unset is none."""
    urls = read_list(name, default=[])
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(name, url, "comma-separated http:// or https:// URLs")
    return urls


def read_rate(name: str, default: str) -> str:
    value = _raw(name) or default
    if not _RATE.match(value):
        raise _fail(name, value, "a rate such as 30/m, 5/m or 100/h")
    return value


def read_networks(
    name: str, default: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses or CIDR ranges separated by commas, such as ``127.0.0.1,172.30.0.0/24``."""
    value = _raw(name) or default
    expected = "addresses or CIDR ranges separated by commas, such as 127.0.0.1,172.30.0.0/24"
    networks = []
    for item in (part.strip() for part in value.split(",")):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as error:
            raise _fail(name, value, f"{expected} ({error})") from error
    return tuple(networks)


def read_trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """FORWARDED_ALLOW_IPS: the proxies in front of gunicorn, the only peers whose forwarded
    headers count. gunicorn.conf.py and the settings both read it through here."""
    return read_networks("FORWARDED_ALLOW_IPS", default="127.0.0.1")


def read_database(name: str, default_sqlite_path: str) -> dict:
    value = _raw(name)
    if value is None:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    scheme = urlsplit(value).scheme
    if scheme not in _DATABASE_SCHEMES:
        raise _fail(name, value, "a postgres://user@host:port/name or sqlite:///path URL")
    try:
        config = environ.Env.db_url_config(value)
    except ValueError as error:
        raise _fail(name, value, f"a well-formed URL ({error})") from error
    if not config.get("NAME"):
        raise _fail(name, value, "a URL that names a database")
    return config


def read_redis_url(name: str) -> str | None:
    value = _raw(name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise _fail(name, value, "a redis://host:port/db URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise _fail(name, value, "a redis://host:port/db URL with a numeric port") from error
    return value


def read_mailer(name: str, default: str) -> dict:
    """Translate an email URL into one entry of Django 6.1's ``MAILERS`` setting."""
    value = _raw(name) or default
    scheme = urlsplit(value).scheme
    if scheme not in _EMAIL_SCHEMES:
        raise _fail(
            name, value, "smtp://host:port, smtp+tls://user:password@host:port or consolemail://"
        )
    try:
        config = environ.Env.email_url_config(value)
    except (ValueError, ImproperlyConfigured) as error:
        raise _fail(name, value, f"a well-formed email URL ({error})") from error
    options = {
        option: config[key]
        for key, option in _EMAIL_OPTIONS.items()
        if config.get(key) not in (None, "")
    }
    if config["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options["timeout"] = 30
    return {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}


def read_site_url(name: str, default: str) -> str:
    value = (_raw(name) or default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise _fail(name, value, "an absolute http(s) URL such as https://verdicts.example")
    return value


def read_crontab(name: str, default: str) -> str:
    """A five-field cron expression; the fields are checked by Celery's own crontab parser."""
    value = " ".join((_raw(name) or default).split())
    fields = value.split(" ")
    if len(fields) != 5:
        raise _fail(name, value, "five cron fields: minute hour day-of-month month day-of-week")
    try:
        cron_schedule(value)
    except (ValueError, TypeError) as error:
        raise _fail(name, value, f"a valid cron expression ({error})") from error
    return value


def cron_schedule(expression: str):
    """A Celery ``crontab`` from a five-field cron expression.

    Cron writes "minute hour day-of-month month day-of-week"; Celery's ``crontab()`` takes its
    positional arguments as (minute, hour, day_of_week, day_of_month, month_of_year), so every
    field is passed by name. One difference remains: where cron runs when *either* day field
    matches (both restricted), Celery needs both to match.
    """
    from celery.schedules import crontab

    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )
