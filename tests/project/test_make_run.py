"""`make run` is what a newcomer tries first: SQLite, DEBUG on, the demo content. The suite runs on
Postgres, so nothing else would notice a migration that SQLite cannot apply (a PostgreSQL-only
index rebuilt with its table, say)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.processes


def test_the_migrations_and_the_demo_content_load_on_sqlite(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    said = {}
    for command in ("migrate --noinput", "seed_demo", "check"):
        result = subprocess.run(
            [sys.executable, "manage.py", *command.split()],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, (command, result.stderr[-3000:])
        said[command] = result.stdout
    assert "Demo content ready: 6 categories, 4 reviewers, 18 tools" in said["seed_demo"]
