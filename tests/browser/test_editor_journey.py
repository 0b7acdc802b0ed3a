"""An editor at work in a real Chromium: sign in, add a tool, publish a comparison, see it live.

Every admin page visited must leave the console clean: a Content-Security-Policy violation
(an inline script or style the policy refuses) shows up there as an error.
"""

import pytest

from comparisons.models import Comparison, Tool
from newsletter.models import Delivery, Edition
from reviews.models import Scorecard
from tests.editors.accounts import make_editor
from tests.factories import CategoryFactory, ReviewerFactory, ToolFactory, make_comparison
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory, make_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL, PASSWORD = "ada@example.com", "a-long-editor-passphrase-58"


@pytest.fixture
def newsroom(transactional_db):
    vision = CategoryFactory.create(name="Vision", slug="vision")
    ReviewerFactory.create(name="Builder Bo")
    ReviewerFactory.create(name="Skeptic Sue", lens="skeptic")
    ToolFactory.create(name="Bravo Vision", slug="bravo-vision", category=vision)
    make_editor(EMAIL, password=PASSWORD)
    return vision


class Visits:
    """Each admin page the editor lands on, checked for console errors as it is left."""

    def __init__(self, page) -> None:
        self.page = page
        self.seen: list[str] = []

    def check(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.seen.append(self.page.url)
        assert self.page.console.problems == [], (self.page.url, self.page.console.problems)


def sign_in(page, visits: Visits) -> None:
    page.goto("/admin/")
    page.wait_for_url("**/admin/login/**")
    visits.check()
    page.get_by_label("Username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    visits.check()


def pick_with_autocomplete(page, select_name: str, text: str) -> None:
    """Django admin's autocomplete (select2): open it, search, choose."""
    page.locator(f"select[name='{select_name}'] + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_an_editor_adds_a_tool_publishes_a_comparison_and_sees_it_live(
    newsroom, make_page, screenshot
):
    page = make_page()
    visits = Visits(page)
    sign_in(page, visits)

    # A tool with its pricing and two scorecards.
    page.get_by_role("link", name="Tools", exact=True).first.click()
    visits.check()
    page.get_by_role("link", name="Add tool").click()
    page.wait_for_url("**/admin/comparisons/tool/add/")
    visits.check()
    page.get_by_label("Name:").press_sequentially("Alpha Vision")
    assert page.get_by_label("Slug:").input_value() == "alpha-vision"  # prepopulated as typed
    page.get_by_label("Category:").select_option(label="Vision")
    page.get_by_label("Tagline:").fill("Sees everything")
    page.get_by_label("Description:").fill("Reads **charts** and receipts.")
    # The preview follows the typing (htmx, rendered by the server).
    page.locator("#id_description-preview strong", has_text="charts").wait_for()
    page.locator("input[name='pricing_tiers-0-name']").fill("Free")
    page.locator("input[name='pricing_tiers-0-price']").fill("0")
    add_scorecard = page.locator("#scorecards-group .add-row a")
    for index, (reviewer, verdict, quote) in enumerate(
        [
            ("Builder Bo", "ship", "Two lines to wire up."),
            ("Skeptic Sue", "skip", "Hallucinates totals."),
        ]
    ):
        add_scorecard.click()
        page.locator(f"select[name='scorecards-{index}-reviewer']").select_option(label=reviewer)
        page.locator(f"select[name='scorecards-{index}-verdict']").select_option(verdict)
        page.locator(f"textarea[name='scorecards-{index}-quote']").fill(quote)
    screenshot(page, "editor-tool-form")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/comparisons/tool/")
    visits.check()
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    tool = Tool.objects.get(slug="alpha-vision")
    assert Scorecard.objects.filter(tool=tool).count() == 2
    row = page.locator("#result_list tbody tr", has_text="Alpha Vision")
    assert row.locator(".field-panel").inner_text() == "50%"
    assert row.locator(".field-entry").inner_text() == "Free"

    # A comparison of it with another tool, published at once.
    page.goto("/admin/comparisons/comparison/add/")
    visits.check()
    pick_with_autocomplete(page, "entries-0-tool", "Alpha Vision")
    # The rows come numbered 1, 2, 3, 4: picking the tools is enough.
    assert page.locator("input[name='entries-1-position']").input_value() == "2"
    pick_with_autocomplete(page, "entries-1-tool", "Bravo Vision")
    page.get_by_label("Status:").select_option("published")
    page.get_by_label("Editor's verdict:").fill("Ship **Alpha Vision** for receipts.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/comparisons/comparison/")
    visits.check()
    row = page.locator("#result_list tbody tr", has_text="Alpha Vision vs Bravo Vision")
    assert row.locator(".field-publication").inner_text() == "Published"
    comparison = Comparison.objects.get()
    assert comparison.slug == "alpha-vision-vs-bravo-vision" and comparison.is_live

    # The list's link opens its page in the admin; "View on site" opens it on the site.
    row.locator("th a").click()
    visits.check()
    page.get_by_role("link", name="View on site").click()
    page.wait_for_url(f"**{comparison.get_absolute_url()}")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Alpha Vision vs Bravo Vision")
    )
    assert "receipts" in page.locator("body").inner_text()
    assert page.get_by_text("Draft preview").count() == 0
    screenshot(page, "editor-comparison-live")
    assert page.console.problems == []

    # And a reader with no account sees the same.
    reader = make_page()
    reader.goto(comparison.get_absolute_url())
    assert "Ship Alpha Vision for receipts." in reader.locator("body").inner_text()
    assert reader.console.problems == []
    assert len(visits.seen) >= 7


def test_the_edition_page_previews_and_follows_a_send_by_itself(newsroom, make_page, screenshot):
    comparison = make_comparison(
        ToolFactory.create(name="Echo"), Tool.objects.get(slug="bravo-vision"), verdict="Echo wins."
    )
    edition = make_edition(comparison, intro="Hello **readers**.")
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING, number=1)
    for status in ["sent", "sent", "failed", "pending"]:
        DeliveryFactory.create(
            edition=edition,
            subscriber=SubscriberFactory.create(),
            status=status,
            error="SMTPRecipientsRefused: 550 unknown user" if status == "failed" else "",
        )
    page = make_page()
    visits = Visits(page)
    sign_in(page, visits)

    page.goto(f"/admin/newsletter/edition/{edition.pk}/change/")
    visits.check()
    counts = page.locator("#send-progress-counts")
    assert " ".join(counts.inner_text().split()).startswith(
        "2 sent · 1 failed · 1 waiting · 4 total"
    )
    assert "550 unknown user" in page.locator("table.failed-deliveries").inner_text()

    # The worker finishes; the bar catches up without a reload, then stops asking.
    Delivery.objects.filter(status="pending").update(status="sent")
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    page.locator("#send-progress-counts", has_text="3 sent").wait_for()
    assert page.locator("#send-progress").get_attribute("data-hx-trigger") is None
    assert page.locator("#send-progress-bar").get_attribute("value") == "4"
    screenshot(page, "editor-edition-progress")
    visits.check()

    page.get_by_role("link", name="Preview HTML and text").click()
    page.wait_for_url("**/preview/")
    frame = page.frame_locator("iframe.email-preview-frame")
    frame.locator("strong", has_text="readers").wait_for()
    assert "Echo vs Bravo Vision" in frame.locator("body").inner_text()
    assert "Echo vs Bravo Vision" in page.locator("pre.email-preview-text").inner_text()
    screenshot(page, "editor-edition-preview")
    visits.check()


