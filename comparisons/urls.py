from django.urls import path
from django.views.decorators.http import require_safe

from comparisons import views
from comparisons.sharing import views as sharing
from comparisons.sharing.feeds import CategoryComparisonFeed, ComparisonFeed

app_name = "comparisons"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:slug>/", views.comparison_detail, name="detail"),
    path("compare/<slug:slug>/vote/", views.vote, name="vote"),
    # Slugs never contain a dot, so "<slug>.json" cannot be mistaken for a page address.
    path("compare/<slug:slug>.json", sharing.comparison_data, name="data"),
    path("compare/<slug:slug>/share.png", sharing.share_image, name="share_image"),
    path("feeds/comparisons/", require_safe(ComparisonFeed()), name="feed"),
    path(
        "feeds/categories/<slug:slug>/",
        require_safe(CategoryComparisonFeed()),
        name="category_feed",
    ),
]
