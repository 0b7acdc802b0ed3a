from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletter import services
from newsletter.models import Edition
from newsletter.services import queue


class Command(BaseCommand):
    help = (
        "Do at once what beat does weekly: create this week's edition if it is missing, start its "
        "send (through the worker when REDIS_URL is set, in this process otherwise) and print "
        "what was queued. Safe to run again: nobody gets an edition twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--draft-only",
            action="store_true",
            help="Only create the prefilled draft of the next scheduled edition, for editors "
            "to edit, reorder or hold before it goes out.",
        )

    def handle(self, *args, draft_only: bool = False, **options) -> None:
        now = timezone.now()
        if draft_only:
            # The edition beat sends next: never one that went out already (Send now).
            edition, created = services.edition_prepare_next(now=now)
            upcoming = services.edition_next_send(now=now)
            what = f"for the week of {edition.week:%-d %B %Y} ({edition.items.count()} comparisons)"
            if created:
                self.stdout.write(f"Created the draft {what}.")
            elif edition.status == Edition.Status.HELD:
                self.stdout.write(f"Found the held edition {what}.")
            else:
                self.stdout.write(f"Found the draft {what}.")
            self.stdout.write(services.edition_next_send_words(upcoming))
            return

        edition, created = services.edition_prepare(when=now)
        if created:
            self.stdout.write(f"Created the draft for the week of {edition.week:%-d %B %Y}.")
        plan = services.edition_start(edition_id=edition.pk)
        if not plan.started:
            self.stdout.write(
                self.style.WARNING(
                    f"Nothing queued: the edition for the week of {edition.week:%-d %B %Y} "
                    f"is not sent because {plan.reason}."
                )
            )
            self.stdout.write(services.edition_next_send_words(services.edition_next_send()))
            return
        eager = services.celery_is_eager()
        batches = pending = 0

        def counted():  # the batches go by one at a time: count them as they do
            nonlocal batches, pending
            for batch in plan.batches:
                batches += 1
                pending += len(batch)
                yield batch

        queued = services.edition_dispatch(edition_id=edition.pk, batches=counted())
        services.edition_finish(edition_id=edition.pk)
        edition.refresh_from_db()
        where = "sent in this process (no REDIS_URL)" if eager else "queued on the worker"
        self.stdout.write(
            self.style.SUCCESS(
                f"Edition #{edition.number} ({plan.comparisons} comparisons, "
                f"{plan.recipients} recipients): {pending} deliveries in {queued} of "
                f"{batches} batches of up to {services.BATCH_SIZE} {where} "
                f"as {queue.SEND_BATCH}; status {edition.status}."
            )
        )
        self.stdout.write(services.edition_next_send_words(services.edition_next_send()))
