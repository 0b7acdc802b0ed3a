from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from compsite.numbers import percent
from compsite.validators import validate_single_line


class Lens(models.TextChoices):
    BUILDER = "builder", "The builder: developer experience"
    SKEPTIC = "skeptic", "The skeptic: competitors and failure modes"
    FUTURIST = "futurist", "The futurist: the long-term thesis"
    BUYER = "buyer", "The buyer: budget and moat"


class Verdict(models.TextChoices):
    SHIP = "ship", "Ship"
    SKIP = "skip", "Skip"


class ReviewerQuerySet(models.QuerySet):
    def with_ship_counts(self) -> ReviewerQuerySet:
        return self.annotate(
            ship_count=Count("scorecards", filter=Q(scorecards__verdict=Verdict.SHIP)),
            scorecard_count=Count("scorecards"),
        )


class Reviewer(models.Model):
    """A panel member. Any number of reviewers; several may share a lens."""

    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=120, unique=True)
    lens = models.CharField(max_length=20, choices=Lens)
    question = models.CharField(
        max_length=200,
        help_text="The lens's one-line question.",
        validators=[validate_single_line],
    )
    bio = models.TextField(blank=True, help_text="Markdown.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the panel.")

    objects = ReviewerQuerySet.as_manager()

    # Set by the queries that annotate them (ReviewerQuerySet.with_ship_counts(), the sitemap).
    ship_count: int
    scorecard_count: int
    last_verdict: datetime | None

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    @property
    def lens_name(self) -> str:
        return self.get_lens_display().split(":")[0]

    @property
    def ship_rate(self) -> int | None:
        """Needs ``ReviewerQuerySet.with_ship_counts()``."""
        return percent(self.ship_count, self.scorecard_count)


class Scorecard(models.Model):
    """One reviewer's ship-or-skip on one tool, with the argument for it."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="scorecards")
    tool = models.ForeignKey(
        "comparisons.Tool", on_delete=models.CASCADE, related_name="scorecards"
    )
    verdict = models.CharField(max_length=4, choices=Verdict)
    quote = models.TextField(help_text="A short argued quote, from this reviewer's lens.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reviewer__position", "reviewer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "tool"], name="one_scorecard_per_reviewer_and_tool"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.tool}: {self.get_verdict_display()}"

    @property
    def ships(self) -> bool:
        return self.verdict == Verdict.SHIP
