from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 24
CARDS_PAGE_SIZE = 12  # comparison cards are taller than rows


class ListPage(Page):
    param = "page"  # the query parameter that chooses it


class _Paginator(Paginator):
    def _get_page(self, *args, **kwargs) -> ListPage:
        return ListPage(*args, **kwargs)


def page_of(
    request: HttpRequest,
    items,
    per_page: int = PAGE_SIZE,
    param: str = "page",
    count: int | None = None,
) -> ListPage:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page.

    A page with two lists gives each its own ``param``; the page knows which one it is, for its
    links (``comparisons/_pagination.html``). ``count``, when given, spares counting ``items``
    themselves: counting a ranking would compute every row's numbers only to count them.
    """
    paginator = _Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get(param))
    assert isinstance(page, ListPage)
    page.param = param
    return page
