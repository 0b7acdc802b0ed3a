"""Counters kept on each tool's row and per-comparison daily vote counts (comparisons/counters.py),
counted once here from the rows, and the indexes that serve the rankings and /tools/ from them."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

from comparisons import counters
from compsite.migration_operations import PostgresOnlyAddIndex


def backfill(apps, schema_editor):
    Tool = apps.get_model("comparisons", "Tool")
    Tool.objects.update(
        **counters.panel_counts(apps.get_model("reviews", "Scorecard")),
        **counters.community_counts(apps.get_model("comparisons", "ComparisonEntry")),
    )
    counters.rebuild_daily_votes(
        apps.get_model("comparisons", "Vote"), apps.get_model("comparisons", "DailyVotes")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0005_search_indexes"),
        ("reviews", "0002_single_line_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyVotes",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("votes", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "daily votes",
            },
        ),
        migrations.AddField(
            model_name="tool",
            name="community_pool",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="All votes cast in the comparisons it is in."
            ),
        ),
        migrations.AddField(
            model_name="tool",
            name="community_votes",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Votes for the tool, in every comparison it is in.",
            ),
        ),
        migrations.AddField(
            model_name="tool",
            name="scorecard_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="tool",
            name="ship_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="dailyvotes",
            name="comparison",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="daily_votes",
                to="comparisons.comparison",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        # NULLS LAST in an index: PostgreSQL only (SQLite, for `make run`, sorts without it).
        PostgresOnlyAddIndex(
            model_name="tool",
            index=models.Index(
                models.F("category"),
                models.OrderBy(
                    models.ExpressionWrapper(
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.Value(200), "*", models.F("ship_count")
                                ),
                                "+",
                                models.F("scorecard_count"),
                            ),
                            "/",
                            django.db.models.functions.comparison.NullIf(
                                django.db.models.expressions.CombinedExpression(
                                    models.Value(2), "*", models.F("scorecard_count")
                                ),
                                0,
                            ),
                        ),
                        output_field=models.IntegerField(),
                    ),
                    descending=True,
                    nulls_last=True,
                ),
                models.OrderBy(
                    models.ExpressionWrapper(
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.functions.comparison.Cast(
                                "community_votes", models.FloatField()
                            ),
                            "/",
                            django.db.models.functions.comparison.NullIf(
                                models.F("community_pool"), 0
                            ),
                        ),
                        output_field=models.FloatField(),
                    ),
                    descending=True,
                    nulls_last=True,
                ),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                name="tool_ranking",
            ),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                django.db.models.functions.text.Lower("name"), models.F("id"), name="tool_by_name"
            ),
        ),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                models.F("id"), condition=models.Q(("is_published", False)), name="tool_unpublished"
            ),
        ),
        migrations.AddIndex(
            model_name="dailyvotes",
            index=models.Index(fields=["day", "comparison"], name="daily_votes_by_day"),
        ),
        migrations.AddConstraint(
            model_name="dailyvotes",
            constraint=models.UniqueConstraint(
                fields=("comparison", "day"), name="one_count_per_day"
            ),
        ),
    ]
