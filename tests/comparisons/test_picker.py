"""'Compare any two': the combobox's suggestions, the page that resolves typed names, and pages
that stay the same size however large the catalogue grows."""

import re
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comparisons.models import Tool
from tests.catalogue import add_tools
from tests.factories import CategoryFactory, ReviewerFactory, ToolFactory
from tests.html import attr

pytestmark = pytest.mark.django_db

SUGGEST = "/compare/suggest/"
HOSTILE = [
    "",
    " ",
    "\x00",
    "cl\x00aude",
    "\x00" * 50,
    "x" * 100_000,
    "claude " * 15_000,
    "日本語のモデル",
    "Ünïcödé",
    "🙂",
    "\u202e\u200b",
    "%",
    "_",
    "%_%",
    "%%",
    "__",
    "\\",
    "' OR 1=1 --",
    "a & b | !c <-> d:*",
    "<script>alert(1)</script>",
]


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def options(response) -> list[str]:
    return [attr(li, "data-value") for li in soup(response).select('li[role="option"]')]


# --- The combobox's endpoint -----------------------------------------------------------------


def test_two_typed_letters_already_suggest_tools(client, demo_once):
    response = client.get(SUGGEST, {"q": "cl"})
    assert response.status_code == 200
    assert options(response)[0] == "claude"
    option = soup(response).select_one('li[role="option"]')
    assert option["data-label"] == "Claude" and option["aria-selected"] == "false"
    assert "Chat assistants" in option.get_text()
    assert b"<html" not in response.content and b"<body" not in response.content
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_at_most_ten_suggestions(client, demo_once):
    category = CategoryFactory.create()
    add_tools(40, category=category, prefix="Many")
    assert len(options(client.get(SUGGEST, {"q": "ma"}))) == 10


def test_unpublished_tools_are_never_suggested(client, demo_once):
    Tool.objects.filter(slug="claude").update(is_published=False)
    assert "claude" not in options(client.get(SUGGEST, {"q": "claude"}))


def test_the_answer_depends_on_the_query_alone(client, demo_once):
    plain = Client(headers={"x-forwarded-proto": "https"}).get(SUGGEST, {"q": "smol"})
    other = Client(
        headers={
            "x-forwarded-proto": "https",
            "hx-request": "true",
            "hx-current-url": "https://x.example/tools/claude/",
        }
    )
    other.cookies["reader"] = "someone"
    other.cookies["sessionid"] = "not-a-session"
    htmx = other.get(SUGGEST, {"q": "smol"})
    assert plain.content == htmx.content
    assert options(plain)[:2] in (["smolvlm2", "smolvlm2-2b"], ["smolvlm2-2b", "smolvlm2"])
    for response in (plain, htmx):
        assert "Set-Cookie" not in response.headers
        assert "cookie" not in response.headers.get("Vary", "").lower()
        assert "csrf" not in response.content.decode().lower()


def test_the_endpoint_only_reads(client, demo_once):
    assert client.post(SUGGEST, {"q": "cl"}).status_code == 405


@pytest.mark.parametrize("query", HOSTILE)
def test_bad_input_to_the_endpoint_is_an_empty_or_short_answer(client, demo_once, query):
    response = client.get(SUGGEST, {"q": query})
    assert response.status_code in (200, 400)
    assert len(options(response)) <= 10
    assert b"<script>" not in response.content
    if not query.strip("\x00 \u202e\u200b") or set(query) <= set("%_\\"):
        assert options(response) == []


def test_a_missing_or_repeated_query_is_not_an_error(client, demo_once):
    assert options(client.get(SUGGEST)) == []
    assert client.get(SUGGEST + "?q=cl&q=sm&q=").status_code == 200
    assert client.get(SUGGEST + "?q=%FF%FE").status_code in (200, 400)


# --- The page that resolves typed names (the form without JavaScript) -----------------------


