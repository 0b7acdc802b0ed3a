from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "AI Tool Verdicts — editors"
admin.site.site_title = "AI Tool Verdicts admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("", include("comparisons.urls")),
    path("reviewers/", include("reviews.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("admin/", admin.site.urls),
]
