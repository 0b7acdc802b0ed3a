"""The answer a comparison page opens with: the editor's verdict in a sentence or two, or, where no
editor has written one, the panel in a sentence.

"The panel ships both; the skeptic skips SmolVLM2." Each tool goes with its reviewers' majority
(ships, skips, or is split on), and the reviewers who disagree with a clear majority are named,
by their lens when no other reviewer shares it, else by name. It reads the tools' prefetched
scorecards (``ToolQuerySet.with_profile()``): no query of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from reviews.models import Verdict

COUNT_WORDS = {2: "both", 3: "all three", 4: "all four"}


@dataclass
class _Side:
    """The tools the panel's majority treats one way, and who dissents on each."""

    verb: str  # "ships", "skips", "is split on"
    tools: list = field(default_factory=list)


def names(items: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _who(reviewer, lens_counts: Counter) -> str:
    if lens_counts[reviewer.lens] == 1:
        return f"the {reviewer.lens_name.removeprefix('The ').lower()}"
    return reviewer.name


def panel_summary(tools: list) -> str:
    """One sentence on what the panel makes of ``tools`` (in the comparison's order)."""
    cards = {tool.pk: list(tool.scorecards.all()) for tool in tools}
    reviewers = {card.reviewer_id: card.reviewer for own in cards.values() for card in own}
    if not reviewers:
        return "The panel hasn't reviewed these tools yet."
    lens_counts = Counter(reviewer.lens for reviewer in reviewers.values())
    sides = {"ship": _Side("ships"), "skip": _Side("skips"), "split": _Side("is split on")}
    unreviewed, dissents = [], []
    for tool in tools:
        own = cards[tool.pk]
        if not own:
            unreviewed.append(tool.name)
            continue
        ships = sum(card.verdict == Verdict.SHIP for card in own)
        if 2 * ships == len(own):
            sides["split"].tools.append(tool.name)
            continue
        majority = Verdict.SHIP if 2 * ships > len(own) else Verdict.SKIP
        sides[majority].tools.append(tool.name)
        against = [card.reviewer for card in own if card.verdict != majority]
        if against:
            who = names([_who(reviewer, lens_counts) for reviewer in against])
            verb = ("ship" if majority == Verdict.SKIP else "skip") + (
                "s" if len(against) == 1 else ""
            )
            dissents.append(f"{who} {verb} {tool.name}")
    clauses = []
    for side in sides.values():
        if not side.tools:
            continue
        everyone = len(side.tools) == len(tools) and len(tools) in COUNT_WORDS
        clauses.append(f"{side.verb} {COUNT_WORDS[len(tools)] if everyone else names(side.tools)}")
    sentence = f"The panel {names(clauses)}"  # some tool has scorecards, so a clause
    if unreviewed:
        sentence += f"; nobody has reviewed {names(unreviewed)} yet"
    if dissents:
        sentence += "; " + "; ".join(dissents)
    return sentence + "."


# A sentence ends at ., ! or ? followed by space and what can start one (a capital or digit,
# perhaps inside markdown emphasis or quotes): "Qwen3-VL. **SmolVLM2-2B** is…".
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[*_\"“(]*[A-Z0-9])")
LEAD_LENGTH = 220  # about six lines on a 390 px phone: the answer stays on the first screen


def verdict_lead(source: str) -> str:
    """The editor's verdict in a sentence or two: the first paragraph's opening sentences, as
    many as fit in ``LEAD_LENGTH`` characters (always the first). Markdown in, markdown out."""
    paragraph = (source or "").strip().split("\n\n")[0]
    first, *rest = _SENTENCE_END.split(paragraph)
    lead = first
    for sentence in rest:
        if len(lead) + 1 + len(sentence) > LEAD_LENGTH:
            break
        lead = f"{lead} {sentence}"
    return lead


def verdict_is_longer(source: str) -> bool:
    """The page shows the whole verdict further down when its lead leaves something out."""
    return " ".join(verdict_lead(source).split()) != " ".join((source or "").split())
