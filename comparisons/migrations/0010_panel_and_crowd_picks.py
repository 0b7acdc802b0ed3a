"""The panel's and the readers' top picks on each comparison, and the partial index that lists
the comparisons where they differ (comparisons/top_picks.py), worked out once here for the
comparisons that exist. On SQLite (`make run`) the boolean's default rebuilds the comparison
table, which has no index SQLite cannot take; the tool table is untouched."""

import django.db.models.deletion
from django.db import migrations, models

from comparisons import top_picks


def work_out_picks(apps, schema_editor):
    Comparison = apps.get_model("comparisons", "Comparison")
    ComparisonEntry = apps.get_model("comparisons", "ComparisonEntry")
    top_picks.refresh(Comparison.objects.all(), ComparisonEntry)


class Migration(migrations.Migration):

    dependencies = [
        ('comparisons', '0009_dashboard_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='comparison',
            name='crowd_differs',
            field=models.BooleanField(default=False, editable=False, help_text='Both picks exist and are different tools.'),
        ),
        migrations.AddField(
            model_name='comparison',
            name='crowd_pick',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='comparisons.tool'),
        ),
        migrations.AddField(
            model_name='comparison',
            name='panel_pick',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='comparisons.tool'),
        ),
        migrations.AddIndex(
            model_name='comparison',
            index=models.Index(models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('crowd_differs', True), ('kind', 'curated'), ('status', 'published')), name='comparison_panel_vs_crowd'),
        ),
        migrations.RunPython(work_out_picks, migrations.RunPython.noop, elidable=True),
    ]
