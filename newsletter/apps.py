from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """Weekly AI Tool Verdicts: subscribers, editions and deliveries (built in its own issue)."""

    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from newsletter import signals

        signals.connect()

        # The services enqueue tasks by name (newsletter/services/queue.py): every process that
        # may enqueue one, the web process too, registers them here.
        from newsletter import tasks  # noqa: F401
