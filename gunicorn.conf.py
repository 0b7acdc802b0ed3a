"""gunicorn settings for the web process (gunicorn reads this file from the working directory).

Workers come from WEB_CONCURRENCY (gunicorn's own variable), defaulting to two per core plus one.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
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
# The TLS proxy in front sets X-Forwarded-Proto; Django trusts it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
