"""Each email the site sends, as the bytes its mailer puts on the wire (`make audit`).

Run as ``python -m audit.emails FOLDER`` with the site's environment (the audit's database, which
holds the demo content). The three kinds go through the configured SMTP mailer to the tests' SMTP
sink on a free local port, and what the sink accepted is written to ``FOLDER/<kind>.eml``:

- ``confirm``: the confirmation a sign-up asks for;
- ``welcome``: what a confirmed address gets;
- ``edition``: one subscriber's copy of this week's edition (prepared from the demo's curated
  comparisons as the weekly send prepares it), built as the batches build it (``EditionCopies``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

READER = "reader@example.com"


def main(folder: Path) -> None:
    from tests.newsletter.smtp_sink import smtp_mailers, start_sink

    sink, controller = start_sink()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compsite.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from newsletter import emails
    from newsletter.models import Edition, Subscriber
    from newsletter.services.editions import edition_prepare, number_edition

    assert settings.MAILERS["default"]["BACKEND"] == smtp_mailers(sink.port)["default"]["BACKEND"]
    try:
        subscriber, _ = Subscriber.objects.get_or_create(email=READER)
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.save()
        edition, _ = edition_prepare()
        if edition.number is None:
            number_edition(edition)
            edition.save(update_fields=["number"])
        edition = Edition.objects.with_contents().get(pk=edition.pk)
        comparisons = edition.ordered_comparisons
        assert comparisons, "the demo content gave this week's edition no comparison"
        built = {
            "confirm": emails.confirmation_email(subscriber),
            "welcome": emails.welcome_email(subscriber),
            "edition": emails.EditionCopies(edition).message(
                subscriber, comparisons, has_interests=False
            ),
        }
        for kind, message in built.items():
            before = sink.count()
            message.send()
            assert sink.count() == before + 1, f"the sink did not receive the {kind} email"
            (folder / f"{kind}.eml").write_bytes(sink.received[-1].data)
            print(f"{kind}: {message.subject}")
    finally:
        controller.stop()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    main(target)
