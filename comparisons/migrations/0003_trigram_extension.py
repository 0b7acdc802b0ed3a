from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm powers typo-tolerant search on Postgres (a no-op on other databases)."""

    dependencies = [("comparisons", "0002_votes")]

    operations = [TrigramExtension()]
