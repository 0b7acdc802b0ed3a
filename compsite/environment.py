"""Read and validate the environment variables listed in docs/configuration.md's table.

django-environ does the URL parsing; this module adds the strictness it lacks: an unknown boolean,
a URL of the wrong scheme or a rate in the wrong notation stops start-up with a message that names
the variable, instead of quietly falling back to a default.
"""

import ipaddress
import os
import re
from typing import overload
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_RATE = re.compile(r"^\d+/\d*[smhd]$")
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
_EMAIL_SCHEMES = {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "dummymail"}
# Email service providers, sent to through django-anymail (docs/configuration.md).
_ESP_BACKENDS = {
    "ses": "anymail.backends.amazon_ses.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
}
_EMAIL_EXPECTED = (
    "smtp://host:port, smtp+tls://user:password@host:port, ses://?region=eu-west-1, "
    "postmark://SERVER_TOKEN@ or consolemail://"
)
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
    if parts.scheme == "postmark" and parts.username:
        return value.replace(f"{parts.username}@", "***@", 1)  # the server token
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
    """Translate an email URL into one entry of Django 6.1's ``MAILERS`` setting.

    ``smtp…://`` and ``consolemail://`` go through django-environ; ``ses://`` and
    ``postmark://`` name an email service provider, reached through django-anymail.
    """
    value = _raw(name) or default
    scheme = urlsplit(value).scheme
    if scheme in _ESP_BACKENDS:
        return _esp_mailer(name, value)
    if scheme not in _EMAIL_SCHEMES:
        raise _fail(name, value, _EMAIL_EXPECTED)
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


def _esp_mailer(name: str, value: str) -> dict:
    """``ses://?region=…[&configuration_set=…]`` or ``postmark://SERVER_TOKEN@``.

    Amazon SES takes its credentials the way boto3 finds them (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, or the machine's role), so none is written in the URL; its region
    comes from the URL or AWS_REGION. Postmark's server token is the URL's user, or
    POSTMARK_SERVER_TOKEN when the URL has none (a token kept apart from the URL).
    """
    parts = urlsplit(value)
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as error:
        raise _fail(name, value, f"a well-formed query string ({error})") from error
    backend = _ESP_BACKENDS[parts.scheme]
    if parts.scheme == "ses":
        unknown = set(query) - {"region", "configuration_set"}
        if unknown or parts.netloc or parts.path not in ("", "/"):
            raise _fail(name, value, "ses://?region=REGION, optionally &configuration_set=NAME")
        region = (query.get("region") or [""])[-1] or _raw("AWS_REGION")
        region = region or _raw("AWS_DEFAULT_REGION")
        if not region or not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", region):
            raise _fail(
                name, value, "an AWS region, such as ses://?region=eu-west-1 (or AWS_REGION)"
            )
        options: dict = {"client_params": {"region_name": region}}
        if configuration_set := (query.get("configuration_set") or [""])[-1]:
            options["configuration_set_name"] = configuration_set
        return {"BACKEND": backend, "OPTIONS": options}
    # postmark://TOKEN@[?broadcast_stream=NAME] (the token is the user part)
    unknown = set(query) - {"broadcast_stream"}
    if unknown or parts.path not in ("", "/") or parts.password or parts.port:
        raise _fail(
            name,
            value,
            "postmark://SERVER_TOKEN@ (or postmark:// and POSTMARK_SERVER_TOKEN), "
            "optionally ?broadcast_stream=NAME",
        )
    token = unquote(parts.username or "") or _raw("POSTMARK_SERVER_TOKEN")
    if not token:
        raise _fail(
            name,
            value,
            "a Postmark server token: postmark://SERVER_TOKEN@ or POSTMARK_SERVER_TOKEN",
        )
    return {"BACKEND": backend, "OPTIONS": {"server_token": token}}


def read_broadcast_stream(name: str) -> str | None:
    """Postmark's stream for the editions (``postmark://TOKEN@?broadcast_stream=NAME``).

    Postmark keeps bulk mail apart from transactional mail: a newsletter goes through a
    Broadcast stream, while confirmations and welcomes stay on the server's default
    (transactional) stream. None for every other ``EMAIL_URL`` (``read_mailer`` checked it).
    """
    value = _raw(name)
    if value is None or urlsplit(value).scheme != "postmark":
        return None
    query = parse_qs(urlsplit(value).query, keep_blank_values=True)
    return (query.get("broadcast_stream") or [""])[-1] or None


def read_webhook_secret(name: str) -> str | None:
    """The ``user:password`` ESPs send as HTTP basic auth to the bounce webhooks; unset turns the
    webhooks off (they refuse every post) rather than leaving them open."""
    value = _raw(name)
    if value is None:
        return None
    user, colon, password = value.partition(":")
    if not colon or not user or len(password) < 16 or any(ord(c) < 33 for c in value):
        raise ImproperlyConfigured(
            f"{name} is not valid: expected user:password, without spaces, the password at "
            "least 16 characters (python -c 'import secrets; print(secrets.token_urlsafe(24))')."
        )
    return value


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