def pick(client, **typed):
    return client.get("/compare/?" + urlencode(typed))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("whisper-large-v3-turbo", "claude"),  # slugs, as the combobox sends a chosen tool
        ("claude", "whisper-large-v3-turbo"),  # either order
        ("Whisper large-v3-turbo", "CLAUDE"),  # exact names, whatever the case
        ("  claude ", "whisper large-v3-turbo"),
    ],
)
def test_exact_names_or_slugs_go_straight_to_the_canonical_pair(client, demo_once, a, b):
    response = pick(client, a=a, b=b)
    assert response.status_code == 302
    assert response.headers["Location"] == "/compare/claude-vs-whisper-large-v3-turbo/"


@pytest.mark.parametrize(
    ("a", "b", "pair"),
    [
        ("moondr", "cursor", "cursor-vs-moondream-2"),  # the one name that starts so
        ("whisper large", "claud", "claude-vs-whisper-large-v3-turbo"),  # search finds others too
    ],
)
def test_one_tool_starting_so_or_the_only_match_is_sure_enough(client, demo_once, a, b, pair):
    response = pick(client, a=a, b=b)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/compare/{pair}/"


def test_when_unsure_the_page_asks_which_one_and_its_form_goes_to_the_pair(client, demo_once):
    response = pick(client, a="smol", b="claude")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = soup(response)
    form = page.select_one("form.picker-resolve")
    assert form["method"] == "get" and form["action"] == "/compare/"
    question = form.select_one("fieldset.did-you-mean")
    assert "“smol”" in question.legend.get_text()
    radios = question.select('input[type="radio"][name="a"]')
    assert {radio["value"] for radio in radios} >= {"smolvlm2", "smolvlm2-2b"}
    assert [radio.has_attr("checked") for radio in radios].count(True) == 1
    assert radios[0].has_attr("checked")  # the best match is the default
    assert form.select_one('input[type="hidden"][name="b"]')["value"] == "claude"
    assert "Claude" in form.select_one(".picker-sure").get_text()
    submitted = {
        field["name"]: field["value"] for field in form.select("input[checked], input[type=hidden]")
    }
    followed = pick(client, **submitted)
    assert followed.status_code == 302
    assert followed.headers["Location"] == f"/compare/claude-vs-{radios[0]['value']}/"


def test_a_typo_finds_the_closest_tool(client, demo_once):
    response = pick(client, a="olama", b="cursor")
    if response.status_code == 302:  # the only match
        assert response.headers["Location"] == "/compare/cursor-vs-ollama/"
    else:  # offered first among others
        assert soup(response).select_one('input[name="a"][checked]')["value"] == "ollama"


def test_two_tools_with_one_name_are_both_offered(client, demo_once):
    category = CategoryFactory.create()
    ToolFactory.create(name="Twin", slug="twin-a", category=category)
    ToolFactory.create(name="Twin", slug="twin-b", category=category)
    ToolFactory.create(name="Other", slug="other", category=category)
    page = soup(pick(client, a="twin", b="other"))
    assert [radio["value"] for radio in page.select('input[name="a"]')] == ["twin-a", "twin-b"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"a": "claude", "b": "Claude"}, "twice"),
        ({"a": "claude", "b": "qqqqzzzz"}, "No tool matches “qqqqzzzz”"),
        ({"a": "", "b": "claude"}, "Type a name for the first tool"),
        ({"a": "claude", "b": "   "}, "Type a name for the second tool"),
        ({"b": "claude"}, "Type a name for the first tool"),
    ],
)
def test_a_choice_that_cannot_be_resolved_is_explained(client, demo_once, typed, message):
    response = pick(client, **typed)
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one('[role="alert"]').get_text()
    problem_box = page.select_one('input[aria-invalid="true"]')
    assert problem_box["type"] == "text"
    assert message in page.select_one(f"#{problem_box['aria-describedby']}").get_text()


def test_an_unknown_name_is_kept_in_its_box_to_correct(client, demo_once):
    page = soup(pick(client, a="claude", b="qqqqzzzz"))
    assert page.select_one('input[name="b"]')["value"] == "qqqqzzzz"
    assert page.select_one('input[type="hidden"][name="a"]')["value"] == "claude"


