"""Zero Nu HTML Checker errors: on every page the crawl reaches, the other page types (errors,
"did you mean", links from emails) and the htmx fragments as they sit once swapped in."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from comparisons.models import Comparison
from comparisons.voting import Reader, vote_cast
from newsletter.models import Edition
from tests.clients import CommittingClient
from tests.crawl import crawl, html_pages
from tests.newsletter.factories import make_edition
from tests.standards.nu_checker import as_document, nu_errors

pytestmark = [pytest.mark.django_db, pytest.mark.processes]

HTMX = {"hx-request": "true"}
# Pages no link leads to, each a type of its own.
UNLINKED = {
    "/compare/?a=sm&b=qwen": 200,  # which one did you mean
    "/compare/?a=nothing-at-all&b=": 400,  # what to fix
    "/compare/?a=claude&b=cursor&c=smol": 200,  # which third tool
    "/compare/?a=claude&b=cursor&c=claude": 400,  # a tool twice
    "/compare/claude-vs-cursor-vs-ollama/": 200,  # three tools, generated, across categories
    "/compare/a-vs-b-vs-c-vs-d-vs-e/": 404,  # what a comparison address must name
    "/tools/no-such-tool/": 404,
    "/search/?q=smol": 200,  # a search with results
    "/search/?q=copliot": 200,  # nothing matched: "did you mean" close names
    "/newsletter/confirm/not-a-token/": 400,  # a bad link from an email
    "/newsletter/unsubscribe/not-a-token/": 400,
}


def htmx_fragments(client) -> dict[str, bytes]:
    """Each htmx answer inside the element it is swapped into."""
    comparison = Comparison.objects.get(slug="smolvlm2-vs-smolvlm2-2b")
    suggestions = client.get("/compare/suggest/?q=sm").content
    assert b'role="option"' in suggestions
    vote = client.post(f"/compare/{comparison.slug}/vote/", {"tool": "smolvlm2"}, headers=HTMX)
    assert vote.status_code == 200
    # The vote answer's out-of-band parts go to the cards' <dl>s; the rest replaces #vote.
    soup = BeautifulSoup(vote.content, "html.parser")
    out_of_band = "".join(str(dd.extract()) for dd in soup.select("[data-hx-swap-oob]"))
    assert out_of_band
    signup = client.post(
        "/newsletter/subscribe/", {"email": "reader@example.com", "next": "/"}, headers=HTMX
    )
    assert signup.status_code == 200
    search = client.get("/search/?q=smol", headers=HTMX)
    close_names = client.get("/search/?q=copliot", headers=HTMX)
    assert b"did-you-mean-names" in close_names.content
    return {
        "suggestions": as_document(suggestions, '<ul role="listbox" aria-label="Tools">{}</ul>'),
        "vote block": as_document(str(soup).encode()),
        "community percents": as_document(out_of_band.encode(), "<dl><dt>Community</dt>{}</dl>"),
        "sign-up block": as_document(signup.content),
        "search results": as_document(search.content, '<div aria-live="polite">{}</div>'),
        # The header's panel is a div inside its search form.
        "search close names": as_document(
            close_names.content, '<form role="search" aria-label="Site"><div>{}</div></form>'
        ),
    }


def test_every_page_and_fragment_has_no_nu_checker_errors(client, settings):
    settings.SIGNUP_RATE = "1000/m"
    call_command("seed_demo")
    CommittingClient().post("/compare/claude-vs-cursor/vote/", {"tool": "claude"})  # generated
    # Readers outvote the panel (it ships Copilot): panel vs crowd lists one, here and on /.
    outvoted = Comparison.objects.get(slug="cursor-vs-github-copilot")
    cursor = outvoted.tools.get(slug="cursor")
    for n in range(5):
        vote_cast(comparison=outvoted, tool=cursor, reader=Reader(f"nu-{n}", is_new=True))
    first = Comparison.objects.published().first()
    now = timezone.now()
    make_edition(first, number=1, status=Edition.Status.SENT, send_started_at=now, sent_at=now)
    documents = html_pages(crawl(client))
    assert "/newsletter/1/" in documents and "/compare/claude-vs-cursor/" in documents
    assert b'class="disagreement"' in documents["/panel-vs-crowd/"]
    for path, status in UNLINKED.items():
        response = client.get(path)
        assert response.status_code == status, path
        documents[path] = response.content
    documents.update(htmx_fragments(client))
    assert nu_errors(documents) == {}
