from django.db import migrations, models


class Migration(migrations.Migration):
    """New tools are drafts. The default lives in Python (no column default), so nothing changes
    in the database: state only. On SQLite (`make run`) a database-side AlterField would rebuild
    the table with every index of the model's state, including the PostgreSQL-only
    ``tool_ranking`` (NULLS LAST), which SQLite refuses."""

    dependencies = [
        ("comparisons", "0007_newest_change_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="tool",
                    name="is_published",
                    field=models.BooleanField(default=False, verbose_name="published"),
                ),
            ]
        ),
    ]