def test_the_pick_page_without_a_choice_is_the_empty_form(client, demo_once):
    response = client.get("/compare/")
    assert response.status_code == 200
    form = soup(response).select_one("form.picker")
    assert [box["name"] for box in form.select('input[type="text"]')] == ["a", "b", "c", "d"]
    # The third and fourth sit behind a disclosure that works without JavaScript, and may stay
    # empty; the first two are needed.
    more = form.select_one("details.picker-more")
    assert more.summary.get_text(strip=True) == "Add a third or fourth tool"
    assert [box["name"] for box in more.select('input[type="text"]')] == ["c", "d"]
    assert [box.has_attr("required") for box in form.select('input[type="text"]')] == [
        True,
        True,
        False,
        False,
    ]
    assert not form.select("select, option")


# --- A third and a fourth tool ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ({"a": "ollama", "b": "claude", "c": "cursor"}, "claude-vs-cursor-vs-ollama"),
        ({"a": "ollama", "b": "claude", "c": "", "d": "cursor"}, "claude-vs-cursor-vs-ollama"),
        (
            {"a": "Ollama", "b": "claude", "c": "cursor", "d": "moondr"},
            "claude-vs-cursor-vs-moondream-2-vs-ollama",
        ),
        ({"a": "ollama", "b": "claude", "c": "  ", "d": ""}, "claude-vs-ollama"),  # empty: no tool
    ],
)
def test_a_third_and_fourth_box_go_to_the_sorted_address(client, demo_once, typed, address):
    response = pick(client, **typed)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/compare/{address}/"
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("typed", "box", "message"),
    [
        ({"a": "claude", "b": "cursor", "c": "Claude"}, "c", "pick a different third tool"),
        ({"a": "claude", "b": "cursor", "c": "ollama", "d": "cursor"}, "d", "fourth tool"),
        ({"a": "claude", "b": "cursor", "c": "qqqqzzzz"}, "c", "No tool matches “qqqqzzzz”"),
    ],
)
def test_a_third_or_fourth_box_that_cannot_be_resolved_is_explained(
    client, demo_once, typed, box, message
):
    response = pick(client, **typed)
    assert response.status_code == 400
    page = soup(response)
    assert message in page.select_one('[role="alert"]').get_text()
    problem_box = page.select_one('input[aria-invalid="true"]')
    assert problem_box["name"] == box and not problem_box.has_attr("required")
    assert problem_box["value"] == typed[box]


def test_an_unsure_third_box_is_asked_about_and_its_form_goes_to_the_three(client, demo_once):
    page = soup(pick(client, a="claude", b="cursor", c="smol"))
    form = page.select_one("form.picker-resolve")
    radios = form.select('input[type="radio"][name="c"]')
    assert {radio["value"] for radio in radios} >= {"smolvlm2", "smolvlm2-2b"}
    submitted = {
        field["name"]: field["value"] for field in form.select("input[checked], input[type=hidden]")
    }
    assert set(submitted) == {"a", "b", "c"}
    followed = pick(client, **submitted)
    assert followed.headers["Location"] == f"/compare/claude-vs-cursor-vs-{radios[0]['value']}/"


def test_the_tool_pages_form_takes_a_third_tool_too(client, demo_once):
    form = soup(client.get("/tools/smolvlm2/")).select_one("form.picker")
    assert [box["name"] for box in form.select("details input")] == ["c", "d"]
    response = pick(client, a="smolvlm2", b="moondream 2", c="claude")
    assert response.headers["Location"] == "/compare/claude-vs-moondream-2-vs-smolvlm2/"


def test_the_tool_pages_form_sends_its_tool_and_the_typed_name(client, demo_once):
    form = soup(client.get("/tools/smolvlm2/")).select_one("form.picker")
    assert form["action"] == "/compare/"
    fixed = form.select_one('input[type="hidden"][name="a"]')["value"]
    response = pick(client, a=fixed, b="moondream 2")
    assert response.headers["Location"] == "/compare/moondream-2-vs-smolvlm2/"


