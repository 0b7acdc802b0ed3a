"""Search as ``make run`` answers it, on a SQLite database: run in a process of its own by
tests/comparisons/test_search_sqlite.py, with ``DATABASE_URL`` naming a SQLite file that holds
the demo content. Prints, as JSON, what each query given on the command line finds: through
the functions and through the page, with Django's test client."""

import json
import os
import sys


def main(queries: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    import django

    django.setup()
    from bs4 import BeautifulSoup
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from comparisons import search
    from comparisons.search import search_everything, tool_suggestions
    from tests.html import attr

    setup_test_environment()  # the test client's host, as pytest-django allows it
    client = Client()
    found: dict[str, dict[str, object]] = {}
    answers: dict[str, object] = {"vendor": connection.vendor, "queries": found}
    # The functions first, each with the statements it ran; then the pages.
    for query in queries:
        with CaptureQueriesContext(connection) as queries_run:
            results = search_everything(query)
        found[query] = {
            "tools": [tool.name for tool in results.tools],
            "comparisons": [comparison.title for comparison in results.comparisons],
            "categories": [category.name for category in results.categories],
            "close": [tool.name for tool in results.close],
            "sql": [run["sql"] for run in queries_run.captured_queries],
            "suggestions": [tool.name for tool in tool_suggestions(query)],
        }
    for query in queries:
        page = client.get("/search/", {"q": query})
        fragment = client.get("/search/", {"q": query}, headers={"hx-request": "true"})
        soup = BeautifulSoup(page.content, "html.parser")
        found[query] |= {
            "status": [page.status_code, fragment.status_code],
            "page_links": [attr(a, "href") for a in soup.select("#search-results a")],
            "fragment_is_whole_page": b"<html" in fragment.content,
            "fragment_has_close_names": b"did-you-mean-names" in fragment.content,
        }
    # The rows the Python ranking reads are capped: with a cap of 3, GitHub Copilot (the demo's
    # eighth tool) is out of reach of a fuzzy match, and each read says LIMIT 3.
    search.FUZZY_ROWS = 3
    with CaptureQueriesContext(connection) as queries_run:
        capped = search_everything("copliot")
    answers["capped"] = {
        "tools": [tool.name for tool in capped.tools],
        "sql": [run["sql"] for run in queries_run.captured_queries],
    }
    print(json.dumps(answers))


if __name__ == "__main__":
    main(sys.argv[1:])
