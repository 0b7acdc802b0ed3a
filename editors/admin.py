"""The admins of other apps' models (django-axes' sign-in records, Django's users and groups),
registered again with the bad-input handling our own lists have (``ListInputMixin``)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.db.models import Model

from editors.admin_tools import ListInputMixin


class AccessAttemptAdmin(ListInputMixin, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(ListInputMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(ListInputMixin, axes_admin.AccessFailureLogAdmin):
    pass


class UserAdmin(ListInputMixin, auth_admin.UserAdmin):
    pass


class GroupAdmin(ListInputMixin, auth_admin.GroupAdmin):
    pass


_REGISTERED: list[tuple[type[Model], type[admin.ModelAdmin]]] = [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (User, UserAdmin),
    (Group, GroupAdmin),
]
for model, model_admin in _REGISTERED:
    if admin.site.is_registered(model):  # axes registers its own unless AXES_ENABLE_ADMIN is off
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
