"""Editorial changes move the page cache's content version on, once they commit."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from compsite import pagecache


def content_changed(**kwargs) -> None:
    pagecache.bump(pagecache.CONTENT)


def connect() -> None:
    from comparisons.models import (
        Category,
        Comparison,
        ComparisonEntry,
        ComparisonRedirect,
        PricingTier,
        Tool,
    )
    from reviews.models import Reviewer, Scorecard

    for model in (
        Category,
        Tool,
        PricingTier,
        Comparison,
        ComparisonEntry,
        ComparisonRedirect,
        Reviewer,
        Scorecard,
    ):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-{model.__name__}")
        post_delete.connect(
            content_changed, sender=model, dispatch_uid=f"content-gone-{model.__name__}"
        )
    m2m_changed.connect(
        content_changed, sender=Comparison.tools.through, dispatch_uid="content-m2m"
    )
