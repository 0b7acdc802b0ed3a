"""comparisons/fuzzy.py on its own: the difflib ranking SQLite's search uses, without a database."""

import pytest

from comparisons.fuzzy import CLOSE, MATCH, Query, Row, close, closeness, compact, rank, words_of

NAMES = ["ChatGPT", "Claude", "GitHub Copilot", "Ollama", "SmolVLM2", "SmolVLM2-2B", "llama.cpp"]
ROWS = [Row(pk, name, compact(name)) for pk, name in enumerate(NAMES)]


def query(text: str) -> Query:
    lowered = " ".join(text.lower().split())
    return Query(lowered, compact(lowered), tuple(words_of(lowered)))


def ranked(text: str, rows=ROWS, limit: int = 10) -> list[str]:
    return [NAMES[pk] for pk in rank(query(text), rows, limit)]


@pytest.mark.parametrize("text", ["smolvml", "SmolVLM 2", "smol vlm", "SMOLVLM2"])
def test_smolvlm2_first_however_it_is_typed(text):
    assert ranked(text)[:2] == ["SmolVLM2", "SmolVLM2-2B"]


def test_the_exact_name_or_slug_beats_a_prefix():
    assert ranked("SmolVLM2-2B")[0] == "SmolVLM2-2B"
    rows = [*ROWS, Row(99, "Zzz Assistant", "sm")]
    assert rank(query("sm"), rows, 1) == [99]


def test_a_word_of_a_longer_name_is_matched_on_its_own():
    best, whole = closeness(query("copilt"), "GitHub Copilot")
    assert best >= MATCH > whole
    assert ranked("copilt") == ["GitHub Copilot"]


def test_text_matches_come_along_after_name_matches():
    rows = [*ROWS, Row(len(NAMES), "Whisper", "whisper", text_match=True)]
    assert rank(query("olama"), rows, 10) == [NAMES.index("Ollama"), NAMES.index("llama.cpp"), 7]


def test_unrelated_names_are_left_out_and_the_limit_holds():
    assert ranked("zzqxw") == []
    assert ranked("banana") == []
    assert len(ranked("smol", limit=1)) == 1


def test_close_names_sit_between_the_two_thresholds():
    assert CLOSE < MATCH
    assert NAMES[close(query("chatgtp"), ROWS, 3)[0]] == "ChatGPT"
    assert close(query("zzqxw"), ROWS, 3) == []
    assert len(close(query("smolvlm"), ROWS, 1)) == 1
