import pytest
from django.core.management import call_command

from comparisons import counters
from comparisons.models import Category, Comparison, Tool
from reviews.models import Lens, Reviewer, Scorecard

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Category.objects.count(),
        Tool.objects.count(),
        Reviewer.objects.count(),
        Scorecard.objects.count(),
        Comparison.objects.count(),
    )


def test_seed_demo_loads_the_promised_content(client):
    call_command("seed_demo")

    assert Tool.objects.published().count() >= 12
    assert Category.objects.filter(tools__isnull=False).distinct().count() >= 4
    assert set(Reviewer.objects.values_list("lens", flat=True)) == set(Lens.values)
    assert Scorecard.objects.count() == Tool.objects.count() * Reviewer.objects.count()
    curated = Comparison.objects.published().filter(kind=Comparison.Kind.CURATED)
    assert curated.count() >= 6
    smol = curated.get(slug="smolvlm2-vs-smolvlm2-2b")
    assert smol.title == "SmolVLM2-2B vs SmolVLM2"
    for comparison in curated:
        assert 2 <= comparison.entries.count() <= 4
        assert comparison.intro and comparison.pricing_read and comparison.verdict
        assert client.get(comparison.get_absolute_url()).status_code == 200


def test_seed_demo_is_idempotent_and_keeps_publication_dates():
    call_command("seed_demo")
    first = counts()
    dates = dict(Comparison.objects.values_list("slug", "published_at"))
    call_command("seed_demo")
    assert counts() == first
    assert counters.drift() == []  # it recounts once, after saving its scorecards uncounted
    assert dict(Comparison.objects.values_list("slug", "published_at")) == dates


def test_every_demo_tool_has_an_entry_price_and_a_check_date():
    call_command("seed_demo")
    for tool in Tool.objects.prefetch_related("pricing_tiers"):
        assert tool.prices_checked is not None
        assert tool.entry_price
