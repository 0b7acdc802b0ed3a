"""The panel's pages: the reviewers and each one's verdicts on the catalogue's tools. They keep
the ``reviews`` namespace; the views are the catalogue's (they show tool cards)."""

from django.urls import path

from comparisons.views import reviewers

app_name = "reviews"

urlpatterns = [
    path("", reviewers.reviewer_list, name="list"),
    path("<slug:slug>/", reviewers.reviewer_detail, name="detail"),
]
