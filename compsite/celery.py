"""The Celery app. Configuration comes from Django settings (the ``CELERY_`` names)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")

app = Celery("compsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Settings give Redis calls the web process's budget (settings.REDIS_TIMEOUT: a reader waits).
# The worker and beat answer nobody: as before, they wait for Redis as long as it takes and retry
# a publish (Celery's default policy), so a slow Redis delays their work rather than dropping it.
BACKGROUND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 5,
    "socket_timeout": None,
    "max_retries": None,  # kombu's default: connecting is retried
}


@signals.celeryd_init.connect
@signals.beat_init.connect
def _background_budget(**kwargs) -> None:
    # Sent before the worker or beat opens its first broker connection.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        **BACKGROUND_TRANSPORT_OPTIONS,
    }
    app.conf.task_publish_retry = True
