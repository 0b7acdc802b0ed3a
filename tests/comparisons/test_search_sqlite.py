"""Search on SQLite, as `make run` serves it: names ranked in Python with difflib
(comparisons/fuzzy.py) behind the same functions the views call.

The suite's database is Postgres, so this runs search in a process of its own against a SQLite
file that took every migration and the demo content (tests/comparisons/sqlite_search.py), and
reads back what each query found, through the functions and through /search/."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.processes

TYPOS = ["smolvml", "SmolVLM 2", "smol vlm", "smolvlm", "SMOLVLM2"]
QUERIES = [
    *TYPOS,
    "claud",
    "chat gpt",
    "copilt",
    "copliot",
    "olama",
    "speech",
    "SmolVLM2-2B",
    "sm",
    "smlvlm",
    "stabel difusion",
    "zzqxw",
    "banana",
    "kurser",
]
ODD = [
    "",
    "%",
    "_",
    "%_%",
    "x" * 100_000,
    "\x01\x7fsmolvlm",
    "日本語のモデル",
    "🙂🙂🙂",
    "'; DROP TABLE comparisons_tool; --",
    "!!!???",
]
QUERIES += ODD


def run(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, (args[:2], result.stderr[-3000:])
    return result.stdout


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    run(env, "manage.py", "migrate", "--noinput")
    run(env, "manage.py", "seed_demo")
    return json.loads(run(env, "-m", "tests.comparisons.sqlite_search", *QUERIES))


def test_it_really_is_sqlite(found):
    assert found["vendor"] == "sqlite"


@pytest.mark.parametrize("query", TYPOS)
def test_smolvlm2_is_found_however_it_is_typed(found, query):
    answer = found["queries"][query]
    assert answer["tools"][0] == "SmolVLM2"
    assert "SmolVLM2-2B" in answer["tools"][:2]
    assert "ChatGPT" not in answer["tools"]
    assert answer["suggestions"][0] == "SmolVLM2"
    assert "/tools/smolvlm2/" in answer["page_links"]


@pytest.mark.parametrize(
    ("typo", "tool"),
    [
        ("claud", "Claude"),
        ("chat gpt", "ChatGPT"),
        ("copilt", "GitHub Copilot"),
        ("copliot", "GitHub Copilot"),
        ("olama", "Ollama"),
        ("SmolVLM2-2B", "SmolVLM2-2B"),
    ],
)
def test_typos_and_exact_names_find_the_tool_first(found, typo, tool):
    assert found["queries"][typo]["tools"][0] == tool


def test_two_letters_suggest_tools_by_prefix(found):
    assert found["queries"]["sm"]["suggestions"][:2] in (
        ["SmolVLM2", "SmolVLM2-2B"],
        ["SmolVLM2-2B", "SmolVLM2"],
    )


def test_text_still_matches_tools_and_categories(found):
    speech = found["queries"]["speech"]
    assert "Speech-to-text" in speech["categories"]
    assert {"Whisper large-v3-turbo", "Deepgram Nova-3"} <= set(speech["tools"])
    assert "SmolVLM2-2B vs SmolVLM2" in found["queries"]["smolvml"]["comparisons"]


@pytest.mark.parametrize(
    ("typo", "close"),
    [
        ("zzqxw", []),
        ("banana", []),
        ("kurser", ["Cursor"]),
        ("stabel difusion", None),  # found outright on SQLite: no need to offer anything
    ],
)
def test_close_names_only_when_nothing_matched(found, typo, close):
    answer = found["queries"][typo]
    if close is None:
        assert answer["tools"] == ["Stable Diffusion 3.5 Large"] and answer["close"] == []
    else:
        assert answer["tools"] == [] and answer["close"] == close
        assert answer["fragment_has_close_names"] == bool(close)


def test_each_search_is_a_fixed_number_of_bounded_queries(found):
    # Per table the ranking's read (LIMIT FUZZY_ROWS) and, when something matched, the rows shown;
    # the comparisons' entries are one more, and nothing matched asks for close names once.
    smol = found["queries"]["smolvml"]["sql"]
    assert len(smol) == 6
    assert sum("LIMIT 5000" in sql for sql in smol) == 3
    nothing = found["queries"]["zzqxw"]["sql"]
    assert len(nothing) == 4 and all("LIMIT 5000" in sql for sql in nothing)
    capped = found["capped"]
    assert found["queries"]["copliot"]["tools"] == ["GitHub Copilot"]
    assert "GitHub Copilot" not in capped["tools"]
    # Nothing in reach matched: the three rankings' reads and the close names', each capped.
    assert len(capped["sql"]) == 4 and all("LIMIT 3" in sql for sql in capped["sql"])


@pytest.mark.parametrize("query", ODD)
def test_odd_input_answers_safely(found, query):
    answer = found["queries"][query]
    assert answer["status"] == [200, 200]
    assert not answer["fragment_is_whole_page"]
    assert len(answer["close"]) <= 3
