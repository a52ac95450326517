"""Search as a Dane types it (kigo_tui.domain.search): spellings and accents folded, titles first.

Seed 000: "det er derfor særdeles væsentligt at kommunen opdaterer status på opgaverne i KIGO
løbende" — a user who types "Aero" or "aeldre" for "Ærø" and "ældre" must still find the task.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain.search import Candidate, Rank, fold, match_rank, rank, step

DANISH = "abcdefghijklmnopqrstuvwxyzæøåÆØÅéèüöäÉÜ -"
TITLES = st.text(alphabet=st.sampled_from(DANISH), min_size=1, max_size=30).filter(
    lambda t: fold(t).strip()
)
VARIANTS = {"æ": ("ae", "AE", "ä"), "ø": ("oe", "ö", "OE"), "å": ("aa", "AA", "Aa")}
ACCENTS = {"é": "e", "è": "e", "ü": "u", "É": "E", "Ü": "U"}


@st.composite
def spelling_variant(draw: st.DrawFn, title: str) -> str:
    """`title` as someone else may spell it: Nordic letters written out, accents dropped, case
    changed, each choice drawn letter by letter."""
    out = []
    for char in title:
        low = char.lower()
        if low in VARIANTS and draw(st.booleans()):
            out.append(draw(st.sampled_from(VARIANTS[low])))
        elif char in ACCENTS and draw(st.booleans()):
            out.append(ACCENTS[char])
        else:
            out.append(char.swapcase() if draw(st.booleans()) else char)
    return "".join(out)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(max_size=30))
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data(), TITLES)
def test_a_title_is_found_by_any_spelling_of_itself(data: st.DataObject, title: str) -> None:
    variant = data.draw(spelling_variant(title))
    task = Candidate("SAPA-07-01", title)
    assert match_rank(variant, task) == Rank.EXACT, (variant, title)
    # and the other way round: the task spelled out, the search with the Danish letters
    assert match_rank(title, Candidate("SAPA-07-01", variant)) == Rank.EXACT


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("aeldre", "Ældre sager"),
        ("Aero", "Ærø Kommune"),
        ("Aarhus", "Århus"),
        ("århus", "Aarhus"),
        ("oeresund", "Öresund"),
        ("cafe", "Café"),
        ("muller", "Müller"),
        ("MÜLLER", "müller"),
    ],
)
def test_danish_spellings_and_accents_match(typed: str, title: str) -> None:
    assert match_rank(typed, Candidate("X-1", title)) is not None


def test_titles_rank_exact_then_prefix_then_word_start_then_inside_then_description() -> None:
    tasks = [
        Candidate("A-1", "Afklar nøgletal", "Brug data om test af løsningen"),
        Candidate("A-2", "Kontraktstest af snitflader"),
        Candidate("A-3", "Planlæg test af løsningen"),
        Candidate("A-4", "Test af løsningen i praksis"),
        Candidate("A-5", "Test af løsningen"),
        Candidate("A-6", "Løsningen testes af brugerne"),
    ]
    # A-5 exact, A-4 prefix, A-3 a word starts with it, A-6 has every word but not the phrase,
    # A-1 only in the description; A-2 ("Kontraktstest af snitflader") has no "løsningen"
    assert rank("test af løsningen", tasks) == ["A-5", "A-4", "A-3", "A-6", "A-1"]
    assert rank("test", tasks) == ["A-4", "A-5", "A-3", "A-6", "A-2", "A-1"]
    assert [match_rank("test", t) for t in tasks] == [
        Rank.DESCRIPTION,
        Rank.INSIDE,
        Rank.WORD_START,
        Rank.PREFIX,
        Rank.PREFIX,
        Rank.WORD_START,
    ]


def test_every_word_anywhere_in_the_title_ranks_below_the_phrase() -> None:
    tasks = [Candidate("B-1", "Brugerne tester løsningen"), Candidate("B-2", "Løsningen testes")]
    assert rank("løsningen test", tasks) == ["B-2", "B-1"]
    assert match_rank("løsningen test", tasks[0]) == Rank.ALL_WORDS


def test_the_id_is_found_exactly_and_by_its_start() -> None:
    tasks = [Candidate("SAPA-07-02", "Noget"), Candidate("SAPA-07-01", "Andet")]
    assert rank("sapa-07-01", tasks) == ["SAPA-07-01"]
    assert rank("sapa-07", tasks) == ["SAPA-07-02", "SAPA-07-01"]
    assert rank("   ", tasks) == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.integers(1, 50), st.data())
def test_next_and_previous_go_round_and_undo_each_other(count: int, data: st.DataObject) -> None:
    assert step(count, None, True) == 0
    assert step(count, None, False) == count - 1
    current = data.draw(st.integers(0, count - 1))
    forward = step(count, current, True)
    assert forward is not None and 0 <= forward < count
    assert step(count, forward, False) == current
    assert step(0, None, True) is None
