"""Mounted under /admin/ next to the admin site (compsite/urls.py)."""

from django.contrib import admin
from django.urls import path

from editors import views

app_name = "editors"

urlpatterns = [
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("set-password/done/", views.SetPasswordDoneView.as_view(), name="set_password_done"),
    path(
        "markdown-preview/",
        admin.site.admin_view(views.markdown_preview),
        name="markdown_preview",
    ),
]
