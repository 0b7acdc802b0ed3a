"""Reading the pages tests fetch."""

from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    """A page that answered 200, parsed."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")
