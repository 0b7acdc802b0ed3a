from django.conf import settings
from django.http import HttpRequest

from compsite import pagecache


def site(request: HttpRequest) -> dict:
    context = {"SITE_URL": settings.SITE_URL}
    if getattr(request, "shared_render", False):
        # Rendering for the page cache: placeholders instead of this visitor's token and nonce
        # (this processor runs after Django's own, so these win).
        context.update(pagecache.placeholders(request))
    return context