@pytest.mark.parametrize("query", HOSTILE)
def test_bad_input_to_the_resolver_is_a_page_or_a_400(client, demo_once, query):
    for typed in (
        {"a": query, "b": query},
        {"a": "claude", "b": query},
        {"a": query},
        {"a": "claude", "b": "cursor", "c": query, "d": query},
        {"c": query},
    ):
        response = pick(client, **typed)
        assert response.status_code in (200, 302, 400), typed
        assert b"<script>alert" not in response.content


# --- Markup: an accessible combobox, no inline script or style ------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/compare/", "/tools/smolvlm2/", "/compare/?a=smol&b=qqqqzzzz"]
)
def test_each_box_is_labelled_and_wired_to_the_endpoint(client, demo_once, path):
    page = soup(client.get(path))
    boxes = page.select("input[data-combobox]")
    assert boxes
    for box in boxes:
        assert page.select_one(f'label[for="{box["id"]}"]').get_text(strip=True)
        listbox = page.select_one(f"#{box['data-combobox']}")
        assert listbox["role"] == "listbox" and listbox.has_attr("hidden")
        assert listbox.get("aria-label")
        assert box["data-hx-get"] == SUGGEST
        assert box["data-hx-target"] == f"#{listbox['id']}"
        assert box["data-hx-sync"] == "this:replace"  # one request in flight
        assert re.search(r"\binput changed delay:\d+ms\b", box["data-hx-trigger"])
        assert box["autocomplete"] == "off"
        # Without JavaScript it is a plain text box: the script adds the combobox role.
        assert box["type"] == "text" and not box.has_attr("role")
    scripts = [script["src"] for script in page.select("script[src]")]
    assert any(src.endswith("/js/combobox.js") for src in scripts)


@pytest.mark.parametrize(
    "path", ["/", "/compare/", "/compare/?a=smol&b=qqqqzzzz", "/tools/smolvlm2/", SUGGEST + "?q=cl"]
)
def test_no_inline_script_or_style(client, demo_once, path):
    page = soup(client.get(path))
    for script in page.find_all("script"):
        assert script.has_attr("src") or script.get("type") == "application/ld+json", script
    assert not page.find_all("style")
    for element in page.find_all(True):
        assert "style" not in element.attrs, element.name
        inline = [name for name in element.attrs if name.startswith(("on", "hx-on", "data-hx-on"))]
        assert not inline, element.name


# --- Pages do not grow with the catalogue ---------------------------------------------------

SIZED_PAGES = [
    "/",
    "/tools/sized-0000/",
    "/categories/sized/",
    "/reviewers/sizer/",
    "/compare/",
    "/compare/?a=sized&b=nothing-like-it",  # "did you mean" beside a name to correct
    SUGGEST + "?q=si",
]


def page_sizes(client) -> dict[str, int]:
    sizes = {}
    for path in SIZED_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 400), path
        sizes[path] = len(response.content)
    return sizes


def test_page_sizes_do_not_grow_with_the_catalogue(client, demo_once):
    """20 tools, then 2,000 beside the demo's: every tool in one category, reviewed by one reviewer and compared
    with the first tool, so each list on these pages would grow if any listed them all."""
    category = CategoryFactory.create(name="Sized things", slug="sized")
    reviewer = ReviewerFactory.create(name="Sizer", slug="sizer")
    first, *_ = add_tools(1, category=category, prefix="Sized", reviewers=[reviewer])
    add_tools(19, category=category, prefix="Sized one", rival=first, reviewers=[reviewer])
    small = page_sizes(client)
    add_tools(1980, category=category, prefix="Sized two", rival=first, reviewers=[reviewer])
    assert Tool.objects.filter(category=category).count() == 2000
    large = page_sizes(client)
    for path in SIZED_PAGES:
        assert large[path] <= small[path] * 1.10, (path, small[path], large[path])
        assert large[path] < 150_000, (path, large[path])
