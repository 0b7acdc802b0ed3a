from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 24


def page_of(request: HttpRequest, items, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
