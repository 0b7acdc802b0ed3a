"""Editor accounts: made by a command, finished by the editor through a one-time link."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from compsite.urls_absolute import absolute

EDITORS_GROUP = "Editors"


class EditorsGroupMissing(Exception):
    """The group comes from a migration: the database has not been migrated."""


def editor_get_or_create(*, email: str) -> tuple[User, bool]:
    """A staff user in the Editors group for ``email``; True when the account is new.

    The address is the username. A new account has no usable password: the editor chooses one
    through ``password_set_url``. An existing account keeps its password and is made an active
    editor. Raises ``django.core.exceptions.ValidationError`` for a malformed address.
    """
    User = get_user_model()
    address = User.objects.normalize_email(email.strip())
    validate_email(address)
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is None:
        raise EditorsGroupMissing(
            f"There is no “{EDITORS_GROUP}” group: run `python manage.py migrate` first."
        )
    with transaction.atomic():
        user = (
            User.objects.select_for_update().filter(username__iexact=address).first()
            or User.objects.select_for_update().filter(email__iexact=address).first()
        )
        created = user is None
        if user is None:
            user = User(username=address, email=address)
            user.set_unusable_password()
        user.is_staff = True
        user.is_active = True
        user.save()
        user.groups.add(group)
    return user, created


def password_set_url(*, user: User) -> str:
    """An absolute link where ``user`` chooses a password.

    It stops working once used (the token covers the password hash and last login) and after
    ``PASSWORD_RESET_TIMEOUT``.
    """
    path = reverse(
        "editors:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute(path)


def password_link_lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
