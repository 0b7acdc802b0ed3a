from django.core.management.base import BaseCommand, CommandError

from comparisons.voting import vote_count_drift


class Command(BaseCommand):
    help = "Recount community votes from the vote rows and report any drift from the stored counts."

    def handle(self, *args, **options) -> None:
        drift = vote_count_drift()
        for item in drift:
            self.stdout.write(
                f"comparison {item.comparison_id} tool {item.tool_id}: "
                f"stored {item.stored}, counted {item.counted}"
            )
        if drift:
            raise CommandError(f"Vote counts drift in {len(drift)} place(s).")
        self.stdout.write(self.style.SUCCESS("Vote counts match the votes: no drift."))
