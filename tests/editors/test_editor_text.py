"""Editors' text is shown as text on every admin page, whoever opens it.

An editor is trusted with content, not with other people's accounts. Markup typed into an
intro, a subject or a tool's name must never become elements on a page a superuser opens: a
``<button form="logout-form" formaction=…>`` would borrow the logout form's CSRF token to post
the editor's own user form, and a ``<meta http-equiv="refresh">`` would send the superuser away.
"""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from comparisons.models import Category, Comparison, Tool
from newsletter.models import Delivery, Edition
from reviews.models import Reviewer, Scorecard
from tests.editors.forms import form_fields
from tests.editors.payloads import BUTTON, ESCAPED, HIJACK, REFRESH, payload_elements
from tests.factories import (
    CategoryFactory,
    PricingTierFactory,
    ReviewerFactory,
    ScorecardFactory,
    ToolFactory,
    make_comparison,
)
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = pytest.mark.django_db


def test_the_check_finds_the_payload_where_it_is_markup():
    assert len(payload_elements(f"<p>{HIJACK}</p>")) == 6
    assert payload_elements(f"<p>{BUTTON}{REFRESH}</p>") != []


@pytest.fixture
def edition():
    comparison = make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    return make_edition(comparison, intro="This week: one duel.")


def test_an_editors_intro_in_the_preview_is_inert_text_for_a_superuser(
    editor_client, staff_client, edition
):
    # The editor saves the payload as the intro, through the admin as anyone would.
    change = f"/admin/newsletter/edition/{edition.pk}/change/"
    data = form_fields(editor_client.get(change).content, "edition_form")
    data.update(intro=HIJACK, subject=BUTTON, _save="Save")
    assert editor_client.post(change, data).status_code == 302
    assert Edition.objects.get(pk=edition.pk).intro == HIJACK

    # A superuser opens the preview.
    page = staff_client.get(f"/admin/newsletter/edition/{edition.pk}/preview/")
    assert page.status_code == 200
    assert payload_elements(page.content) == []
    soup = BeautifulSoup(page.content, "html.parser")
    assert HIJACK in soup.select_one("pre.email-preview-text").get_text()
    assert BUTTON in soup.select_one(".email-headers").get_text()
    # The email's own HTML, framed by the preview, has the intro as text too.
    framed = staff_client.get(f"/admin/newsletter/edition/{edition.pk}/preview/html/")
    assert payload_elements(framed.content) == []
    assert "Approve edition" in BeautifulSoup(framed.content, "html.parser").get_text()


@pytest.fixture
def marked_up(edition):
    """Editor text with the payload in every field an admin page can show."""
    category = CategoryFactory.create(name=REFRESH, description=HIJACK)
    tools = [
        ToolFactory.create(
            name=f"{BUTTON}{index}",
            category=category,
            vendor=BUTTON,
            tagline=BUTTON,
            licence=REFRESH,
            description=HIJACK,
        )
        for index in range(2)
    ]
    PricingTierFactory.create(tool=tools[0], name=REFRESH, note=BUTTON)
    reviewer = ReviewerFactory.create(name=BUTTON, question=BUTTON, bio=HIJACK)
    ScorecardFactory.create(tool=tools[0], reviewer=reviewer, quote=HIJACK)
    comparison = make_comparison(*tools, intro=HIJACK, pricing_read=HIJACK, verdict=HIJACK)
    Edition.objects.filter(pk=edition.pk).update(subject=BUTTON, intro=HIJACK)
    edition.items.create(comparison=comparison, position=1)
    DeliveryFactory.create(
        edition=edition, subscriber=SubscriberFactory.create(), status="failed", error=HIJACK
    )
    return edition


def admin_pages(edition: Edition) -> list[str]:
    """The edition's own pages, and each model's list, change, history and delete pages."""
    pages = [
        f"/admin/newsletter/edition/{edition.pk}/{page}/"
        for page in ("preview", "preview/html", "send", "progress")
    ]
    for model in (Category, Tool, Comparison, Reviewer, Scorecard, Edition, Delivery):
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        obj = model.objects.order_by("-pk").first()
        assert obj is not None, f"no {opts.model_name} to open"
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_change", args=[obj.pk])]
        if model not in (Edition, Delivery):  # their names hold no editor text
            pages.append(reverse(f"{name}_history", args=[obj.pk]))
        if model is not Delivery:  # never deleted
            pages.append(reverse(f"{name}_delete", args=[obj.pk]))
    return pages


def test_every_admin_page_shows_editor_text_as_text(staff_client, marked_up):
    for path in admin_pages(marked_up):
        page = staff_client.get(path)
        assert page.status_code == 200, path
        assert payload_elements(page.content) == [], path
        # The payload is on the page, escaped: the page did show editor text.
        assert ESCAPED.search(page.content), path
