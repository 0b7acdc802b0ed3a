"""Settings for the Celery workers the crash test starts: production's, with a short visibility timeout.

In production an unacknowledged task comes back to a worker after two hours (longer than any
task runs). The crash test cannot wait that long for the killed worker's tasks, so its workers
hand them back after 15 seconds and look for them every second. Batches there take about a
second, far inside those 15 seconds, so no task is handed out twice while it still runs.
"""

from compsite.settings import *  # noqa: F403
from compsite.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 15,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
