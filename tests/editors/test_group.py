"""The Editors group, as the data migration makes it."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from tests.editors.accounts import editors_group

pytestmark = pytest.mark.django_db

FULL = {"add", "change", "delete", "view"}
EXPECTED = {
    "comparisons": {
        "category": FULL,
        "tool": FULL,
        "pricingtier": FULL,
        "comparison": FULL,
        "comparisonentry": FULL,
        "comparisonredirect": FULL,
        "vote": {"view"},
    },
    "reviews": {"reviewer": FULL, "scorecard": FULL},
    "newsletter": {
        "edition": FULL,
        "editionitem": FULL,
        "subscriber": {"view", "change"},
        "delivery": {"view", "change"},
        "mailevent": {"view"},  # what the email services reported: read, never edited
    },
}


def granted(group: Group) -> dict[str, dict[str, set[str]]]:
    rights: dict[str, dict[str, set[str]]] = {}
    for app_label, codename, model in group.permissions.values_list(
        "content_type__app_label", "codename", "content_type__model"
    ):
        action = codename.removesuffix(f"_{model}")
        rights.setdefault(app_label, {}).setdefault(model, set()).add(action)
    return rights


def test_the_migration_gives_editors_exactly_their_rights():
    assert granted(editors_group()) == EXPECTED


def test_every_model_of_the_three_apps_in_admin_is_at_least_viewable():
    rights = granted(editors_group())
    registered = [
        model._meta
        for model in admin.site._registry
        if model._meta.app_label in ("comparisons", "reviews", "newsletter")
    ]
    assert len(registered) >= 10
    for opts in registered:
        assert "view" in rights[opts.app_label][opts.model_name], opts.label


def test_editors_get_nothing_on_users_groups_or_anything_else():
    assert set(granted(editors_group())) == {"comparisons", "reviews", "newsletter"}


def test_the_group_is_there_after_migrating():
    # Non-transactional tests run first, on the database exactly as `migrate` left it.
    assert Group.objects.filter(name="Editors").exists()
