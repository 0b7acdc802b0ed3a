"""Community votes: one per reader and comparison, counted on the comparison's entries."""

from django.db import models


class Vote(models.Model):
    """A reader's current choice in one comparison.

    The reader is stored only as a keyed hash of the random id in their signed cookie. Changing
    the vote updates this row (never adds one); the per-tool totals live on ``ComparisonEntry``
    and change in the same transaction, so pages never count these rows.
    """

    comparison = models.ForeignKey(
        "comparisons.Comparison", on_delete=models.CASCADE, related_name="votes"
    )
    tool = models.ForeignKey("comparisons.Tool", on_delete=models.CASCADE, related_name="votes")
    reader_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "reader_hash"], name="one_vote_per_reader_and_comparison"
            )
        ]
        indexes = [models.Index(fields=["comparison", "tool"], name="vote_comparison_tool")]

    def __str__(self) -> str:
        return f"Vote for {self.tool_id} in {self.comparison_id}"


class DailyVotes(models.Model):
    """First votes cast in one comparison on one day (the site's time zone): what trending sums
    over the last days, instead of counting vote rows. Bumped in the vote's own transaction."""

    # No index of its own: the unique (comparison, day) one serves lookups by comparison.
    comparison = models.ForeignKey(
        "comparisons.Comparison",
        on_delete=models.CASCADE,
        related_name="daily_votes",
        db_index=False,
    )
    day = models.DateField()
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily votes"
        constraints = [
            models.UniqueConstraint(fields=["comparison", "day"], name="one_count_per_day")
        ]
        # Trending reads the last few days of every comparison: by day first.
        indexes = [models.Index(fields=["day", "comparison"], name="daily_votes_by_day")]

    def __str__(self) -> str:
        return f"{self.votes} votes in {self.comparison_id} on {self.day}"
