"""What the Editors group's migrations share: permissions made before Django would make them."""

from django.contrib.auth.management import create_permissions


def create_app_permissions(apps, using: str, label: str) -> None:
    """Make the permissions of app ``label``'s models now. Django makes them after every
    migration has run, too late for a migration granting them; the migration state's stand-in
    app has no models module, which ``create_permissions`` wants, so it is lent one for the call."""
    app_config = apps.get_app_config(label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = models_module
