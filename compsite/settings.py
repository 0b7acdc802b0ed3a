"""Settings for AI Tool Verdicts: everything that varies comes from the environment.

The variables and their defaults are docs/configuration.md's table; ``compsite.environment``
validates each one so that a bad value stops start-up with a message naming the variable.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from compsite.environment import (
    cron_schedule,
    read_bool,
    read_broadcast_stream,
    read_crontab,
    read_database,
    read_list,
    read_mailer,
    read_rate,
    read_redis_url,
    read_site_url,
    read_str,
    read_trusted_proxies,
    read_urls,
    read_webhook_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = read_bool("DEBUG", default=False)

SECRET_KEY = read_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required when DEBUG is off: set it to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"

SITE_URL = read_site_url("SITE_URL", default="http://127.0.0.1:8000")
_site = urlsplit(SITE_URL)

# read_site_url refuses a URL without a host. urlsplit gives an IPv6 host without its brackets,
# which Django's ALLOWED_HOSTS (like the Host header) writes with them.
_site_host = _site.hostname or ""
if ":" in _site_host:
    _site_host = f"[{_site_host}]"
ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if _site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site_host)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
# The site lives at the root of SITE_URL. Pinned, so that no request (a SCRIPT_NAME header passed
# on by a server) can move the addresses a page prints, and with them the shared page cache's.
FORCE_SCRIPT_NAME = ""

# The proxies in front of gunicorn (Caddy, then the HTTP cache): only their forwarded headers
# count (compsite/proxies.py). gunicorn.conf.py reads the same variable the same way.
FORWARDED_ALLOW_IPS = read_trusted_proxies()

INSTALLED_APPS = [
    "editors.sites.EditorsAdminConfig",  # Django's admin, with the editors' dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",  # its sitemap.xml template; compsite/sitemaps.py uses SITE_URL
    "django_htmx",
    "django_ratelimit",
    "axes",
    "anymail",  # ESP backends and the bounce and complaint webhooks (newsletter/webhooks.py)
    "comparisons",
    "reviews",
    "newsletter",
    "editors",
]

MIDDLEWARE = [
    # First: forwarded headers from anybody but our proxies are dropped before anything reads them.
    "compsite.proxies.ForwardedHeadersMiddleware",
    # Each request starts with a fresh Redis budget (see REDIS_TIMEOUT), before anything uses Redis.
    "compsite.redis_budget.RedisBudgetMiddleware",
    # Outside everything that may answer an open-data address (the HTTPS redirect, a 400 for
    # unreadable input, the resolver's 404): their answers get the CORS header and JSON errors.
    "comparisons.sharing.middleware.OpenDataMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below static files, which carry their own headers; above everything that can set a cookie
    # or read the session, so these two see the final response: an ETag and 304s for every GET,
    # and the shared-cache headers (compsite/http_cache.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "compsite.http_cache.SharedCacheMiddleware",
    "compsite.middleware.UnreadableInputMiddleware",  # before anything reads parameters
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "compsite.middleware.DatabaseUnavailableMiddleware",
    "comparisons.middleware.ComparisonMovedMiddleware",
    # Last: turns a refused sign-in into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compsite.urls"
WSGI_APPLICATION = "compsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "compsite.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------
DATABASES = {"default": read_database("DATABASE_URL", str(BASE_DIR / "db.sqlite3"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so a restarted Postgres is picked up.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = read_redis_url("REDIS_URL")
# A Redis that hangs, unlike one that refuses connections, costs each call its whole timeout. A
# request's calls (cache, rate limit, broker) give up after this long, a publish is not retried,
# and after one timeout the rest of the request skips Redis (compsite/redis_budget.py): a
# request waits for Redis about a second at most. The worker and beat wait longer and retry
# (compsite/celery.py).
REDIS_TIMEOUT = 0.5
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its client (compsite/cache.py says why).
            "BACKEND": "compsite.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Cache and broker share one Redis database: the prefix keeps cache keys apart.
            "KEY_PREFIX": "aitv",
            # The cache is an optimisation: when Redis does not answer, the page renders from
            # the database and the rate limit fails open.
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Shared caches in front of the site (the shipped Varnish), purged after each change: URLs that
# accept PURGE with a Surrogate-Key header (compsite/purge.py). Empty: no cache to purge.
CACHE_PURGE_URLS = read_urls("CACHE_PURGE_URLS")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis there is no worker: tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands a task that was delivered but never acknowledged to another worker after this
    # long: that is how a crashed worker's task comes back (the mail tasks use acks_late). It must
    # be longer than any task can take, or a slow task would run twice at once: the mail tasks
    # stop after an hour (time_limit) and a retry waits at most ten minutes in the worker.
    "visibility_timeout": 2 * 60 * 60,
    # kombu's Redis transport passes these to redis-py (it ignores broker_connection_timeout).
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    # A publish opens its connection with one attempt (kombu's default retries for 4 s, 2 s
    # apart, even when the publish itself is not retried)...
    "max_retries": 0,
}
# ...and is not retried: a sign-up whose publish fails is kept, and the sweep settles it later.
CELERY_TASK_PUBLISH_RETRY = False
# With late acknowledgement a worker holds only what it is running, not a backlog it might lose.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
NEWSLETTER_SCHEDULE = read_crontab("NEWSLETTER_SCHEDULE", default="0 8 * * 1")
CELERY_BEAT_SCHEDULE = {
    # NEWSLETTER_SCHEDULE is a cron expression, "minute hour day-of-month month day-of-week".
    # The default, "0 8 * * 1", reads: at minute 0 of hour 8 (UTC), any day of the month, any
    # month, on Mondays. The task creates the week's edition if it is missing and sends it.
    "newsletter-weekly-edition": {
        "task": "newsletter.weekly_edition",
        "schedule": cron_schedule(NEWSLETTER_SCHEDULE),
    },
    # "*/10 * * * *": every ten minutes. Sends confirmation emails a broker outage held back
    # and re-enqueues edition batches whose task was lost.
    "newsletter-sweep": {
        "task": "newsletter.sweep",
        "schedule": cron_schedule("*/10 * * * *"),
    },
    # Every minute: a scheduled comparison's pages leave shared caches when its time comes.
    "comparisons-purge-due": {
        "task": "comparisons.purge_due",
        "schedule": cron_schedule("* * * * *"),
    },
    # "30 3 * * *": daily at 03:30 UTC. Deletes sign-ups never confirmed within 30 days.
    "newsletter-forget-unconfirmed": {
        "task": "newsletter.forget_unconfirmed",
        "schedule": cron_schedule("30 3 * * *"),
    },
}

# --- Email ----------------------------------------------------------------------------------
MAILERS = {
    "default": read_mailer(
        "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
    )
}
# Through Postmark, the editions' (bulk) stream; confirmations and welcomes use the default one.
NEWSLETTER_BROADCAST_STREAM = read_broadcast_stream("EMAIL_URL")
DEFAULT_FROM_EMAIL: str = read_str(
    "DEFAULT_FROM_EMAIL", default=f"Weekly AI Tool Verdicts <verdicts@{_site_host}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# django-anymail: the user:password an ESP sends (HTTP basic auth) with each bounce and complaint
# notification to /anymail/<esp>/tracking/. Unset, those addresses refuse every post.
ANYMAIL: dict[str, object] = {"WEBHOOK_SECRET": read_webhook_secret("ANYMAIL_WEBHOOK_SECRET") or []}
# DKIM over SMTP (newsletter/deliverability.py): the private key (PEM) and its selector; both set,
# every newsletter message is signed for DEFAULT_FROM_EMAIL's domain (or DKIM_DOMAIN).
DKIM_PRIVATE_KEY = read_str("DKIM_PRIVATE_KEY")
DKIM_SELECTOR = read_str("DKIM_SELECTOR")
DKIM_DOMAIN = read_str("DKIM_DOMAIN")
# The sender's postal address, printed in every edition's footer (CAN-SPAM). Without one the site
# runs, but editions are not sent (newsletter.services.editions.edition_problems says so).
NEWSLETTER_POSTAL_ADDRESS = read_str("NEWSLETTER_POSTAL_ADDRESS", default="")

# --- Rate limits ----------------------------------------------------------------------------
VOTE_RATE = read_rate("VOTE_RATE", default="30/m")
SIGNUP_RATE = read_rate("SIGNUP_RATE", default="5/m")
# The client's address: the peer, or behind our proxies the rightmost X-Forwarded-For address
# that is not one of theirs. The same function for the sign-in lockout below.
RATELIMIT_IP_META_KEY = "compsite.proxies.client_ip"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit knows only django-redis and memcached. Django's own RedisCache increments
    # atomically (Redis INCR), so it is sound; the local-memory cache is the embedded default for
    # one process (`make run`), where "not shared" does not matter. Outages fail open
    # (compsite/ratelimits.py), which the fault tests prove.
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]

# --- Signing in (editors, in the admin) -----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes counts failed sign-ins per username and address (in the database, so a Redis
# outage never lifts the limit). After AXES_FAILURE_LIMIT failures that pair is refused, even
# with the right password, until AXES_COOLOFF_TIME has passed since the last counted failure.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And one address may fail this often in the cool-off across every username it tries before
# all sign-ins from it are refused (editors/lockout.py).
AXES_HANDLER = "editors.lockout.AddressLimitHandler"
SIGN_IN_FAILURES_PER_ADDRESS = 10
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out do not push the end of the lockout back: the page can say when
# trying again will work.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "compsite.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "editors.views.locked_out"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Security -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# Scripts and styles only from our own origin. The admin also uses a few inline, with this
# response's nonce; a public page uses none, so its header names no nonce and stays the same for
# every visitor (Django adds the nonce only to responses that rendered it).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    # From our proxies only: ForwardedHeadersMiddleware drops anybody else's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The load balancer's health probe speaks plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging --------------------------------------------------------------------------------
# One JSON object per line on stdout, for whatever collects the container's output.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    # axes announces itself at INFO in every process; its lockouts are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
