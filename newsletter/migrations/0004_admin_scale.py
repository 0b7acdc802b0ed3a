"""The newsletter at a million subscribers (directory-scale issue, items 5 and 6).

- ``Edition.deliveries_recorded_at``: *Send now* only numbers the edition and queues its start; the
  worker records the deliveries. Editions that went out before this migration recorded theirs
  when their send started.
- ``Edition.delivery_counts``: a sent edition's deliveries by status, kept when its send finishes
  (counted here for the editions already sent), so that its page and the list of editions read
  four numbers instead of counting a million rows.
- ``delivery_edition_status`` on (edition, status, id) replaces the index on (edition, status):
  the send walks an edition's pending deliveries in id order a batch at a time, and the admin
  lists an edition's deliveries of one status newest first, both straight off it.
- ``subscriber_newest`` on (created_at, id): the admin's subscriber list in its order.
- On PostgreSQL only, a trigram GIN index on ``UPPER(email::text)``: the expression Django's
  ``icontains`` compares (``UPPER("email"::text) LIKE UPPER('%…%')``), so the admin's search by
  address reads the index instead of every row. pg_trgm comes from comparisons' migration 0003.
"""

from django.db import migrations, models

from compsite.migration_operations import PostgresOnlySQL


def recorded_when_started(apps, schema_editor):
    Edition = apps.get_model("newsletter", "Edition")
    Edition.objects.filter(
        status__in=["sending", "sent"], deliveries_recorded_at__isnull=True
    ).update(deliveries_recorded_at=models.F("send_started_at"))


def count_sent_editions(apps, schema_editor):
    Edition = apps.get_model("newsletter", "Edition")
    Delivery = apps.get_model("newsletter", "Delivery")
    for edition in Edition.objects.filter(status="sent", delivery_counts__isnull=True):
        counts = dict(
            Delivery.objects.filter(edition=edition)
            .order_by()
            .values_list("status")
            .annotate(count=models.Count("pk"))
        )
        edition.delivery_counts = {
            "total": sum(counts.values()),
            "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0),
            "skipped": counts.get("skipped", 0),
        }
        edition.save(update_fields=["delivery_counts"])


class Migration(migrations.Migration):

    dependencies = [
        ("comparisons", "0005_search_indexes"),
        ("newsletter", "0003_single_line_subject"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="deliveries_recorded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(recorded_when_started, migrations.RunPython.noop),
        migrations.AddField(
            model_name="edition",
            name="delivery_counts",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["edition", "status", "id"], name="delivery_edition_status"),
        ),
        migrations.RemoveIndex(
            model_name="delivery",
            name="newsletter__edition_2fb27e_idx",
        ),
        migrations.AddIndex(
            model_name="subscriber",
            index=models.Index(fields=["created_at", "id"], name="subscriber_newest"),
        ),
        PostgresOnlySQL(
            sql="CREATE INDEX subscriber_email_trgm ON newsletter_subscriber "
            "USING gin ((UPPER(email::text)) gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS subscriber_email_trgm",
        ),
        # After the index on (edition, status, id), which the counts read.
        migrations.RunPython(count_sent_editions, migrations.RunPython.noop),
    ]
