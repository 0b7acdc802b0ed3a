from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from comparisons.models import Category
from newsletter.models import Subscriber, normalise_email

# The site's own addresses: one slash, then slugs and slashes (no scheme, host or control characters).
_LOCAL_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~/-]{0,500}")
_email_length = Subscriber._meta.get_field("email").max_length
if not isinstance(_email_length, int):  # the form's length check needs the column's bound
    raise TypeError("Subscriber.email must have a max_length")
EMAIL_MAX_LENGTH: int = _email_length


class SignupForm(forms.Form):
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "That doesn't look like an email address: enter one like name@example.com.",
            "max_length": "That address is too long: an email address has at most 254 characters.",
        },
    )
    interests = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        required=False,
        error_messages={
            "invalid_choice": "Choose categories from the list.",
            "invalid_pk_value": "Choose categories from the list.",
            "invalid_list": "Choose categories from the list.",
        },
    )
    # The one trap for bots: a text field people never see (hidden by CSS) and so leave empty.
    website = forms.CharField(required=False, max_length=1000)
    # Where the form was, so the no-JavaScript answer comes back to the same page.
    next = forms.CharField(required=False, max_length=2000)

    def clean_email(self) -> str:
        try:
            address = normalise_email(self.cleaned_data["email"])
        except ValueError as error:
            raise forms.ValidationError(self.fields["email"].error_messages["invalid"]) from error
        if len(address) > EMAIL_MAX_LENGTH:
            # The domain's ASCII form can be longer than what was typed.
            raise forms.ValidationError(self.fields["email"].error_messages["max_length"])
        return address

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    @property
    def next_path(self) -> str:
        """A path on this site to go back to; the newsletter page when there is none."""
        target = str(self.data.get("next") or "").split("?", 1)[0].split("#", 1)[0]
        if _LOCAL_PATH.fullmatch(target) and url_has_allowed_host_and_scheme(
            target, allowed_hosts=None
        ):
            return target
        return reverse("newsletter:index")

    @property
    def first_error(self) -> str:
        errors = self.errors.get("email") or self.errors.get("interests")
        return str(errors[0]) if errors else ""


class InterestsForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose categories from the list.",
            "invalid_pk_value": "Choose categories from the list.",
            "invalid_list": "Choose categories from the list.",
        },
    )
