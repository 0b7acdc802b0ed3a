"""Editors may read the bounce and complaint reports (newsletter's MailEvent), never change them:
they are what the email services said, kept once each."""

from django.db import migrations

from editors.permissions import create_app_permissions

GROUP = "Editors"
RIGHTS = [("newsletter", "mailevent", "view")]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_app_permissions(apps, using, "newsletter")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    for label, model, action in RIGHTS:
        group.permissions.add(
            Permission.objects.using(using).get(
                content_type__app_label=label,
                content_type__model=model,
                codename=f"{action}_{model}",
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    for group in Group.objects.using(using).filter(name=GROUP):
        for label, model, action in RIGHTS:
            group.permissions.remove(
                *Permission.objects.using(using).filter(
                    content_type__app_label=label, codename=f"{action}_{model}"
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("editors", "0001_editors_group"),
        ("newsletter", "0005_bounces_and_complaints"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
