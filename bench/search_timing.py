"""Search at scale, measured by hand (not part of ``make test`` or ``make bench``).

Against the database in ``DATABASE_URL`` (load one with ``python -m bench.largedemo --tools
50000``), in this process, with DEBUG off::

    python -m bench.search_timing                 # medians of the search page and suggestions
    python -m bench.search_timing --explain smol  # EXPLAIN ANALYZE of each query for "smol"

Every timing is the median of ``--runs`` runs after one warm-up run: the search page through
Django's test client (middleware, view, template: the origin's whole answer), ``search_everything``
and ``tool_suggestions`` on their own, and the queries each ran.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

QUERIES = [
    "smolvlm",
    "smol vlm",
    "smolvml",
    "SmolVLM 2",
    "claude",
    "chat gpt",
    "sm",
    "ka",
    "kavelo",
    "model",
    "transcription",
    "zzqxw",
]


def timed_ms(function, runs: int) -> tuple[float, float]:
    """The median and the fastest of ``runs`` runs, after one to warm up."""
    function()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), min(timings)


def explain(function) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    for number, query in enumerate(captured.captured_queries, 1):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"-- query {number}\n{query['sql']}\n{plan}\n")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--explain", metavar="QUERY")
    parser.add_argument("queries", nargs="*", default=QUERIES)
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from comparisons import search
    from comparisons.models import Tool

    suggestions = getattr(search, "tool_suggestions", None)
    if options.explain is not None:
        print(f"== search_everything({options.explain!r})")
        explain(lambda: search.search_everything(options.explain))
        if suggestions:
            print(f"== tool_suggestions({options.explain!r})")
            explain(lambda: suggestions(options.explain))
        return

    client = Client(headers={"x-forwarded-proto": "https"}, HTTP_HOST="127.0.0.1")
    print(f"{Tool.objects.count()} tools; median (fastest) of {options.runs} runs, in ms")
    print(f"{'query':<16} {'page':>14} {'search':>14} {'suggest':>14}  queries  first results")
    for query in options.queries:

        def page(query=query):
            response = client.get("/search/", {"q": query})
            assert response.status_code == 200, response.status_code

        page_ms = timed_ms(page, options.runs)
        search_ms = timed_ms(lambda query=query: search.search_everything(query), options.runs)
        suggest_ms = (
            timed_ms(lambda query=query: suggestions(query), options.runs)
            if suggestions
            else (0, 0)
        )
        with CaptureQueriesContext(connection) as captured:
            results = search.search_everything(query)
        names = ", ".join(tool.name for tool in results.tools[:3])
        cells = " ".join(
            f"{median:7.1f} ({fastest:4.1f})"
            for median, fastest in [page_ms, search_ms, suggest_ms]
        )
        print(f"{query!r:<16} {cells}  {len(captured.captured_queries):>7}  {names}")


if __name__ == "__main__":
    main()
