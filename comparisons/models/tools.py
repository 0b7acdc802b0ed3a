"""Categories, tools and their pricing tiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.urls import reverse

from compsite.counting import fields_an_edit_saves
from compsite.freshness import stale_before
from compsite.numbers import format_amount, percent
from compsite.validators import validate_single_line

no_vs_in_slug = RegexValidator(
    r"(^|-)vs(-|$)",
    inverse_match=True,
    message="A tool slug may not contain “vs” as a word: comparison addresses use it.",
)


class CategoryQuerySet(models.QuerySet):
    def with_tool_counts(self) -> CategoryQuerySet:
        """Each category's published tools, counted by a subquery for each category listed.

        A join would read every tool of every category before grouping (all 50,000 for a page
        of categories); the subquery reads the index on published tools' categories only.
        """
        published = (
            Tool.objects.filter(category=OuterRef("pk"), is_published=True)
            .order_by()
            .values("category")
            .annotate(count=Count("*"))
            .values("count")
        )
        return self.annotate(tool_count=Coalesce(Subquery(published), 0)).order_by("name", "id")


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    objects = CategoryQuerySet.as_manager()

    last_change: datetime | None  # set by the sitemap's query

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("comparisons:category", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class RankedTool:
    rank: int
    tool: Tool
    panel: int | None
    community_share: int | None  # its share of all votes cast in comparisons it is in

    @classmethod
    def numbered(cls, tools, start: int = 1) -> list[RankedTool]:
        """``ToolQuerySet.ranked_in()`` rows (a page of them) with their places, from ``start``."""
        return [
            cls(
                start + index,
                tool,
                tool.panel_ship_percent,
                percent(tool.community_votes, tool.community_pool),
            )
            for index, tool in enumerate(tools)
        ]


# Panel ship % as shown, from the counters: numbers.percent()'s integer arithmetic, half up; NULL
# without scorecards. And the community share: the tool's votes over all votes in its
# comparisons, NULL while they have none. Expressions, not stored columns: the ranking index is
# built on them (Postgres matches a query's ORDER BY to an index's expressions), and a
# GeneratedField would make `manage.py check` connect to the database to ask what it supports.
PANEL_PERCENT = ExpressionWrapper(
    (200 * F("ship_count") + F("scorecard_count")) / NullIf(2 * F("scorecard_count"), 0),
    output_field=IntegerField(),
)
COMMUNITY_SHARE = ExpressionWrapper(
    Cast("community_votes", FloatField()) / NullIf(F("community_pool"), 0),
    output_field=FloatField(),
)
RANKING_KEYS = (
    PANEL_PERCENT.desc(nulls_last=True),
    COMMUNITY_SHARE.desc(nulls_last=True),
    Lower("name"),
    F("id"),
)


class ToolQuerySet(models.QuerySet):
    def published(self) -> ToolQuerySet:
        return self.filter(is_published=True)

    def unreviewed(self) -> ToolQuerySet:
        """Published tools without a scorecard yet (the counter kept on the row), newest first:
        the partial index ``tool_unreviewed``."""
        return self.published().filter(scorecard_count=0).order_by("-id")

    def prices_stale(self) -> ToolQuerySet:
        """Published tools whose prices were checked more than 90 days ago, the
        oldest check first (``tool_price_check``): the pages that show readers the notice."""
        return (
            self.published()
            .filter(prices_checked__lt=stale_before())
            .order_by("prices_checked", "id")
        )

    def by_name(self) -> ToolQuerySet:
        """A to Z whatever the case ("llama.cpp" among the Ls): the index ``tool_by_name``."""
        return self.order_by(Lower("name"), "id")

    def by_panel(self) -> ToolQuerySet:
        """Panel ship % as shown (whole percents; tools without scorecards last), then community
        share, then name: the columns kept on write, in the order of the index
        ``tool_ranking``, so Postgres reads a page of the ranking and stops."""
        return self.order_by(*RANKING_KEYS)

    def ranked_in(self, category: Category) -> ToolQuerySet:
        """A category's published tools by ``by_panel()``: a page of the ranking loads only that
        page (and its tiers)."""
        return (
            self.published().filter(category=category).by_panel().prefetch_related("pricing_tiers")
        )

    def with_profile(self) -> ToolQuerySet:
        """Card, pricing tiers and every scorecard with its reviewer: a tool's full profile."""
        from reviews.models import Scorecard

        scorecards = Scorecard.objects.select_related("reviewer").order_by(
            "reviewer__position", "reviewer__name"
        )
        return self.select_related("category").prefetch_related(
            "pricing_tiers", Prefetch("scorecards", queryset=scorecards)
        )


