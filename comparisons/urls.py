from django.urls import path
from django.views.decorators.http import require_safe

from comparisons import cache_keys
from comparisons.sharing import views as sharing
from comparisons.sharing.feeds import CategoryComparisonFeed, ComparisonFeed
from comparisons.views import (
    all_comparisons,
    categories,
    comparison,
    home,
    panel_vs_crowd,
    picker,
    search,
    tools,
)
from compsite import http_cache

feed = http_cache.shared(
    http_cache.LISTING, keys=[cache_keys.COMPARISONS, cache_keys.TOOLS, cache_keys.CATEGORIES]
)

app_name = "comparisons"

urlpatterns = [
    path("", home.home, name="home"),
    path("comparisons/", all_comparisons.comparison_list, name="list"),
    path("panel-vs-crowd/", panel_vs_crowd.panel_vs_crowd, name="panel_vs_crowd"),
    path("compare/", picker.pick, name="pick"),
    # Before the comparison pattern: "suggest" has no "-vs-", so it was never a comparison.
    path("compare/suggest/", picker.suggest, name="suggest"),
    path("compare/<slug:slug>/", comparison.comparison_detail, name="detail"),
    path("compare/<slug:slug>/vote/", comparison.vote, name="vote"),
    # Slugs never contain a dot, so "<slug>.json" cannot be mistaken for a page address.
    path("compare/<slug:slug>.json", sharing.comparison_data, name="data"),
    path("compare/<slug:slug>/share.png", sharing.share_image, name="share_image"),
    # Open data beyond one comparison: the format's schema and whole-dataset downloads.
    path("data/comparison.schema.json", sharing.data_schema, name="data_schema"),
    path("data/<slug:dataset>.<slug:fmt>", sharing.download, name="download"),
    path("tools/", tools.tool_list, name="tools"),
    path("tools/<slug:slug>/", tools.tool_detail, name="tool"),
    path("categories/", categories.category_list, name="categories"),
    path("categories/<slug:slug>/", categories.category_detail, name="category"),
    path("search/", search.search, name="search"),
    path("feeds/comparisons/", require_safe(feed(ComparisonFeed())), name="feed"),
    path(
        "feeds/categories/<slug:slug>/",
        require_safe(feed(CategoryComparisonFeed())),
        name="category_feed",
    ),
]
