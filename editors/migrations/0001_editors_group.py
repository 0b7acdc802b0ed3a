"""The "Editors" group: staff who run the site's content from the admin.

The rights are written out here as they were when this migration was made (a later change is a new
migration). Django creates permissions after all migrations have run, so they are created here
first: a fresh database gets a complete group in one ``migrate``.

It lives in the editors app rather than in newsletter: it depends on the latest migration of all
three content apps, so it runs after every model it names exists, and no app's own numbering
(where another change may add its next migration) has to make room for it.
"""

from django.db import migrations

from editors.permissions import create_app_permissions

GROUP = "Editors"
FULL = ("add", "change", "delete", "view")
VIEW_AND_CHANGE = ("change", "view")
VIEW = ("view",)

RIGHTS = {
    "comparisons": {
        "category": FULL,
        "tool": FULL,
        "pricingtier": FULL,
        "comparison": FULL,
        "comparisonentry": FULL,
        "comparisonredirect": FULL,
        # Readers' votes: counted on the entries, so nobody edits them by hand.
        "vote": VIEW,
    },
    "reviews": {
        "reviewer": FULL,
        "scorecard": FULL,
    },
    "newsletter": {
        "edition": FULL,
        "editionitem": FULL,
        # People and the send ledger: editors unsubscribe and retry, never add or delete.
        "subscriber": VIEW_AND_CHANGE,
        "delivery": VIEW_AND_CHANGE,
    },
}


def create_editors_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for label in RIGHTS:
        create_app_permissions(apps, using, label)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    permissions = [
        Permission.objects.using(using).get(
            content_type__app_label=label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for label, models in RIGHTS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comparisons", "0003_trigram_extension"),
        ("reviews", "0001_initial"),
        ("newsletter", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
