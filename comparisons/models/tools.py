"""Categories, tools and their pricing tiers."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse

from comparisons.numbers import format_amount, percent
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


class ToolQuerySet(models.QuerySet):
    def published(self) -> ToolQuerySet:
        return self.filter(is_published=True)

    def by_panel(self) -> ToolQuerySet:
        """Highest Panel ship % first (tools without scorecards last), then by name."""
        ratio = ExpressionWrapper(
            F("ship_count") * 1.0 / NullIf(F("scorecard_count"), 0), output_field=FloatField()
        )
        return self.with_panel_counts().order_by(ratio.desc(nulls_last=True), "name", "id")

    def with_community_share(self) -> ToolQuerySet:
        """Votes for the tool, and all votes cast in the comparisons it is in (two subqueries)."""
        from comparisons.models.comparisons import ComparisonEntry

        def total(entries):
            return Coalesce(
                Subquery(
                    entries.order_by()
                    .annotate(total=Func(F("vote_count"), function="SUM"))
                    .values("total")[:1]
                ),
                0,
            )

        own = ComparisonEntry.objects.filter(tool_id=OuterRef("pk"))
        pool = ComparisonEntry.objects.filter(
            comparison_id__in=ComparisonEntry.objects.filter(
                tool_id=OuterRef(OuterRef("pk"))
            ).values("comparison_id")
        )
        return self.annotate(community_votes=total(own), community_pool=total(pool))

    def ranked_in(self, category: Category) -> ToolQuerySet:
        """A category's tools by Panel ship % as shown (whole percents), then community share,
        then name: ordered by the database, so a page of the ranking loads only that page.

        The panel counts are subqueries here, not ``with_panel_counts()``'s join: joined, every
        scorecard row would run the community subqueries again (four times slower at 8,000 tools).
        """
        from reviews.models import Scorecard, Verdict

        def scorecards(matching):
            counted = matching.order_by().values("tool_id").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted[:1]), 0)

        own = Scorecard.objects.filter(tool_id=OuterRef("pk"))
        return (
            self.published()
            .filter(category=category)
            .annotate(
                ship_count=scorecards(own.filter(verdict=Verdict.SHIP)),
                scorecard_count=scorecards(own),
            )
            .with_community_share()
            .annotate(
                shown_panel=ExpressionWrapper(  # numbers.percent(): integer arithmetic, half up
                    (200 * F("ship_count") + F("scorecard_count"))
                    / NullIf(2 * F("scorecard_count"), 0),
                    output_field=IntegerField(),
                ),
                share=ExpressionWrapper(
                    F("community_votes") * 1.0 / NullIf(F("community_pool"), 0),
                    output_field=FloatField(),
                ),
            )
            .prefetch_related("pricing_tiers")
            .order_by(
                F("shown_panel").desc(nulls_last=True),
                F("share").desc(nulls_last=True),
                Lower("name"),
                "id",
            )
        )

    def with_profile(self) -> ToolQuerySet:
        """Card, pricing tiers and every scorecard with its reviewer: a tool's full profile."""
        from reviews.models import Scorecard

        scorecards = Scorecard.objects.select_related("reviewer").order_by(
            "reviewer__position", "reviewer__name"
        )
        return (
            self.with_panel_counts()
            .select_related("category")
            .prefetch_related("pricing_tiers", Prefetch("scorecards", queryset=scorecards))
        )

    def with_panel_counts(self) -> ToolQuerySet:
        """Annotate the two counts behind Panel ship %; one query however many scorecards."""
        return self.annotate(
            ship_count=Count("scorecards", filter=Q(scorecards__verdict="ship")),
            scorecard_count=Count("scorecards"),
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
    # A new tool is a draft: readers see it once an editor has checked and published it.
    is_published = models.BooleanField("published", default=False)
    prices_checked = models.DateField(
        null=True, blank=True, help_text="When the tiers were last checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Postgres has more indexes on this table than these fields declare: search's, and the
        # one that counts a category's published tools. See migration 0005.

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
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
        """Other published tools in its category, best panel verdict first."""
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
        """Needs ``ToolQuerySet.with_panel_counts()``: the template never triggers a query."""
        return percent(self.ship_count, self.scorecard_count)

    @property
    def entry_tier(self) -> PricingTier | None:
        """The cheapest priced tier; None where no tier has a price. Uses prefetched tiers."""
        priced = [tier for tier in self.pricing_tiers.all() if tier.price is not None]
        return min(priced, key=lambda tier: tier.price, default=None)

    @property
    def entry_price(self) -> str:
        """ "Price not listed" without tiers: "Contact sales" is a claim only a tier can make."""
        tier = self.entry_tier
        if tier is not None:
            return tier.display_price
        return "Contact sales" if self.pricing_tiers.all() else "Price not listed"


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
