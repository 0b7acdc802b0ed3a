"""Comparisons of 2 to 4 tools, their addresses and the numbers they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Prefetch, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from comparisons.models.tools import Tool
from compsite.numbers import is_sampled, percent
from compsite.validators import validate_single_line

SLUG_SEPARATOR = "-vs-"


@dataclass(frozen=True)
class Standing:
    tool: Tool
    votes: int
    percent: int | None  # None while the comparison has no votes (the JSON's raw share)
    total: int = 0  # all votes in the comparison

    @property
    def shown_percent(self) -> int | None:
        """Community % as pages show it: None below the minimum sample, where the count shows."""
        return self.percent if is_sampled(self.total) else None


MIN_TOOLS, MAX_TOOLS = 2, 4


def comparison_slug(tool_slugs: list[str]) -> str:
    """The canonical address of a set of tools: their slugs sorted alphabetically."""
    return SLUG_SEPARATOR.join(sorted(tool_slugs))


def comparison_title(tools: list[Tool]) -> str:
    return " vs ".join(tool.name for tool in tools)


class ComparisonQuerySet(models.QuerySet):
    def published(self) -> ComparisonQuerySet:
        """Published and due: a future ``published_at`` schedules the comparison."""
        return self.filter(status=Comparison.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self) -> ComparisonQuerySet:
        """Published with a time still to come: readers see them from that time on."""
        return self.filter(status=Comparison.Status.PUBLISHED, published_at__gt=timezone.now())

    def scheduled_soonest(self) -> ComparisonQuerySet:
        """``scheduled()``, the soonest first, off the index ``comparison_scheduled``: the
        redundant condition (true of every scheduled comparison) lets Postgres use it."""
        return (
            self.scheduled().filter(published_at__gt=F("created_at")).order_by("published_at", "id")
        )

    def drafts(self) -> ComparisonQuerySet:
        """Drafts, the last edited first (the partial index ``comparison_draft``)."""
        return self.filter(status=Comparison.Status.DRAFT).order_by("-updated_at", "-id")

    def curated(self) -> ComparisonQuerySet:
        return self.filter(kind=Comparison.Kind.CURATED)

    def panel_vs_crowd(self) -> ComparisonQuerySet:
        """Published curated comparisons whose readers' top pick is not the panel's, newest
        first (the picks are kept on write: comparisons/top_picks.py)."""
        return self.published().curated().filter(crowd_differs=True).latest_first()

    def latest_first(self) -> ComparisonQuerySet:
        return self.order_by("-published_at", "-id")

    def trending(self, days: int = 7) -> ComparisonQuerySet:
        """Most votes cast in the last ``days`` days, today included (a vote counts on the day
        it was first cast): a sum over each comparison's daily counts, read by day."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            self.filter(daily_votes__day__gte=since)
            .annotate(recent_votes=Sum("daily_votes__votes"))
            .filter(recent_votes__gt=0)
            .order_by("-recent_votes", "-published_at", "-id")
        )

    def in_category(self, category) -> ComparisonQuerySet:
        return self.filter(
            pk__in=ComparisonEntry.objects.filter(tool__category=category).values("comparison_id")
        )

    def with_tool(self, tool: Tool) -> ComparisonQuerySet:
        return self.filter(pk__in=ComparisonEntry.objects.filter(tool=tool).values("comparison_id"))

    def with_cards(self) -> ComparisonQuerySet:
        """Tools in order, with the panel counts on their rows: what a comparison card shows."""
        tools = Tool.objects.select_related("category")
        entries = ComparisonEntry.objects.order_by("position", "id")
        return self.prefetch_related(
            Prefetch("entries", queryset=entries), Prefetch("entries__tool", queryset=tools)
        )

    def with_standings(self) -> ComparisonQuerySet:
        """Tools in order with their vote counts, and nothing else: what the vote block needs."""
        entries = ComparisonEntry.objects.select_related("tool").order_by("position", "id")
        return self.prefetch_related(Prefetch("entries", queryset=entries))

    def for_vote(self, slug: str) -> Comparison | None:
        """The comparison at ``slug`` with its entries and tools, in one query (the vote's)."""
        entries = list(
            ComparisonEntry.objects.filter(comparison__slug=slug)
            .select_related("comparison", "tool")
            .order_by("position", "id")
        )
        if not entries:
            return None
        comparison = entries[0].comparison
        comparison.entry_list = entries
        return comparison

    def with_page_data(self) -> ComparisonQuerySet:
        """Everything the comparison page shows about its tools, in a fixed number of queries."""
        tools = Tool.objects.with_profile()
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
    title = models.CharField(
        max_length=520, blank=True, editable=False, validators=[validate_single_line]
    )
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
    # The panel's and the readers' top picks (docs/product.md, "Panel vs crowd"), kept on write
    # by comparisons/top_picks.py from the tools' and entries' counters: NULL when there is no
    # clear pick. No index on either: the list reads the partial index below, and a tool in a
    # comparison cannot be deleted (its entry protects it) to need one.
    panel_pick = models.ForeignKey(
        Tool, null=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        db_index=False,
    )  # fmt: skip
    crowd_pick = models.ForeignKey(
        Tool, null=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        db_index=False,
    )  # fmt: skip
    crowd_differs = models.BooleanField(
        default=False, editable=False, help_text="Both picks exist and are different tools."
    )

    objects = ComparisonQuerySet.as_manager()

    # A generated page whose pair an editor is curating takes no votes (generated_for()).
    awaits_editors = False
    kept_on_id: int | None  # set on generated pages by generated_for()
    AWAITS_EDITORS = (
        "The editors are writing up a comparison of these tools: voting opens when it is published."
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # The editors' dashboard: drafts by their last edit (ComparisonQuerySet.drafts), and
            # scheduled ones by their time to come (ComparisonQuerySet.scheduled_soonest). The
            # second's condition, published after it was created, holds for every scheduled
            # comparison (its time is still to come; its creation is past) but is implied by no
            # other query: a plain partial index of published comparisons would be a way to read
            # all of them, which Postgres then weighs against search's indexes (migration 0005).
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                condition=Q(status="draft"),
                name="comparison_draft",
            ),
            models.Index(
                F("published_at"),
                F("id"),
                condition=Q(status="published", published_at__gt=F("created_at")),
                name="comparison_scheduled",
            ),
            # /panel-vs-crowd/ and the home page's block (ComparisonQuerySet.panel_vs_crowd):
            # the few comparisons where readers and panel disagree, newest first.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="comparison_panel_vs_crowd",
                condition=Q(crowd_differs=True, kind="curated", status="published"),
            ),
        ]

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

    def get_data_url(self) -> str:
        return reverse("comparisons:data", kwargs={"slug": self.slug})

    def get_share_image_url(self) -> str:
        return reverse("comparisons:share_image", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def publication(self) -> str:
        """What readers see of it now: "Draft", "Scheduled" or "Published"."""
        if self.status != self.Status.PUBLISHED:
            return "Draft"
        return "Published" if self.is_live else "Scheduled"

    @property
    def is_curated(self) -> bool:
        return self.kind == self.Kind.CURATED

    @classmethod
    def generated_for(cls, tools: list[Tool], kept_on: Comparison | None = None) -> Comparison:
        """An unsaved comparison of any 2 to 4 tools, for the page they have before a first vote.

        ``kept_on`` is a stored comparison of the pair that readers may not see. A generated one
        (unpublished by an editor) keeps the page's votes, which still show. An editor's curated
        draft or scheduled comparison does not: it goes live with only the votes cast on its own
        page, so until then this page shows none and takes none (``awaits_editors``).
        """
        tools = sorted(tools, key=lambda tool: tool.slug)
        comparison = cls(
            kind=cls.Kind.GENERATED,
            status=cls.Status.PUBLISHED,
            slug=comparison_slug([tool.slug for tool in tools]),
            title=comparison_title(tools),
        )
        comparison.awaits_editors = kept_on is not None and kept_on.is_curated
        if comparison.awaits_editors:
            kept_on = None
        counts = (
            {entry.tool_id: entry.vote_count for entry in kept_on.entry_list} if kept_on else {}
        )
        comparison.kept_on_id = kept_on.pk if kept_on else None
        comparison.entry_list = [
            ComparisonEntry(tool=tool, position=index, vote_count=counts.get(tool.pk, 0))
            for index, tool in enumerate(tools)
        ]
        return comparison

    @property
    def ballot_id(self) -> int | None:
        """The stored comparison a vote on this page is kept on: this one, or the draft that a
        generated page stands in for (None before the pair's first vote)."""
        return self.pk or getattr(self, "kept_on_id", None)

    @cached_property
    def entry_list(self) -> list[ComparisonEntry]:
        """The entries in order; prefetch them (``with_cards``, ``with_page_data``…)."""
        return list(self.entries.all())

    @property
    def summary(self) -> str:
        """One sentence saying what the page offers: its meta description, feed and JSON-LD."""
        return (
            f"{self.title} compared side by side: the panel's ship-or-skip verdicts, "
            "entry prices and the community vote."
        )

    @property
    def ordered_tools(self) -> list[Tool]:
        """The tools in the editor's order."""
        return [entry.tool for entry in self.entry_list]

    @property
    def categories_spanned(self) -> list:
        """The tools' categories, each once in the tools' order, when there is more than one
        (comparing across categories is allowed, and the page says so); else empty. Reads the
        tools' loaded categories: ``with_page_data`` selects them."""
        categories = list({tool.category_id: tool.category for tool in self.ordered_tools}.values())
        return categories if len(categories) > 1 else []

    @property
    def is_indexable(self) -> bool:
        """A generated pair nobody has voted on is thin content: search engines skip it."""
        return self.is_curated or self.vote_total > 0

    @cached_property
    def standings(self) -> list[Standing]:
        """Each tool with its community votes and Community %, in the editor's order."""
        entries = self.entry_list
        total = sum(entry.vote_count for entry in entries)
        return [
            Standing(entry.tool, entry.vote_count, percent(entry.vote_count, total), total)
            for entry in entries
        ]

    @property
    def vote_total(self) -> int:
        return sum(standing.votes for standing in self.standings)

    @property
    def is_sampled(self) -> bool:
        """Enough votes for Community % to be shown (``numbers.COMMUNITY_MIN_VOTES``)."""
        return is_sampled(self.vote_total)

    def publish(self, when=None) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or when or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])

    def unpublish(self) -> None:
        """Back to draft; the publication time stays, for when it is published again."""
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated_at"])

    def refresh_identity(self) -> None:
        """Derive slug and title from the tools; the old address keeps working as a 301."""
        tools = [
            entry.tool for entry in self.entries.select_related("tool").order_by("position", "id")
        ]
        if not MIN_TOOLS <= len(tools) <= MAX_TOOLS:
            raise ValidationError(f"A comparison holds {MIN_TOOLS} to {MAX_TOOLS} tools.")
        slug = comparison_slug([tool.slug for tool in tools])
        title = comparison_title(tools)
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
        """Other live curated comparisons sharing a tool with this one, newest first (one query)."""
        return list(
            Comparison.objects.published()
            .curated()
            .filter(tools__in=[entry.tool.pk for entry in self.entry_list])
            .exclude(pk=self.pk)
            .distinct()
            .latest_first()[:limit]
        )

    def panel_rows(self) -> list[tuple]:
        """The reviewer split: one row per reviewer with a cell per tool, ``(tool, scorecard or
        None)`` (a phone shows the tool's name in each cell)."""
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
            (reviewer, [(tool, by_reviewer[reviewer.pk].get(tool.pk)) for tool in tools])
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
    # Kept by the vote service with database arithmetic, in the vote's own transaction.
    vote_count = models.PositiveIntegerField(default=0, editable=False)

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
