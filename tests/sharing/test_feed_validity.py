"""The feeds are valid Atom (RFC 4287's RELAX NG grammar, Appendix B) with valid ids, whatever
SITE_URL is: a domain, an IP address, a port."""

import ipaddress
import re
import uuid
from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.services import ROOT
from tests.sharing.conftest import vote

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
GRAMMAR = etree.RelaxNG(etree.parse(str(ROOT / "tests" / "schemas" / "atom.rng")))
# RFC 4151: tag:<domain name or email>,<date>:<specific>; a domain name's parts are letters,
# digits and inner hyphens.
TAG = re.compile(
    r"^tag:(?:[^@,]+@)?(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*),\d{4}(?:-\d{2}(?:-\d{2})?)?:\S*$"
)


def is_valid_id(value: str) -> bool:
    """An absolute URI that says what it is: an http(s) URL, a UUID URN or a tag URI."""
    if value.startswith("urn:uuid:"):
        return str(uuid.UUID(value.removeprefix("urn:uuid:"))) == value.removeprefix("urn:uuid:")
    if value.startswith("tag:"):
        match = TAG.match(value)
        if match is None:
            return False
        try:
            ipaddress.ip_address(match["domain"])
        except ValueError:
            return True
        return False  # an IP address is no domain name
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0


def checked(client, path: str) -> etree._Element:
    response = client.get(path)
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert GRAMMAR.validate(document), GRAMMAR.error_log
    # The grammar's two Schematron rules, which RELAX NG itself does not check.
    for entry in document.iterfind("atom:entry", ATOM):
        assert entry.find("atom:link[@rel='alternate']", ATOM) is not None
        assert document.find("atom:author", ATOM) is not None or entry.find("atom:author", ATOM)
    return document


@pytest.mark.parametrize(
    "site",
    [
        "https://verdicts.example",
        "https://localhost:8443",
        "https://127.0.0.1:8443",
        "http://[::1]:8000",
    ],
)
def test_feeds_are_valid_atom_with_valid_ids(client, content, settings, site):
    settings.SITE_URL = site
    vote(content.comparison, content.big)
    ids = []
    for path in ("/feeds/comparisons/", "/feeds/categories/vlm/"):
        document = checked(client, path)
        entries = document.findall("atom:entry", ATOM)
        assert entries
        ids += [document.findtext("atom:id", namespaces=ATOM)]
        ids += [entry.findtext("atom:id", namespaces=ATOM) for entry in entries]
    invalid = [value for value in ids if not is_valid_id(value)]
    assert not invalid


def test_an_entry_keeps_its_id_when_its_address_changes(client, content):
    before = checked(client, "/feeds/comparisons/").findtext("atom:entry/atom:id", namespaces=ATOM)
    content.small.slug = "smolvlm2-renamed"
    content.small.save()
    after = checked(client, "/feeds/comparisons/")
    assert "smolvlm2-renamed" in after.find("atom:entry/atom:link", ATOM).get("href")
    assert after.findtext("atom:entry/atom:id", namespaces=ATOM) == before


def test_the_id_check_refuses_what_the_feed_validator_refuses():
    assert not is_valid_id("tag:127.0.0.1:8443,2026-01-01:comparison:1")
    assert not is_valid_id("tag:127.0.0.1,2026-01-01:comparison:1")
    assert not is_valid_id("tag:localhost:8443,2026-01-01:comparison:1")
    assert is_valid_id("tag:verdicts.example,2026-01-01:comparison:1")
    assert is_valid_id("urn:uuid:" + str(uuid.uuid4()))
