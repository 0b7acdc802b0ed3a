from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F
from django.urls import reverse

from compsite.counting import fields_an_edit_saves
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
    is_persona = models.BooleanField(
        "invented persona",
        default=False,
        help_text="An illustrative reviewer, not a real person (the demo panel). "
        "The about page says so while one sits on the panel.",
    )
    # Kept on write, as a tool's are (comparisons/counters.py): recounted whenever one of the
    # reviewer's scorecards is saved or deleted, so no page counts a reviewer's 50,000 verdicts.
    ship_count = models.PositiveIntegerField(default=0, editable=False)
    scorecard_count = models.PositiveIntegerField(default=0, editable=False)

    last_verdict: datetime | None  # set by the sitemap's query

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = fields_an_edit_saves(self, ("ship_count", "scorecard_count"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    @property
    def lens_name(self) -> str:
        return self.get_lens_display().split(":")[0]

    @property
    def ship_rate(self) -> int | None:
        return percent(self.ship_count, self.scorecard_count)

    def published_scorecard_count(self) -> int:
        """Verdicts on published tools, what the reviewer's page lists: the kept count less the
        few on unpublished tools (read through the partial index of those)."""
        hidden = self.scorecards.filter(tool__is_published=False).count()
        return self.scorecard_count - hidden


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
        # A reviewer's page of verdicts, newest first, read in order.
        indexes = [
            models.Index(
                F("reviewer"), F("updated_at").desc(), F("id").desc(), name="scorecard_history"
            ),
            # The newest verdict of all, the sitemap's lastmod.
            models.Index(F("updated_at").desc(), name="scorecard_newest_change"),
        ]
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
