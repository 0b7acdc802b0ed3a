"""Editorial changes purge the pages that show them from shared caches, once they commit."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from comparisons import cache_keys
from compsite import purge


def _touched(sender, instance) -> set[str]:
    from comparisons.models import (
        Category,
        Comparison,
        ComparisonEntry,
        ComparisonRedirect,
        PricingTier,
        Tool,
    )
    from reviews.models import Reviewer, Scorecard

    if isinstance(instance, Tool):
        return cache_keys.touched_by_tool(instance)
    if isinstance(instance, PricingTier):
        return cache_keys.touched_by_tier(instance)
    if isinstance(instance, Scorecard):
        return cache_keys.touched_by_scorecard(instance)
    if isinstance(instance, Reviewer):
        return cache_keys.touched_by_reviewer(instance)
    if isinstance(instance, Category):
        return cache_keys.touched_by_category(instance)
    if isinstance(instance, Comparison):
        return cache_keys.touched_by_comparison(instance.pk, [instance.slug])
    if isinstance(instance, ComparisonEntry):
        return cache_keys.touched_by_entry(instance)
    if isinstance(instance, ComparisonRedirect):
        return cache_keys.touched_by_comparison(instance.comparison_id, [instance.old_slug])
    raise TypeError(f"no surrogate keys for {sender.__name__}")


def content_changed(sender, instance, **kwargs) -> None:
    if purge.enabled():  # working out the keys costs queries: only with a cache to purge
        purge.after_commit(_touched(sender, instance))


def tools_changed(sender, instance, **kwargs) -> None:
    if purge.enabled() and kwargs.get("action", "").startswith("post_"):
        purge.after_commit(cache_keys.touched_by_comparison(instance.pk, [instance.slug]))


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
    m2m_changed.connect(tools_changed, sender=Comparison.tools.through, dispatch_uid="content-m2m")
