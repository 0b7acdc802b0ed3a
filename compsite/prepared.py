"""Statements Postgres parses and plans once per connection instead of on every request.

Django binds parameters on the client and turns psycopg's automatic preparing off (so that
transaction-mode poolers keep working), which makes Postgres parse and plan every statement
afresh. For the few hot writes that matter (a reader's vote) planning costs more than running:
``make bench``'s vote statement ran 1.3 to 1.7 times as many times a second prepared (pgbench,
4 clients, the benchmark's data). This module prepares just those, on the same connection and through Django's cursor
wrapper, so errors, query logging and ``assertNumQueries`` behave as for any other query. psycopg
prepares nothing while ``prepare_threshold`` is None: settings give it a number for Postgres.

Our web processes talk to Postgres directly. Behind a transaction-mode pooler, prepared
statements need one that tracks them (PgBouncer 1.21 or later).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper


class _PreparingCursor(ServerBindingCursor):
    """Binds on the server and asks psycopg to prepare: it does so once per connection and
    statement, then sends only the statement's name and its parameters."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True, **kwargs)


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor on the default connection whose statements are prepared (Postgres only).

    Same steps as ``connection.cursor()``: the health check, connecting when needed, then the
    wrapper that translates errors and logs queries when Django logs them."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(raw)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        yield cursor