class Tool(models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=100, unique=True, validators=[no_vs_in_slug])
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    vendor = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    tagline = models.CharField(max_length=160, validators=[validate_single_line])
    description = models.TextField(blank=True, help_text="Markdown.")
    website = models.URLField(blank=True)
    licence = models.CharField(max_length=80, blank=True, validators=[validate_single_line])
    operating_systems = models.CharField(
        "runs on",
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text='Where it runs, for search engines: "Linux, macOS, Windows" for software or '
        'weights you run yourself, "Web" for a hosted service. Leave blank if unsure.',
    )
    # A new tool is a draft: readers see it once an editor has checked and published it.
    is_published = models.BooleanField("published", default=False)
    prices_checked = models.DateField(
        null=True, blank=True, help_text="When the tiers were last checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Counters kept on write (comparisons/counters.py), so no page counts scorecards or votes:
    # the panel's verdicts, recounted from the tool's scorecards whenever one is saved or
    # deleted, and the community's, moved by each vote in its own transaction and recounted when
    # a comparison's tools change. Tool.save() never writes them (COUNTERS).
    ship_count = models.PositiveIntegerField(default=0, editable=False)
    scorecard_count = models.PositiveIntegerField(default=0, editable=False)
    community_votes = models.PositiveIntegerField(
        default=0, editable=False, help_text="Votes for the tool, in every comparison it is in."
    )
    community_pool = models.PositiveIntegerField(
        default=0, editable=False, help_text="All votes cast in the comparisons it is in."
    )
    objects = ToolQuerySet.as_manager()

    last_verdict: datetime | None  # set by the sitemap's query

    class Meta:
        ordering = ["name"]
        # Postgres has more indexes on this table than these declare: search's, and the one that
        # counts a category's published tools. See migration 0005.
        indexes = [
            # Created on PostgreSQL only (migration 0006: SQLite takes no NULLS LAST in an index).
            # So on SQLite no migration may rebuild this table (a database-side AlterField
            # would, with this index): alter Tool's fields in the state only where the database
            # is unchanged, as 0008 does.
            # A category's ranking and a tool's alternatives (ToolQuerySet.by_panel), read in
            # order with unpublished tools (few) filtered out on the way. Not is_published as a
            # second column: with it, this index would be a way to read every published tool,
            # which Postgres then weighs against search's indexes (migration 0005).
            models.Index(
                F("category"),
                *RANKING_KEYS,
                name="tool_ranking",
            ),
            # /tools/ (ToolQuerySet.by_name).
            models.Index(Lower("name"), F("id"), name="tool_by_name"),
            # The few unpublished tools, so that what they hide is counted from them alone
            # (Reviewer.published_scorecard_count).
            models.Index(F("id"), condition=Q(is_published=False), name="tool_unpublished"),
            # The newest change, the sitemap's lastmod: read from the top, not a scan of all.
            models.Index(F("updated_at").desc(), name="tool_newest_change"),
            # The editors' dashboard: prices checked longest ago (ToolQuerySet.prices_stale),
            # and published tools still without a scorecard (ToolQuerySet.unreviewed; partial:
            # only those few, never a way to read every published tool).
            models.Index(F("prices_checked"), F("id"), name="tool_price_check"),
            models.Index(
                F("id"),
                condition=Q(is_published=True, scorecard_count=0),
                name="tool_unreviewed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            # A counter loaded before a vote or a scorecard moved it is not written back.
            kwargs["update_fields"] = fields_an_edit_saves(self, COUNTERS)
        renamed = self.pk is not None and (
            getattr(self, "_loaded_slug", self.slug) != self.slug
            or getattr(self, "_loaded_name", self.name) != self.name
        )
        with transaction.atomic():
            super().save(*args, **kwargs)
            if renamed:
                # A comparison's address and title are derived from its tools: follow the change.
                for comparison in self.comparisons.all():
                    comparison.refresh_identity()
        self._loaded_slug, self._loaded_name = self.slug, self.name

    def get_absolute_url(self) -> str:
        return reverse("comparisons:tool", kwargs={"slug": self.slug})

    def alternatives(self) -> ToolQuerySet:
        """Other published tools in its category, ranked as on the category's page."""
        return (
            Tool.objects.published()
            .filter(category_id=self.category_id)
            .exclude(pk=self.pk)
            .by_panel()
            .prefetch_related("pricing_tiers")
        )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_slug = instance.__dict__.get("slug")
        instance._loaded_name = instance.__dict__.get("name")
        return instance

    @property
    def monogram(self) -> str:
        """Up to two letters standing in for a logo."""
        words = [word for word in self.name.replace("-", " ").split() if word[:1].isalnum()]
        letters = "".join(word[0] for word in words[:2]) or self.name[:1]
        return letters.upper()

    @property
    def panel_ship_percent(self) -> int | None:
        """From the counters on the row (``PANEL_PERCENT`` in SQL): never a query."""
        return percent(self.ship_count, self.scorecard_count)

    @property
    def entry_tier(self) -> PricingTier | None:
        """The cheapest priced tier; None where no tier has a price. Uses prefetched tiers."""
        priced = [tier for tier in self.pricing_tiers.all() if tier.price is not None]
        return min(priced, key=lambda tier: tier.price or 0, default=None)

    @property
    def entry_price(self) -> str:
        """ "Price not listed" without tiers: "Contact sales" is a claim only a tier can make."""
        tier = self.entry_tier
        if tier is not None:
            return tier.display_price
        return "Contact sales" if self.pricing_tiers.all() else "Price not listed"


COUNTERS = frozenset({"ship_count", "scorecard_count", "community_votes", "community_pool"})


class PricingTier(models.Model):
    class Unit(models.TextChoices):
        ONE_OFF = "", "one-off / self-hosted"
        MONTH = "mo", "per month"
        YEAR = "yr", "per year"
        USER_MONTH = "user/mo", "per user per month"
        MILLION_TOKENS = "1M tokens", "per million tokens"
        MINUTE = "min", "per minute"
        IMAGE = "image", "per image"

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="pricing_tiers")
    name = models.CharField(max_length=80, validators=[validate_single_line])
    price = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="In US dollars. 0 is free; leave empty for “contact sales”.",
    )
    unit = models.CharField(max_length=20, choices=Unit, blank=True)
    note = models.CharField(max_length=160, blank=True, validators=[validate_single_line])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="pricing_tier_price_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tool}: {self.name}"

    @property
    def display_price(self) -> str:
        if self.price is None:
            return "Contact sales"
        if self.price == 0:
            return "Free"
        amount = format_amount(self.price)
        return f"{amount}/{self.unit}" if self.unit else amount
