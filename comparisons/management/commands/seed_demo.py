from django.core.management.base import BaseCommand

from comparisons.demo import demo_seed


class Command(BaseCommand):
    help = "Load the demo tools, reviewers, scorecards and published comparisons (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = demo_seed()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {summary}."))
