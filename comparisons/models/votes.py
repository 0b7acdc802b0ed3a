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
