"""A superuser opens the preview of an edition whose intro an editor filled with markup.

In a real Chromium: the payload must be text on the page, not a button that would post the
editor's user form with the logout form's CSRF token, nor a refresh to another site.
"""

import pytest
from django.contrib.auth import get_user_model

from tests.editors.payloads import HIJACK
from tests.factories import ToolFactory, make_comparison
from tests.newsletter.factories import make_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL, PASSWORD = "root@example.com", "a-long-superuser-passphrase-93"


def test_the_intro_payload_is_text_in_a_superusers_preview(make_page):
    get_user_model().objects.create_superuser(EMAIL, EMAIL, PASSWORD)
    comparison = make_comparison(ToolFactory.create(name="Alpha"), ToolFactory.create(name="Bravo"))
    edition = make_edition(comparison, intro=HIJACK)

    page = make_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/newsletter/edition/{edition.pk}/preview/")

    assert page.get_by_role("button", name="Approve edition").count() == 0
    assert page.locator("[form], [formaction], meta[http-equiv]").count() == 0
    assert HIJACK in page.locator("pre.email-preview-text").inner_text()
    assert page.console.problems == []
