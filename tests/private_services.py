"""Postgres and Redis for `make test` and `make check`, private ones where the machine has none.

    python -m tests.private_services plan
        the services that must be private ("postgres", "redis", both or neither): those whose
        URL (DATABASE_URL, REDIS_URL) is not given and whose default address (TEST_DATABASE_URL,
        TEST_REDIS_URL) does not answer
    python -m tests.private_services packages postgres redis
        the Debian packages those private services need and the machine lacks
    python -m tests.private_services run --private "postgres redis" -- COMMAND...
        COMMAND with DATABASE_URL and REDIS_URL set: as given, else the default address, else a
        private server started here on a free port (a cluster made with initdb, a redis-server)
        and removed when COMMAND ends

The Makefile runs the three in turn, installing the packages in between as it installs the
browser's. Given URLs (as .ci/run gives them) are used as they are, never replaced.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import ExitStack
from urllib.parse import urlsplit

DEFAULTS = {
    "postgres": ("DATABASE_URL", "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aitv"),
    "redis": ("REDIS_URL", "TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
}


def _default(service: str) -> str:
    _, default_name, fallback = DEFAULTS[service]
    return os.environ.get(default_name) or fallback


def answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except (OSError, ValueError):
        return False
    return True


def plan() -> list[str]:
    private = []
    for service, (given, _, _) in DEFAULTS.items():
        if not os.environ.get(given) and not answers(_default(service)):
            private.append(service)
    return private


def packages(private: list[str]) -> list[str]:
    from tests.services import postgres_binaries

    missing = []
    if "postgres" in private and postgres_binaries() is None:
        missing.append("postgresql")
    if "redis" in private and shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def run(private: list[str], command: list[str]) -> int:
    from tests.services import PrivateCluster, PrivateRedis

    env = dict(os.environ)
    with ExitStack() as stack:
        for service, (given, _, _) in DEFAULTS.items():
            default = _default(service)
            if env.get(given):
                continue
            if service not in private:
                env[given] = default
                continue
            where = urlsplit(default)
            if service == "postgres":
                cluster = PrivateCluster(urlsplit(default).path.lstrip("/"), durable=False)
                stack.callback(cluster.remove)
                cluster.start()
                env[given], port = cluster.url, cluster.port
            else:
                server = PrivateRedis()
                stack.callback(server.stop)
                server.start()
                env[given], port = server.url, server.port
            print(
                f"Nothing answers at {where.hostname}:{where.port}: the tests use a private "
                f"{service} on 127.0.0.1:{port}, removed afterwards.",
                flush=True,
            )
        process = subprocess.Popen(command, env=env)
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            return process.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.private_services")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("plan")
    needs = commands.add_parser("packages")
    needs.add_argument("services", nargs="*")
    runs = commands.add_parser("run")
    runs.add_argument("--private", default="")
    runs.add_argument("rest", nargs=argparse.REMAINDER)
    arguments = parser.parse_args(argv)
    if arguments.command == "plan":
        print(" ".join(plan()))
    elif arguments.command == "packages":
        print(" ".join(packages(arguments.services)))
    else:
        command = arguments.rest[1:] if arguments.rest[:1] == ["--"] else arguments.rest
        return run(arguments.private.split(), command)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
