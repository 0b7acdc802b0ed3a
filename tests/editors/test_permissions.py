"""An editor can do what editors do and nothing more; nobody else reaches the admin at all."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comparisons.models import Category, Comparison, ComparisonRedirect, Tool, Vote
from newsletter.models import Delivery, Edition, Subscriber
from reviews.models import Reviewer, Scorecard
from tests.factories import ScorecardFactory, ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db

FULL = [Category, Tool, Comparison, ComparisonRedirect, Reviewer, Scorecard, Edition]
VIEW_AND_CHANGE = [Subscriber, Delivery]


@pytest.fixture
def content():
    tool_a, tool_b = ToolFactory.create(), ToolFactory.create()
    ScorecardFactory.create(tool=tool_a)
    comparison = make_comparison(tool_a, tool_b)
    ComparisonRedirect.objects.create(old_slug="old-address", comparison=comparison)
    Vote.objects.create(comparison=comparison, tool=tool_a, reader_hash="a" * 64)
    subscriber = SubscriberFactory.create()
    edition = make_edition(comparison)
    DeliveryFactory.create(edition=edition, subscriber=subscriber)
    get_user_model().objects.create_user("someone@example.com")
    return comparison


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def any_one(model):
    return model.objects.order_by("pk").first()


@pytest.mark.parametrize("model", FULL, ids=lambda model: model.__name__)
def test_editors_have_full_rights_on_content_and_editions(editor_client, content, model):
    obj = any_one(model)
    assert editor_client.get(url(model, "changelist")).status_code == 200
    assert editor_client.get(url(model, "add")).status_code == 200
    change = editor_client.get(url(model, "change", obj.pk))
    assert change.status_code == 200
    assert b'name="_save"' in change.content
    assert editor_client.get(url(model, "history", obj.pk)).status_code == 200
    delete = editor_client.get(url(model, "delete", obj.pk))
    assert delete.status_code == 200


def test_editors_delete_content(editor_client, content):
    tool = ToolFactory.create()
    response = editor_client.post(url(Tool, "delete", tool.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Tool.objects.filter(pk=tool.pk).exists()


@pytest.mark.parametrize("model", VIEW_AND_CHANGE, ids=lambda model: model.__name__)
def test_editors_view_and_change_but_never_add_or_delete_people_and_deliveries(
    editor_client, content, model
):
    obj = any_one(model)
    assert editor_client.get(url(model, "changelist")).status_code == 200
    assert editor_client.get(url(model, "change", obj.pk)).status_code == 200
    assert editor_client.get(url(model, "add")).status_code == 403
    assert editor_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert editor_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    changelist = editor_client.get(url(model, "changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist


def test_votes_are_view_only(editor_client, content):
    vote = any_one(Vote)
    assert editor_client.get(url(Vote, "changelist")).status_code == 200
    page = editor_client.get(url(Vote, "change", vote.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert editor_client.get(url(Vote, "add")).status_code == 403
    assert editor_client.get(url(Vote, "delete", vote.pk)).status_code == 403
    assert b"reader_hash" not in page.content and vote.reader_hash.encode() not in page.content


def test_editors_get_nothing_on_users_and_groups(editor_client, editor):
    for model, obj in [(get_user_model(), editor), (Group, Group.objects.get(name="Editors"))]:
        assert editor_client.get(url(model, "changelist")).status_code == 403
        assert editor_client.get(url(model, "add")).status_code == 403
        assert editor_client.get(url(model, "change", obj.pk)).status_code == 403
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/auth/" not in index
    assert "/admin/axes/" not in index
    assert "/admin/comparisons/tool/" in index and "/admin/newsletter/edition/" in index


def test_editors_cannot_make_themselves_more(editor_client, editor):
    # No user admin, so no way to tick is_superuser or add a group.
    response = editor_client.post(
        url(get_user_model(), "change", editor.pk),
        {"username": editor.username, "is_superuser": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def admin_addresses(content: Comparison) -> list[str]:
    edition = Edition.objects.get()
    addresses = ["/admin/", "/admin/comparisons/", "/admin/newsletter/"]
    for model in FULL + VIEW_AND_CHANGE + [Vote, get_user_model()]:
        addresses.append(url(model, "changelist"))
        addresses.append(url(model, "change", any_one(model).pk))
    addresses += [
        url(Tool, "add"),
        reverse("admin:newsletter_edition_preview", args=[edition.pk]),
        reverse("admin:newsletter_edition_preview_html", args=[edition.pk]),
        reverse("admin:newsletter_edition_progress", args=[edition.pk]),
        reverse("admin:newsletter_edition_send", args=[edition.pk]),
    ]
    return addresses


def admin_posts(content: Comparison) -> list[str]:
    edition = Edition.objects.get()
    return [
        reverse("editors:markdown_preview"),
        reverse("admin:newsletter_edition_send_test", args=[edition.pk]),
        reverse("admin:newsletter_edition_send", args=[edition.pk]),
        reverse("admin:newsletter_edition_hold", args=[edition.pk]),
        reverse("admin:newsletter_edition_retry", args=[edition.pk]),
        reverse("admin:newsletter_edition_prepare_next"),
        url(Comparison, "changelist"),
    ]


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302, response
    assert response.headers["Location"].startswith("/admin/login/")


def assert_reaches_nothing(client, content, mailoutbox) -> None:
    """Every admin page and action sends ``client`` to sign in; nothing changes, nothing is sent."""
    for address in admin_addresses(content):
        assert_sent_to_login(client.get(address))
    for address in admin_posts(content):
        assert_sent_to_login(client.post(address, {"action": "publish", "field": "intro"}))
    assert Edition.objects.get().status == Edition.Status.DRAFT
    assert mailoutbox == []


def test_anonymous_visitors_reach_nothing(client, content, mailoutbox):
    assert_reaches_nothing(client, content, mailoutbox)


def test_signed_in_readers_who_are_not_staff_reach_nothing(content, mailoutbox):
    reader = get_user_model().objects.create_user("reader@example.com", "reader@example.com")
    reader.groups.add(Group.objects.get(name="Editors"))  # a group alone opens nothing
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(reader)
    assert_reaches_nothing(client, content, mailoutbox)


def test_staff_outside_the_group_see_no_content(content):
    staff = get_user_model().objects.create_user("staff@example.com", is_staff=True)
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    for model in FULL + VIEW_AND_CHANGE + [Vote]:
        assert client.get(url(model, "changelist")).status_code == 403
    edition = Edition.objects.get()
    assert (
        client.get(reverse("admin:newsletter_edition_preview", args=[edition.pk])).status_code
        == 403
    )
    sent = client.post(reverse("admin:newsletter_edition_hold", args=[edition.pk]))
    assert sent.status_code == 403
    assert Edition.objects.get().status == Edition.Status.DRAFT
