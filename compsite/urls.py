from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from compsite import http_cache, pages
from compsite.health import healthz
from compsite.sitemaps import SITEMAPS, sitemap_index

admin.site.site_header = "AI Tool Verdicts — editors"
admin.site.site_title = "AI Tool Verdicts admin"
admin.site.index_title = "Content"

# The sitemap lists everything published: any change to a collection purges it.
listed = http_cache.shared(
    http_cache.LISTING,
    keys=["tools", "comparisons", "categories", "reviewers", "editions"],
)

urlpatterns = [
    path("", include("comparisons.urls")),
    path("reviewers/", include("comparisons.reviewer_urls")),
    path("about/", pages.about, name="about"),
    path("privacy/", pages.privacy, name="privacy"),
    path("robots.txt", pages.robots_txt, name="robots"),
    path("sitemap.xml", listed(sitemap_index), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        require_safe(listed(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("newsletter/", include("newsletter.urls")),
    # The ESPs' bounce and complaint notifications (POST only, never cached: no shared() here).
    path("anymail/", include("newsletter.webhook_urls")),
    # The editors' own pages (choosing a password, the markdown preview) sit beside the admin.
    path("admin/", include("editors.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