def test_a_new_editor_chooses_a_password_and_a_guesser_meets_the_lockout_page(
    newsroom, make_page, screenshot, settings
):
    from io import StringIO
    from urllib.parse import urlsplit

    from django.core.management import call_command

    out = StringIO()
    call_command("create_editor", "new.editor@example.com", stdout=out)
    link = out.getvalue().strip().splitlines()[-1]
    page = make_page()
    page.goto(urlsplit(link).path)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your password"
    page.get_by_label("New password:").fill(PASSWORD)
    page.get_by_label("Again, to be sure:").fill(PASSWORD)
    screenshot(page, "editor-set-password")
    assert page.console.problems == []
    page.get_by_role("button", name="Set my password").click()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("new.editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("link", name="Tools", exact=True).count() >= 1
    assert page.console.problems == []

    guesser = make_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.goto("/admin/login/")
        guesser.get_by_label("Username").fill(EMAIL)
        guesser.get_by_label("Password").fill("not-the-password")
        guesser.get_by_role("button", name="Log in").click()
    guesser.get_by_role("heading", name="Sign-in paused for a while").wait_for()
    screenshot(guesser, "editor-locked-out")
    # The lockout answers 429, which the console reports as a failed load; nothing else.
    assert [p for p in guesser.console.problems if "status of 429" not in p] == []
