"""A real SMTP server for the tests: aiosmtpd on a free local port, recording what it accepts."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    recipients: list[str]
    data: bytes
    connection: int

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Sink:
    """Accepts everything, except what the test tells it to refuse.

    ``refuse``: addresses rejected at RCPT with a permanent 550. ``defer``: address → how many
    times to answer DATA with a temporary 451 before accepting. ``reject_data``: address → the
    reply DATA always gets (a 5xx such as "550 5.1.1 …" or "554 5.7.1 …"). ``delay``: seconds between taking
    a message in (it counts as received from then on) and answering 250, as a busy server does;
    a client that dies in between never learns its message arrived.
    """

    refuse: set[str] = field(default_factory=set)
    defer: dict[str, int] = field(default_factory=dict)
    reject_data: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    port: int = 0
    connections: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # smtplib greets once per connection: count connections here.
        with self._lock:
            self.connections += 1
            session.connection_number = self.connections
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            for address in envelope.rcpt_tos:
                if address in self.reject_data:
                    return self.reject_data[address]
                if self.defer.get(address, 0) > 0:
                    self.defer[address] -= 1
                    return "451 4.3.0 Try again later"
            self.received.append(
                Received(
                    list(envelope.rcpt_tos),
                    bytes(envelope.content),
                    getattr(session, "connection_number", 0),
                )
            )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def per_address(self, subject_prefix: str = "") -> Counter:
        with self._lock:
            received = list(self.received)
        counts: Counter = Counter()
        for item in received:
            if subject_prefix and not str(item.message["Subject"]).startswith(subject_prefix):
                continue
            counts.update(item.recipients)
        return counts

    def messages(self, subject_prefix: str = "") -> list[tuple[str, EmailMessage]]:
        with self._lock:
            received = list(self.received)
        found: list[tuple[str, EmailMessage]] = []
        for item in received:
            message = item.message
            if str(message["Subject"]).startswith(subject_prefix):
                found.extend((address, message) for address in item.recipients)
        return found

    def connections_used(self) -> int:
        """How many SMTP connections the accepted messages came over."""
        with self._lock:
            return len({item.connection for item in self.received})


def start_sink(**options) -> tuple[Sink, Controller]:
    sink = Sink(**options)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
