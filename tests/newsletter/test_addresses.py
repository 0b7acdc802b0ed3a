"""Address normalisation holds for anything a form can receive (property tests)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsletter.forms import SignupForm
from newsletter.models import normalise_email


@given(st.text(max_size=400))
def test_any_text_is_either_a_clear_error_or_a_normalised_address(text):
    form = SignupForm({"email": text})
    if form.is_valid():
        address = form.cleaned_data["email"]
        assert len(address) <= 254
        assert address == address.strip()
        domain = address.rpartition("@")[2]
        assert domain == domain.lower() and domain.isascii()
        assert normalise_email(address) == address
    else:
        assert form.errors["email"]


@given(
    local=st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True),
    domain=st.sampled_from(
        ["Example.COM", "bücher.example", "XN--BCHER-KVA.example", "mail.Co.UK"]
    ),
    padding=st.sampled_from(["", " ", "\t", "\n ", "  "]),
)
def test_spellings_of_one_address_normalise_alike(local, domain, padding):
    once = normalise_email(f"{padding}{local}@{domain}{padding}")
    assert once == normalise_email(once)
    assert once.startswith(f"{local}@")
    assert once == normalise_email(f"{local}@{domain.lower()}")


@pytest.mark.parametrize(
    "address",
    [
        "x@[127.0.0.1]",
        "x@[IPv6:::1]",
        "x@127.0.0.1",
        "x@10.0.0.1",
        "x@localhost",
        "x@LOCALHOST",
        "x@intranet.",
    ],
)
def test_address_literals_ip_domains_and_single_labels_are_refused(address):
    form = SignupForm({"email": address})
    assert not form.is_valid()
    assert form.errors["email"] == [SignupForm.base_fields["email"].error_messages["invalid"]]
    with pytest.raises(ValueError):
        normalise_email(address)
