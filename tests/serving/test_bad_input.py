"""NUL and undecodable text in a query string: a 400, on public pages and in the admin alike;
NUL in a posted form: a 400 in the admin, the form's own answer elsewhere.

Postgres text cannot hold NUL: a NUL reaching any lookup was a DataError and a 500.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from comparisons.admin.tools import ToolAdmin
from comparisons.models import Tool
from newsletter.models import Subscriber
from tests.editors.accounts import make_editor
from tests.editors.forms import action
from tests.factories import CategoryFactory, ToolFactory, make_comparison
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def stranger() -> Client:
    headers = {"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"}
    return Client(headers=headers, raise_request_exception=False)


@pytest.fixture
def editor():
    return make_editor("editor@example.com")


@pytest.fixture
def editor_client(editor) -> Client:
    client = stranger()
    client.force_login(editor)
    return client


@pytest.fixture
def comparison():
    return make_comparison(
        ToolFactory.create(name="Alpha", slug="alpha"),
        ToolFactory.create(name="Bravo", slug="bravo"),
    )


@pytest.mark.parametrize(
    "path",
    [
        "/compare/?a=%00",  # the issue's: 59 of the fuzzer's 500s
        "/compare/?a=alpha&b=bra%00vo",
        "/compare/?a=%FF&b=%FE",  # not UTF-8
        "/search/?q=%00",
        "/search/?q=%C3",  # half a character
        "/tools/?page=%00",
        "/?%00=1",
        "/compare/alpha-vs-bravo/?x=%ED%A0%80",  # an encoded surrogate
    ],
)
def test_nul_or_undecodable_text_in_a_public_request_is_a_400(comparison, path):
    assert stranger().get(path).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/admin/newsletter/subscriber/?status__exact=%00",  # the issue's
        "/admin/newsletter/subscriber/?q=%00",
        "/admin/comparisons/comparison/?publication=%FF",
        "/admin/newsletter/delivery/?edition__id__exact=%00",
    ],
)
def test_nul_or_undecodable_text_in_an_admin_filter_is_a_400(editor_client, path):
    SubscriberFactory.create()
    assert editor_client.get(path).status_code == 400


def test_ordinary_text_still_passes(comparison):
    assert stranger().get("/search/", {"q": "ünïcode ✓ 视觉"}).status_code == 200
    assert stranger().get("/compare/", {"a": "alpha", "b": "bravo"}).status_code == 302


def test_nul_in_a_form_posted_to_the_admin_is_a_400_and_changes_nothing(editor_client):
    reader = SubscriberFactory.create()
    unsubscribe = action("unsubscribe", reader)
    unsubscribe["_selected_action"] = ["\x00"]  # was a 500: the admin made it an id unchecked
    assert editor_client.post("/admin/newsletter/subscriber/", unsubscribe).status_code == 400
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.CONFIRMED


def test_public_forms_answer_nul_themselves(comparison):
    vote = stranger().post(f"/compare/{comparison.slug}/vote/", {"tool": "alpha\x00"})
    assert vote.status_code == 400
    assert "Pick one of the tools" in vote.content.decode()
    signup = stranger().post("/newsletter/subscribe/", {"email": "a\x00@example.com"})
    assert signup.status_code == 200
    assert BeautifulSoup(signup.content, "html.parser").find(id="newsletter-email-error")
    assert not Subscriber.objects.exists()
    assert sum(entry.vote_count for entry in comparison.entries.all()) == 0


def test_forms_refuse_nul_by_themselves(rf, editor):
    """A second line: a form reached some other way refuses NUL in its text fields."""
    request = rf.get("/")
    request.user = editor
    form_class = ToolAdmin(Tool, admin.site).get_form(request)
    category = CategoryFactory.create()
    form = form_class(
        {"name": "Al\x00pha", "slug": "alpha", "category": category.pk, "tagline": "x"}
    )
    assert not form.is_valid()
    assert form.errors["name"] == ["Null characters are not allowed."]


# Every admin list with a date hierarchy (django-axes' sign-in records too), and its field.
DATED_LISTS = [
    (f"/admin/{model._meta.app_label}/{model._meta.model_name}/", model_admin.date_hierarchy)
    for model, model_admin in admin.site._registry.items()
    if model_admin.date_hierarchy
]


@pytest.mark.parametrize(("path", "field"), DATED_LISTS)
@pytest.mark.parametrize(
    "query",
    [
        "{field}__year=99999999999999",  # past a C int: OverflowError in Django's date hierarchy
        "{field}__year=9999",  # its year runs to 10000, past datetime's range: ValueError
        "{field}__year=9999&{field}__month=12&{field}__day=31",
    ],
)
def test_a_date_hierarchy_year_out_of_range_is_a_bad_lookup_not_a_500(path, field, query):
    root = get_user_model().objects.create_superuser("root", "root@example.com", None)
    client = stranger()
    client.force_login(root)
    response = client.get(f"{path}?{query.format(field=field)}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "model_admin",
    [
        model_admin
        for model_admin in admin.site._registry.values()
        if model_admin.actions is not None
    ],
    ids=str,
)
def test_an_action_on_a_selection_that_names_no_rows_is_a_message_not_a_500(model_admin):
    root = get_user_model().objects.create_superuser("root", "root@example.com", None)
    client = stranger()
    client.force_login(root)
    actions = model_admin.get_actions(client.get("/admin/").wsgi_request)
    meta = model_admin.model._meta
    path = f"/admin/{meta.app_label}/{meta.model_name}/"
    data = {"action": next(iter(actions)), "_selected_action": ["abc"], "index": "0"}
    response = client.post(path, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(path, 302)]
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["That selection names no rows of this list: select again."]
    assert get_user_model().objects.count() == 1


def test_a_bad_request_answers_with_the_sites_own_page(comparison):
    response = stranger().get("/compare/", {"a": "\x00"})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "We couldn't read that request"
    assert page.select_one("header.site-header a.brand")["href"] == "/"
