"""django-axes' sign-in records (superusers only) with the date-hierarchy fix our own lists have:
a year out of range is a bad lookup, not a 500. Registered again over axes' own admin classes."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from editors.admin_tools import DateHierarchyMixin


class AccessAttemptAdmin(DateHierarchyMixin, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(DateHierarchyMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(DateHierarchyMixin, axes_admin.AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):  # axes registers them unless AXES_ENABLE_ADMIN is off
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
