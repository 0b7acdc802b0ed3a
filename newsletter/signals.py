"""Edition changes purge the archive and the edition's page from shared caches once they commit;
the ESPs' bounce and complaint notifications reach the subscribers (newsletter/webhooks.py)."""

from django.db.models.signals import post_delete, post_save

from compsite import purge
from compsite.http_cache import MISSING_KEY

EDITIONS = "editions"


def edition_changed(sender, instance, **kwargs) -> None:
    from newsletter.models import Edition

    edition_id = instance.pk if isinstance(instance, Edition) else instance.edition_id
    purge.after_commit({f"edition-{edition_id}", EDITIONS, MISSING_KEY})


def connect() -> None:
    from anymail.signals import tracking

    from newsletter.models import Edition, EditionItem
    from newsletter.webhooks import tracking_received

    tracking.connect(tracking_received, dispatch_uid="newsletter-tracking")

    for model in (Edition, EditionItem):
        post_save.connect(edition_changed, sender=model, dispatch_uid=f"purge-{model.__name__}")
        post_delete.connect(
            edition_changed, sender=model, dispatch_uid=f"purge-gone-{model.__name__}"
        )
