"""Finding tasks by what a person types: Danish spellings and accents folded, title matches first.

`fold` makes the spellings a Dane may use for the same word equal: "å" and "aa", "ø" and "oe"
(and the Swedish/German "ö"), "æ" and "ae" (and "ä"), and accented letters and their plain ones
("é" → "e", "ü" → "u"), ignoring case. Both the search text and the task's text are folded.

`rank` orders the matches: the id or title exactly, then the title starting with the text, then a
word of the title starting with it, then the text anywhere in the id or title, then every word of
the text somewhere in the title, and last the description. Within a rank the tree's order stays.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

NORDIC = str.maketrans({"å": "aa", "ø": "oe", "æ": "ae", "ö": "oe", "ä": "ae"})
"""The Danish letters and their two-letter spellings (after case folding)."""

_NORDIC_PAIRS = (("å", "aa"), ("ø", "oe"), ("æ", "ae"), ("ö", "oe"), ("ä", "ae"))

_MAX_PASSES = 4


def _fold_once(text: str) -> str:
    composed = unicodedata.normalize("NFC", text).casefold().translate(NORDIC)
    decomposed = unicodedata.normalize("NFKD", composed)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slow_fold(text: str) -> str:
    folded = _fold_once(text)
    for _ in range(_MAX_PASSES):  # a compatibility letter may decompose into an upper-case one
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def fold(text: str) -> str:
    """`text` as search compares it: lower case, "å/ø/æ" as "aa/oe/ae", no accents."""
    quick = text.casefold()
    if not quick.isascii():  # most Danish text: only the Nordic letters are not ASCII
        for letter, spelling in _NORDIC_PAIRS:
            quick = quick.replace(letter, spelling)
        if not quick.isascii():
            return _slow_fold(text)
    return quick


class Rank(IntEnum):
    """How well a task matches; lower is better."""

    EXACT = 0
    PREFIX = 1
    WORD_START = 2
    INSIDE = 3
    ALL_WORDS = 4
    DESCRIPTION = 5


@dataclass(frozen=True)
class Candidate:
    """What search looks at in a task."""

    id: str
    title: str
    description: str = ""


def _word_start(haystack: str, needle: str) -> bool:
    start = haystack.find(needle)
    while start >= 0:
        if start == 0 or not haystack[start - 1].isalnum():
            return True
        start = haystack.find(needle, start + 1)
    return False


def match_rank(needle: str, task: Candidate) -> Rank | None:
    """How `task` matches the search text `needle` (None: it does not). `needle` is folded here;
    pass the text as typed."""
    wanted = fold(needle).strip()
    if not wanted:
        return None
    task_id, title = fold(task.id), fold(task.title).strip()
    if wanted in (task_id, title):
        return Rank.EXACT
    if title.startswith(wanted) or task_id.startswith(wanted):
        return Rank.PREFIX
    if _word_start(title, wanted):
        return Rank.WORD_START
    if wanted in title or wanted in task_id:
        return Rank.INSIDE
    words = wanted.split()
    if len(words) > 1 and all(word in title for word in words):
        return Rank.ALL_WORDS
    if wanted in fold(task.description):
        return Rank.DESCRIPTION
    return None


def rank(needle: str, tasks: Iterable[Candidate]) -> list[str]:
    """The ids of the tasks that match `needle`, best first; equal matches keep their order."""
    found: list[tuple[Rank, int, str]] = []
    for position, task in enumerate(tasks):
        how = match_rank(needle, task)
        if how is not None:
            found.append((how, position, task.id))
    found.sort()
    return [task_id for _, _, task_id in found]


def step(count: int, current: int | None, forward: bool) -> int | None:
    """The next (or previous) of `count` matches after `current`, round the end; None: none."""
    if count <= 0:
        return None
    if current is None:
        return 0 if forward else count - 1
    return (current + (1 if forward else -1)) % count


__all__: Sequence[str] = ("Candidate", "Rank", "fold", "match_rank", "rank", "step")
