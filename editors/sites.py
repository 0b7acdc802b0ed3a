"""The admin site the project runs: Django's, with the editors' dashboard on its index.

``EditorsAdminConfig`` stands in for ``django.contrib.admin`` in ``INSTALLED_APPS`` and makes
``EditorsAdminSite`` the default site (Django's documented way to override it), so every
``admin.register`` and ``admin.site`` is this site.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import autodiscover_modules

from editors import dashboard


class EditorsAdminSite(admin.AdminSite):
    index_template = "admin/editors_index.html"

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dashboard": dashboard.sections_for(request, self),
        }
        return super().index(request, extra_context)


class EditorsAdminConfig(AdminConfig):
    default_site = "editors.sites.EditorsAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module
        # Then every app's dashboard sections (editors/dashboard.py).
        autodiscover_modules("dashboard")
