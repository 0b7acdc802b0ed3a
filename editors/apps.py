from django.apps import AppConfig


class EditorsConfig(AppConfig):
    """The people who run the site from the admin: their group, accounts, sign-in and tools."""

    name = "editors"
    verbose_name = "Editors"
