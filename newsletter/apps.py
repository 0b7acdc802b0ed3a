from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """Weekly AI Tool Verdicts: subscribers, editions and deliveries (built in its own issue)."""

    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from newsletter import signals

        signals.connect()
