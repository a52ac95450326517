"""The one gate for user text and numbers (kigo_tui.domain.text) and the date range (kigo_tui.domain.dates).

Searching tests: hypothesis draws any Unicode (also the surrogates Python uses for argv bytes
that are not UTF-8) and checks the rules, not examples: clean text is NFC, has no control
character or line break, and an error always names the field; printable output never contains a
control character; whole numbers and dates outside their range are refused by name.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.domain.dates import MAX_DATE, MIN_DATE, DateError, parse_date, resolve_today
from kigo_tui.domain.text import (
    MAX_INT,
    TextError,
    bounded_int,
    clean_text,
    count,
    history_change,
    printable,
    same_text,
)
from kigo_tui.domain.times import parse_moment

ANY_CHAR = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"]),
    st.sampled_from(["\x1b", "\x9b", "\x7f", "\r", "\n", "\u2028", "\u2029", "\x85", "\t"]),
)
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=40)


def _control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(ANY_TEXT)
def test_clean_text_is_nfc_without_control_characters_or_names_the_field(value: str) -> None:
    try:
        cleaned = clean_text(value, "titel")
    except TextError as exc:
        assert str(exc).startswith("titel ")
        assert any(_control(c) for c in value)
        assert not any(_control(c) for c in printable(str(exc)) if c not in "\n\t")
        return
    assert not any(_control(c) for c in value)
    assert cleaned == unicodedata.normalize("NFC", value.strip())
    assert unicodedata.is_normalized("NFC", cleaned)


PLAIN_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=20
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(PLAIN_TEXT)
def test_two_unicode_forms_are_one_text(value: str) -> None:
    nfd = unicodedata.normalize("NFD", value)
    nfc = unicodedata.normalize("NFC", value)
    assert clean_text(nfd, "navn") == clean_text(nfc, "navn") == clean_text(value, "navn")
    assert same_text(nfd, nfc)
    assert same_text("  ANNE ÆRØ", "anne ærø")
    assert same_text("Ångstrøm", "ÅNGSTRØM") and not same_text("Anne", "Anna")


def test_clean_text_examples() -> None:
    assert clean_text("  [bold]Møde[/] \\ 🙂 שלום  ", "emne") == "[bold]Møde[/] \\ 🙂 שלום"
    assert clean_text("A\u030a", "navn") == "Å"
    with pytest.raises(
        TextError, match=r"^emne indeholder et kontroltegn \(U\+001B, tegn nr\. 2\)"
    ):
        clean_text("a\x1b[31m", "emne")
    with pytest.raises(TextError, match="linjeskift"):
        clean_text("linje 1\nlinje 2", "titel")
    assert clean_text("linje 1\r\nlinje 2", "note", multiline=True) == "linje 1\nlinje 2"
    with pytest.raises(TextError, match="kontroltegn"):
        clean_text("a\x07b", "note", multiline=True)
    with pytest.raises(TextError, match="ikke er gyldig Unicode"):
        clean_text("ab\udcffcd", "navn")
    with pytest.raises(TextError, match="titel mangler"):
        clean_text("   ", "titel", required=True)
    with pytest.raises(TextError, match="for lang"):
        clean_text("x" * 10_001, "beskrivelse")
    assert clean_text("  mellemrum  ", "note", strip=False) == "  mellemrum  "


@settings(max_examples=400, deadline=None, derandomize=True)
@given(ANY_TEXT)
def test_printable_never_emits_a_control_character(value: str) -> None:
    shown = printable(value)
    assert not any(_control(c) for c in shown if c not in "\n\t")
    shown.encode("utf-8")  # no lone surrogate reaches the terminal's encoder
    assert printable(shown) == shown  # already printable text passes unchanged
    if not any(_control(c) for c in value if c not in "\n\t"):
        assert shown == value


def test_printable_shows_escapes_visibly() -> None:
    assert printable("a\x1b[2Jb\r\x9b\u2028") == "a\\u001b[2Jb\\u000d\\u009b\\u2028"
    assert printable("fil\udcff.zip") == "fil\ufffd.zip"
    assert printable("æøå [b] 🙂\n\t") == "æøå [b] 🙂\n\t"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(exclude_characters='\\"')))
def test_one_line_printable_is_one_printable_line_that_reads_back(value: str) -> None:
    """A file name in a report: nothing invisible or line-breaking is left, and as a JSON string
    it reads back as it was (a lone surrogate, which is no character, as U+FFFD)."""
    import json

    shown = printable(value, one_line=True)
    assert shown.isprintable()
    whole = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    assert json.loads(f'"{shown}"') == whole


def test_one_line_printable_examples() -> None:
    assert printable("\x1b[2J\x07slet.zip", one_line=True) == "\\u001b[2J\\u0007slet.zip"
    assert printable("a\nb\tc", one_line=True) == "a\\u000ab\\u0009c"
    assert printable("navn\u202efdp.exe", one_line=True) == "navn\\u202efdp.exe"
    assert printable("\U000e0041", one_line=True) == "\\udb40\\udc41"
    assert printable("æøå ok", one_line=True) == "æøå ok"
    assert printable("a\nb") == "a\nb"  # the default keeps layout


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(st.integers(), st.integers().map(str), st.text(max_size=12)))
def test_bounded_int_keeps_the_range_or_names_the_field(value: object) -> None:
    try:
        number = bounded_int(value, "varsel", 0, 365)
    except TextError as exc:
        assert "varsel" in str(exc)
        return
    assert 0 <= number <= 365


def test_bounded_int_examples() -> None:
    assert bounded_int(" 7 ", "antal", 0, 10) == 7
    assert bounded_int(MAX_INT, "id", 1, MAX_INT) == MAX_INT
    for bad in (MAX_INT + 1, "9" * 5000, "١", "1e3", True, "-1", "0x10"):
        with pytest.raises(TextError, match="id"):
            bounded_int(bad, "id", 1, MAX_INT)


# ------------------------------------------------------------------------------------- dates


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dates())
def test_dates_are_accepted_exactly_in_the_documented_range(day: date) -> None:
    for text in (day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%d.%m.%Y")):
        if len(day.strftime("%Y")) != 4:  # Python writes year 1 as '1'
            continue
        if MIN_DATE <= day <= MAX_DATE:
            assert parse_date(text, "frist") == day
        else:
            with pytest.raises(DateError, match=r"^frist .* uden for det tilladte interval"):
                parse_date(text, "frist")


def test_range_edges_and_impossible_dates() -> None:
    assert parse_date("2000-01-01") == MIN_DATE and parse_date("31.12.2100") == MAX_DATE
    for outside in ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"):
        with pytest.raises(DateError, match="uden for det tilladte interval"):
            parse_date(outside, "startdato")
    for impossible in ("2027-02-30", "30.02.2027", "2027-13-01", "2026-02-29", "0000-01-01"):
        with pytest.raises(DateError, match=r"^frist '.*' findes ikke i kalenderen"):
            parse_date(impossible, "frist")
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    with pytest.raises(DateError, match="ÅÅÅÅ-MM-DD"):
        parse_date("i morgen", "frist")
    with pytest.raises(DateError, match="ÅÅÅÅ-MM-DD"):
        parse_date("٢٠٢٦-٠١-٠١", "frist")  # digits other than 0-9 are not read as a date


def test_today_override_is_in_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIGO_TODAY", "9999-12-31")
    with pytest.raises(DateError, match="--today 9999-12-31 ligger uden for"):
        resolve_today(None)
    assert resolve_today("2100-12-31") == (MAX_DATE, True)


def test_moments_are_in_the_range_and_an_impossible_day_is_named() -> None:
    with pytest.raises(DateError, match="findes ikke i kalenderen"):
        parse_moment("2027-02-30 10:00", "indberettet")
    with pytest.raises(DateError, match="indberettet 9999-12-31 ligger uden for"):
        parse_moment("9999-12-31 23:59", "indberettet")
    with pytest.raises(DateError, match="ligger uden for"):
        parse_moment("1999-12-31 23:59", "indberettet")
    edge = parse_moment("2000-01-01 00:00", "indberettet")
    assert edge.date() == MIN_DATE - timedelta(days=1)  # 23:00 UTC the day before


# Seed 002: "Implementeringsforløbet er specificeret i 16 hovedopgaver." - a count reads as
# Danish: the singular with 1 (and -1), the plural with every other number.
@given(st.integers(min_value=-10_000, max_value=10_000))
def test_count_takes_the_singular_only_for_one(n: int) -> None:
    text = count(n, "opgave", "opgaver")
    number, word = text.split(" ")
    assert int(number) == n
    assert word == ("opgave" if abs(n) == 1 else "opgaver")


def test_count_examples() -> None:
    assert count(1, "gul", "gule") == "1 gul"
    assert count(2, "gul", "gule") == "2 gule"
    assert count(1, "åben", "åbne") == "1 åben"
    assert count(0, "sagsområde", "sagsområder") == "0 sagsområder"
    assert count(-1, "dag", "dage", "+d") == "-1 dag"
    assert count(3, "dag", "dage", "+d") == "+3 dage"


# Seed 000: "Opgavens kategorisering som valgfri, obligatorisk eller obligatorisk kritisk ses i
# KIGO." - the history shows a category change in these words, never the stored codes.
def test_a_history_line_reads_in_danish() -> None:
    assert history_change("category", "optional", "critical") == (
        "kategori",
        "valgfri",
        "obligatorisk kritisk",
    )
    assert history_change("status", "not_started", "in_progress") == (
        "status",
        "ikke påbegyndt",
        "påbegyndt",
    )
    assert history_change("status", "reported", "acknowledged")[1:] == (
        "indberettet",
        "under behandling",
    )
    assert history_change("due", "2027-03-01", None) == ("slutdato", "01-03-2027", "—")
    assert history_change("katalog:due_offset", "-10", "-5")[0] == (
        "katalog: slutdato (dage fra idriftsættelse)"
    )
    assert history_change("golive", None, "2027-03-01") == ("idriftsættelse", "—", "01-03-2027")
