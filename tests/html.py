"""Reading the pages tests fetch."""

from bs4 import BeautifulSoup, Tag


def soup_of(response) -> BeautifulSoup:
    """A page that answered 200, parsed."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def attr(tag: Tag, name: str, default: str | None = None) -> str:
    """The value of a single-valued attribute (``href``, ``name``, ``value``, ...) of ``tag``.

    BeautifulSoup types every attribute value as a string or a list (``class`` and ``rel`` hold
    lists); the attributes read with this one hold a string, and the tag must have it unless a
    ``default`` is given.
    """
    value = tag.get(name, default)
    assert value is not None, f"<{tag.name}> has no {name}"
    assert isinstance(value, str), f"<{tag.name}> {name} is a list: {value!r}"
    return value
