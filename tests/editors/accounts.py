"""Editor accounts for tests: real users in the real Editors group, never superusers."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

GROUP_MIGRATION = "editors.migrations.0001_editors_group"


def editors_group() -> Group:
    """The group the migration made. A transactional test empties every table when it ends
    (the browser tests run after the others), so the migration's own code makes it again then."""
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        migration = importlib.import_module(GROUP_MIGRATION)
        migration.create_editors_group(apps, SimpleNamespace(connection=connection))
        group = Group.objects.get(name="Editors")
    return group


def make_editor(email: str = "editor@example.com", password: str | None = None):
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, is_staff=True
    )
    user.groups.add(editors_group())
    return user
