"""Arbitrary input at everything a stranger can reach: never a 5xx, nothing stored when refused.

Hypothesis generates the input; the requests go through the whole Django stack (middleware,
CSRF, rate limits, views) against Postgres, as the test client sends them. The admin's lists
get the same treatment from a signed-in superuser.
"""

from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons.models import Comparison, ComparisonEntry, Vote
from newsletter.models import Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as a browser, bot or scanner could send it in a header (a cookie): anything but NUL and
# lone surrogates, which no HTTP client can put there.
text = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=300
)
# A form body, a query string or a path percent-encodes anything: NUL too.
form_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)
# ... and bytes that are not UTF-8 at all; numbers, for parameters that are ids, years or pages.
encoded = st.one_of(
    form_text.map(str.encode),
    st.binary(max_size=100),
    st.integers().map(lambda number: str(number).encode()),
)
slugish = st.one_of(
    st.from_regex(r"\A[a-z0-9-]{0,60}\Z"), form_text.map(lambda value: quote(value, safe=""))
)


@pytest.fixture
def site(settings_fixture):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def settings_fixture(settings):
    # The fuzzer is one client: without this the rate limits answer 429 after a few examples.
    settings.VOTE_RATE = settings.SIGNUP_RATE = "100000/m"
    return settings


def stranger() -> Client:
    return Client(headers={"x-forwarded-proto": "https"}, raise_request_exception=False)


def unreadable(*values: bytes) -> bool:
    """What the site refuses with a 400 before any view: NUL, or bytes that are not UTF-8."""
    try:
        return any("\x00" in value.decode("utf-8") for value in values)
    except UnicodeDecodeError:
        return True


def state() -> tuple:
    return (
        Vote.objects.count(),
        sum(ComparisonEntry.objects.values_list("vote_count", flat=True)),
        Comparison.objects.count(),
        Subscriber.objects.count(),
    )


@FUZZ
@given(slug=slugish, tool=form_text, cookie=text)
def test_vote_with_any_slug_tool_or_cookie(site, slug, tool, cookie):
    client = stranger()
    client.cookies["reader"] = cookie.encode("utf-8", "surrogatepass").decode("latin-1")
    before = state()
    response = client.post(f"/compare/{slug}/vote/", {"tool": tool})
    assert response.status_code < 500
    if response.status_code != 303:
        assert state() == before


@FUZZ
@given(
    email=form_text,
    trap=form_text,
    extra=st.dictionaries(st.text(max_size=20), form_text, max_size=3),
)
def test_sign_up_with_anything(site, email, trap, extra):
    before = Subscriber.objects.count()
    response = stranger().post("/newsletter/subscribe/", {**extra, "email": email, "website": trap})
    assert response.status_code < 500
    if "@" not in email:
        assert Subscriber.objects.count() == before


@FUZZ
@given(token=slugish, body=st.dictionaries(st.text(max_size=30), form_text, max_size=3))
def test_confirm_and_unsubscribe_links_with_forged_tokens(site, token, body):
    before = state()
    for kind in ("confirm", "unsubscribe", "interests"):
        client = stranger()
        assert client.get(f"/newsletter/{kind}/{token}/").status_code < 500
        assert client.post(f"/newsletter/{kind}/{token}/", body).status_code < 500
    assert state() == before


@FUZZ
@given(query=text)
def test_search_with_anything(site, query):
    assert stranger().get("/search/", {"q": query}).status_code < 500
    assert (
        stranger().get("/search/", {"q": query}, headers={"hx-request": "true"}).status_code < 500
    )


@FUZZ
@given(slug=slugish, a=text, b=text, c=text, d=text)
def test_any_pair_and_the_picker_with_anything(site, slug, a, b, c, d):
    before = state()
    client = stranger()
    for path in (f"/compare/{slug}/", f"/compare/{slug}.json", f"/compare/{slug}/share.png"):
        assert client.get(path).status_code < 500, path
    assert client.get("/compare/", {"a": a, "b": b}).status_code < 500
    assert client.get("/compare/", {"a": a, "b": b, "c": c, "d": d}).status_code < 500
    assert client.get("/compare/suggest/", {"q": a}).status_code < 500
    assert state() == before


# Real tools (some in several categories) mixed with junk, any number and order, repeats included.
DEMO_SLUGS = ["claude", "cursor", "ollama", "smolvlm2", "smolvlm2-2b", "moondream-2", "vs", ""]
tool_sets = st.lists(st.one_of(st.sampled_from(DEMO_SLUGS), slugish), max_size=6).map("-vs-".join)


@FUZZ
@given(slug=tool_sets, tool=st.sampled_from(DEMO_SLUGS))
def test_any_set_of_tools_in_any_order(site, slug, tool):
    before = state()
    client = stranger()
    for path in (f"/compare/{slug}/", f"/compare/{slug}.json", f"/compare/{slug}/share.png"):
        assert client.get(path).status_code in (200, 301, 400, 404), path
    assert state() == before  # nothing is stored by looking
    assert client.post(f"/compare/{slug}/vote/", {"tool": tool}).status_code < 500


@FUZZ
@given(a=encoded, b=encoded)
def test_the_picker_with_any_bytes(site, a, b):
    before = state()
    response = stranger().get("/compare/?" + urlencode({"a": a, "b": b}))
    assert response.status_code < 500
    if unreadable(a, b):
        assert response.status_code == 400
    assert state() == before


@pytest.fixture
def changelists(site) -> tuple[Client, list[tuple[str, list[str]]]]:
    """A superuser's client, and every admin list with the parameters it reads: its filters',
    its date hierarchy's, search, sorting and page."""
    root = get_user_model().objects.create_superuser("root", "root@example.com", None)
    request = RequestFactory().get("/")
    request.user = root
    lists = []
    for model, model_admin in admin.site._registry.items():
        changelist = model_admin.get_changelist_instance(request)
        names: list[str] = []
        for spec in changelist.filter_specs:
            for name in spec.expected_parameters():
                assert name is not None, spec
                names.append(name)
        if hierarchy := model_admin.date_hierarchy:
            names += [f"{hierarchy}__{part}" for part in ("year", "month", "day")]
        opts = model._meta
        lists.append((f"/admin/{opts.app_label}/{opts.model_name}/", [*names, "q", "o", "p"]))
    client = stranger()
    client.force_login(root)
    return client, lists


@FUZZ
@given(data=st.data())
def test_admin_lists_with_any_filter_values(changelists, data):
    client, lists = changelists
    path, names = data.draw(st.sampled_from(lists))
    query = data.draw(st.dictionaries(st.sampled_from(names), encoded, min_size=1, max_size=4))
    before = state()
    response = client.get(f"{path}?{urlencode(query)}")
    assert response.status_code < 500, (path, query)
    if unreadable(*query.values()):
        assert response.status_code == 400
    assert state() == before


@FUZZ
@given(path=form_text, page=form_text)
def test_any_address_and_page_number(site, path, page):
    client = stranger()
    assert client.get("/" + quote(path)).status_code < 500
    for index in ("/tools/", "/categories/", "/reviewers/", "/newsletter/"):
        assert client.get(index, {"page": page}).status_code < 500
