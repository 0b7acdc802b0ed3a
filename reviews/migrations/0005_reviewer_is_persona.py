from django.db import migrations, models

# The demo panel's reviewers as seeded before the flag existed: a site that loaded the demo
# content keeps its disclosure on the about page.
DEMO_PANEL = ["tomas-arendt", "ines-okafor", "marek-lindqvist", "dana-whitlock"]


def flag_demo_panel(apps, schema_editor):
    Reviewer = apps.get_model("reviews", "Reviewer")
    Reviewer.objects.filter(slug__in=DEMO_PANEL).update(is_persona=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_newest_change_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewer",
            name="is_persona",
            field=models.BooleanField(
                default=False,
                help_text="An illustrative reviewer, not a real person (the demo panel). "
                "The about page says so while one sits on the panel.",
                verbose_name="invented persona",
            ),
        ),
        migrations.RunPython(flag_demo_panel, migrations.RunPython.noop),
    ]
