"""Indexes for the editors' dashboard (editors/dashboard.py, comparisons/dashboard.py): draft and
scheduled comparisons, tools by their price check, published tools without scorecards. Plain
CREATE INDEX, so SQLite (make run) never rebuilds the tool table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comparisons', '0008_tools_start_as_drafts'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='comparison',
            index=models.Index(models.OrderBy(models.F('updated_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('status', 'draft')), name='comparison_draft'),
        ),
        migrations.AddIndex(
            model_name='comparison',
            index=models.Index(models.F('published_at'), models.F('id'), condition=models.Q(('published_at__gt', models.F('created_at')), ('status', 'published')), name='comparison_scheduled'),
        ),
        migrations.AddIndex(
            model_name='tool',
            index=models.Index(models.F('prices_checked'), models.F('id'), name='tool_price_check'),
        ),
        migrations.AddIndex(
            model_name='tool',
            index=models.Index(models.F('id'), condition=models.Q(('is_published', True), ('scorecard_count', 0)), name='tool_unreviewed'),
        ),
    ]
