from django.db import migrations, models

import compsite.validators


class Migration(migrations.Migration):
    """Where a tool runs (schema.org's operatingSystem). The column is added by hand, with an
    empty default, on either database: on SQLite (`make run`) Django's AddField of a NOT NULL
    column with a default rebuilds the table with every index of the model's state, including
    the PostgreSQL-only ``tool_ranking`` (NULLS LAST), which SQLite refuses (as in 0008)."""

    dependencies = [
        ("comparisons", "0010_panel_and_crowd_picks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE comparisons_tool "
                    "ADD COLUMN operating_systems varchar(120) NOT NULL DEFAULT ''",
                    "ALTER TABLE comparisons_tool DROP COLUMN operating_systems",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="tool",
                    name="operating_systems",
                    field=models.CharField(
                        blank=True,
                        help_text='Where it runs, for search engines: "Linux, macOS, Windows" '
                        'for software or weights you run yourself, "Web" for a hosted service. '
                        "Leave blank if unsure.",
                        max_length=120,
                        validators=[compsite.validators.validate_single_line],
                        verbose_name="runs on",
                    ),
                ),
            ],
        ),
    ]
