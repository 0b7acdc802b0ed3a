from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from comparisons.numbers import format_amount, percent

SLUG_SEPARATOR = "-vs-"
MIN_TOOLS, MAX_TOOLS = 2, 4

no_vs_in_slug = RegexValidator(
    r"(^|-)vs(-|$)",
    inverse_match=True,
    message="A tool slug may not contain “vs” as a word: comparison addresses use it.",
)


def comparison_slug(tool_slugs: list[str]) -> str:
    """The canonical address of a set of tools: their slugs sorted alphabetically."""
    return SLUG_SEPARATOR.join(sorted(tool_slugs))


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ToolQuerySet(models.QuerySet):
    def published(self) -> ToolQuerySet:
        return self.filter(is_published=True)

    def with_panel_counts(self) -> ToolQuerySet:
        """Annotate the two counts behind Panel ship %; one query however many scorecards."""
        return self.annotate(
            ship_count=Count("scorecards", filter=Q(scorecards__verdict="ship")),
            scorecard_count=Count("scorecards"),
        )


class Tool(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=100, unique=True, validators=[no_vs_in_slug])
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    vendor = models.CharField(max_length=120, blank=True)
    tagline = models.CharField(max_length=160)
    description = models.TextField(blank=True, help_text="Markdown.")
    website = models.URLField(blank=True)
    licence = models.CharField(max_length=80, blank=True)
    is_published = models.BooleanField("published", default=True)
    prices_checked = models.DateField(
        null=True, blank=True, help_text="When the tiers were last checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

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
        tier = self.entry_tier
        return tier.display_price if tier else "Contact sales"


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
    name = models.CharField(max_length=80)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="In US dollars. 0 is free; leave empty for “contact sales”.",
    )
    unit = models.CharField(max_length=20, choices=Unit, blank=True)
    note = models.CharField(max_length=160, blank=True)
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


class ComparisonQuerySet(models.QuerySet):
    def published(self) -> ComparisonQuerySet:
        """Published and due: a future ``published_at`` schedules the comparison."""
        return self.filter(status=Comparison.Status.PUBLISHED, published_at__lte=timezone.now())

    def latest_first(self) -> ComparisonQuerySet:
        return self.order_by("-published_at", "-id")

    def with_cards(self) -> ComparisonQuerySet:
        """Tools in order with their panel counts: what a comparison card shows."""
        tools = Tool.objects.with_panel_counts().select_related("category")
        entries = ComparisonEntry.objects.order_by("position", "id")
        return self.prefetch_related(
            Prefetch("entries", queryset=entries), Prefetch("entries__tool", queryset=tools)
        )

    def with_page_data(self) -> ComparisonQuerySet:
        """Everything the comparison page shows about its tools, in a fixed number of queries."""
        from reviews.models import Scorecard

        scorecards = Scorecard.objects.select_related("reviewer").order_by(
            "reviewer__position", "reviewer__name"
        )
        tools = (
            Tool.objects.with_panel_counts()
            .select_related("category")
            .prefetch_related("pricing_tiers", Prefetch("scorecards", queryset=scorecards))
        )
        entries = ComparisonEntry.objects.order_by("position", "id")
        return self.prefetch_related(
            Prefetch("entries", queryset=entries), Prefetch("entries__tool", queryset=tools)
        )


class Comparison(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        CURATED = "curated", "Curated by an editor"
        GENERATED = "generated", "Generated from a reader's vote"

    # Both derived from the tools (refresh_identity); null until the tools are saved.
    # NULL, not "", before the tools exist: unique constraints allow many NULLs.
    slug = models.SlugField(max_length=420, unique=True, null=True, editable=False)  # noqa: DJ001
    title = models.CharField(max_length=520, blank=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.CURATED)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    intro = models.TextField(blank=True, help_text="Markdown.")
    pricing_read = models.TextField(blank=True, help_text="Markdown: the editor's read on pricing.")
    verdict = models.TextField("editor's verdict", blank=True, help_text="Markdown.")
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="A time in the future schedules the comparison."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tools = models.ManyToManyField(Tool, through="ComparisonEntry", related_name="comparisons")

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Comparison #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("comparisons:detail", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_curated(self) -> bool:
        return self.kind == self.Kind.CURATED

    @property
    def ordered_tools(self) -> list[Tool]:
        """The tools in the editor's order (uses the prefetched entries)."""
        return [entry.tool for entry in self.entries.all()]

    def publish(self, when=None) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or when or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])

    def refresh_identity(self) -> None:
        """Derive slug and title from the tools; the old address keeps working as a 301."""
        tools = [
            entry.tool for entry in self.entries.select_related("tool").order_by("position", "id")
        ]
        if not MIN_TOOLS <= len(tools) <= MAX_TOOLS:
            raise ValidationError(f"A comparison holds {MIN_TOOLS} to {MAX_TOOLS} tools.")
        slug = comparison_slug([tool.slug for tool in tools])
        title = " vs ".join(tool.name for tool in tools)
        if (slug, title) == (self.slug, self.title):
            return
        with transaction.atomic():
            if self.slug and self.slug != slug:
                ComparisonRedirect.objects.update_or_create(
                    old_slug=self.slug, defaults={"comparison": self}
                )
            ComparisonRedirect.objects.filter(old_slug=slug).delete()
            self.slug, self.title = slug, title
            self.save(update_fields=["slug", "title", "updated_at"])

    def related(self, limit: int = 3) -> list[Comparison]:
        """Other live comparisons sharing a tool with this one, newest first (one query)."""
        return list(
            Comparison.objects.published()
            .filter(tools__in=[entry.tool_id for entry in self.entries.all()])
            .exclude(pk=self.pk)
            .distinct()
            .latest_first()[:limit]
        )

    def panel_rows(self) -> list[tuple]:
        """The reviewer split: one row per reviewer with a cell (scorecard or None) per tool."""
        tools = self.ordered_tools
        by_reviewer: dict[int, dict[int, object]] = {}
        reviewers = {}
        for tool in tools:
            for scorecard in tool.scorecards.all():
                reviewers[scorecard.reviewer_id] = scorecard.reviewer
                by_reviewer.setdefault(scorecard.reviewer_id, {})[tool.pk] = scorecard
        ordered = sorted(
            reviewers.values(), key=lambda reviewer: (reviewer.position, reviewer.name)
        )
        return [
            (reviewer, [by_reviewer[reviewer.pk].get(tool.pk) for tool in tools])
            for reviewer in ordered
        ]

    @property
    def prices_checked(self):
        """The oldest check among the tools: the page promises nothing fresher than that."""
        dates = [tool.prices_checked for tool in self.ordered_tools if tool.prices_checked]
        return min(dates, default=None)


class ComparisonEntry(models.Model):
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="entries")
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "tool in comparison"
        verbose_name_plural = "tools in comparison"
        constraints = [
            models.UniqueConstraint(fields=["comparison", "tool"], name="one_entry_per_tool")
        ]

    def __str__(self) -> str:
        return f"{self.tool} in {self.comparison}"


class ComparisonRedirect(models.Model):
    """An address a comparison used to have; it answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=420, unique=True)
    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.comparison.slug}"
