"""gunicorn settings for the web process (gunicorn reads this file from the working directory).

Workers come from WEB_CONCURRENCY (gunicorn's own variable), defaulting to two per core plus one.
gunicorn's sync workers must sit behind a buffering proxy (Caddy), which alone may reach them:
a slow client holds a worker for as long as it takes to send its request.
"""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.exceptions import ImproperlyConfigured

from compsite.environment import read_trusted_proxies

# Where only the proxy reaches it: this machine by default; compose sets the container's
# interfaces, which only the compose network reaches (no port is published).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer than this is a bug or an attack; the worker is replaced.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Import the app once, before forking: workers start (and restart) fast and share memory.
preload_app = True
# Recycle workers now and then so a slow leak can never take a process down, but rarely: each
# restart is a pause that shows in the slowest requests (measured with `make bench`).
max_requests = 50_000
max_requests_jitter = 5_000
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Only the proxies in FORWARDED_ALLOW_IPS may say the request was HTTPS (X-Forwarded-Proto);
# the settings read the same list for Django.
try:
    forwarded_allow_ips = ",".join(str(network) for network in read_trusted_proxies())
except ImproperlyConfigured as error:
    sys.exit(f"Configuration error: {error}")
# And nobody may set SCRIPT_NAME or PATH_INFO with a header (gunicorn's default lets a trusted
# peer do so, and the proxies pass a client's header on): the site lives at the root.
forwarder_headers = ""
