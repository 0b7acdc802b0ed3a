"""Indexes for search (comparisons/search.py), on PostgreSQL only.

For tools, comparisons and categories, each with a name column (a comparison's is its title) and
text columns:

- ``search_document``: a stored generated tsvector, the name weighted A and the text C (the
  'simple' configuration: names and product words are not English to stem), with a GIN index;
- a trigram GIN index on the name, for word similarity (``name %> 'query'``; pg_trgm folds case
  itself);
- ``search_name``: the "compact" name, stored (lower-cased, everything but letters and digits
  removed: "SmolVLM2-2B" is "smolvlm22b"), with a trigram GIN index for similarity (``%``) and a
  btree for equality and prefixes (``LIKE 'smol%'``). In the "C" collation, so that the btree
  serves ``LIKE`` prefixes and is read in ``ORDER BY search_name`` order. Stored, not an
  expression index: a trigram index scan rechecks every row it finds, and computing the
  expression again for each cost more than the rest of the query.

And ``tool_category_published``, on tools' (category, is_published): a category's published
tools are counted from it alone (an index-only scan; CategoryQuerySet.with_tool_counts), where
the foreign key's index needs every tool's row. Not a partial index on published tools: that
would be a way to read every published tool, which Postgres then weighs against the indexes
above.

Neither column is a field on the models, so no query but search's ever reads them, and SQLite
(`make run`) never sees them. PostgreSQL refuses to change the type of a column a generated
column uses: a later migration that alters the name or text columns drops these two columns
first and adds them back after (the indexes with them).
"""

from django.db import migrations

from compsite.migration_operations import PostgresOnlySQL

# (table, name column, text columns)
TABLES = [
    ("comparisons_tool", "name", ["vendor", "tagline", "description"]),
    ("comparisons_comparison", "title", ["intro", "verdict"]),
    ("comparisons_category", "name", ["description"]),
]


def forwards_sql(table, name, text):
    text_sql = " || ' ' || ".join(f"coalesce({column}, '')" for column in text)
    return [
        f"""
        ALTER TABLE {table} ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, coalesce({name}, '')), 'A')
            || setweight(to_tsvector('simple'::regconfig, {text_sql}), 'C')
        ) STORED
        """,
        f"""
        ALTER TABLE {table} ADD COLUMN search_name text COLLATE "C" GENERATED ALWAYS AS (
            regexp_replace(lower({name}), '[^[:alnum:]]+', '', 'g')
        ) STORED
        """,
        f"CREATE INDEX {table}_search_document ON {table} USING gin (search_document)",
        f"CREATE INDEX {table}_name_trgm ON {table} USING gin ({name} gin_trgm_ops)",
        f"CREATE INDEX {table}_search_name_trgm ON {table} USING gin (search_name gin_trgm_ops)",
        f"CREATE INDEX {table}_search_name_prefix ON {table} (search_name)",
    ]


def backwards_sql(table):
    return [
        f"DROP INDEX IF EXISTS {table}_search_name_prefix",
        f"DROP INDEX IF EXISTS {table}_search_name_trgm",
        f"DROP INDEX IF EXISTS {table}_name_trgm",
        f"DROP INDEX IF EXISTS {table}_search_document",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_name",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document",
    ]


class Migration(migrations.Migration):
    dependencies = [("comparisons", "0004_single_line_fields")]

    operations = [
        *(
            PostgresOnlySQL(sql=forwards_sql(table, name, text), reverse_sql=backwards_sql(table))
            for table, name, text in TABLES
        ),
        PostgresOnlySQL(
            sql="CREATE INDEX tool_category_published ON comparisons_tool (category_id) INCLUDE (is_published)",
            reverse_sql="DROP INDEX IF EXISTS tool_category_published",
        ),
    ]
