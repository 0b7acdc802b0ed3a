"""Test browsers."""

from django.test import Client, TestCase


class CommittingClient(Client):
    """A reader whose requests' on-commit work (such as moving the page cache on after a vote)
    runs as each request ends, as it does after production's commit: the test's own transaction
    never commits."""

    def __init__(self, **defaults) -> None:
        # A browser on one of the site's pages says so (the vote and the sign-up require it).
        headers = {"x-forwarded-proto": "https", "sec-fetch-site": "same-origin"}
        super().__init__(headers=headers, **defaults)

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)
