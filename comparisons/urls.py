from django.urls import path

from comparisons.views import categories, comparison, home, search, tools

app_name = "comparisons"

urlpatterns = [
    path("", home.home, name="home"),
    path("compare/", comparison.pick, name="pick"),
    path("compare/<slug:slug>/", comparison.comparison_detail, name="detail"),
    path("compare/<slug:slug>/vote/", comparison.vote, name="vote"),
    path("tools/", tools.tool_list, name="tools"),
    path("tools/<slug:slug>/", tools.tool_detail, name="tool"),
    path("categories/", categories.category_list, name="categories"),
    path("categories/<slug:slug>/", categories.category_detail, name="category"),
    path("search/", search.search, name="search"),
]
