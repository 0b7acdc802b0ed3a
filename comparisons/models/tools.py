"""Categories, tools and their pricing tiers."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Count, Q

from comparisons.numbers import format_amount, percent

no_vs_in_slug = RegexValidator(
    r"(^|-)vs(-|$)",
    inverse_match=True,
    message="A tool slug may not contain “vs” as a word: comparison addresses use it.",
)


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Built from the slug, not reverse(): DESIGN.md fixes the address, and links to it (feeds,
        # the sitemap, JSON-LD) must not depend on what the URL pattern serving it is named.
        return f"/categories/{self.slug}/"


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

    def get_absolute_url(self) -> str:
        # From the slug, not reverse(), for the same reason as Category.get_absolute_url().
        return f"/tools/{self.slug}/"

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
