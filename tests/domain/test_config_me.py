"""`save_me`: "mine opgaver" remembers who the user is in config.toml (issue 17, point 7).

The file is hostile until validated: one that does not validate is never touched, and the edited
file must read back as the same settings with only `me` changed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kigo_tui.config import ConfigError, load_settings, save_me


@pytest.fixture(autouse=True)
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIGO_ME", raising=False)


def test_a_new_file_is_made_private_with_me(tmp_path: Path) -> None:
    path = tmp_path / "kigo" / "config.toml"
    assert save_me("Anne Jensen", path) == path
    assert path.read_text(encoding="utf-8") == 'me = "Anne Jensen"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path).me == "Anne Jensen"


def test_the_rest_of_the_file_is_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = (
        "# min opsætning\n"
        'db = "/data/kigo.db"\n'
        "poll_seconds = 2\n"
        "\n"
        "[keys]\n"
        'toggle_done = "x"\n'
        "\n"
        "[sla]\n"
        "working_days = true\n"
    )
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o640)
    save_me("anne@kommune.dk", path)
    assert path.read_text(encoding="utf-8") == 'me = "anne@kommune.dk"\n' + text
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    save_me("Bo Berg", path)  # replaced, not added twice
    assert path.read_text(encoding="utf-8") == 'me = "Bo Berg"\n' + text
    loaded = load_settings(path)
    assert (loaded.me, loaded.db, loaded.keys) == ("Bo Berg", "/data/kigo.db", {"toggle_done": "x"})


@pytest.mark.parametrize(
    "text",
    [
        "me = [\n",  # not TOML
        'farve = "rød"\n',  # an unknown setting
        "poll_seconds = 0\n",  # a value the program does not allow
        '"me" = "Anne"\n',  # valid, but written in a way the line edit does not handle
        'me = """Anne\nJensen"""\n',  # a multi-line value
    ],
)
def test_a_file_that_is_not_safe_to_edit_is_left_untouched(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path).replace("\\", "\\\\")):
        save_me("Bo Berg", path)
    assert path.read_text(encoding="utf-8") == text
    assert not list(tmp_path.glob(".config-*"))  # no temporary file left


@pytest.mark.parametrize("me", ["", "   ", "Anne\nme2", "Anne\x1b[31m"])
def test_an_empty_or_control_character_name_is_refused(tmp_path: Path, me: str) -> None:
    with pytest.raises(ConfigError, match="kontroltegn"):
        save_me(me, tmp_path / "config.toml")
    assert not (tmp_path / "config.toml").exists()


def test_a_linked_config_stays_linked(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "kigo.toml"
    target.parent.mkdir()
    target.write_text("poll_seconds = 3\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    save_me("Anne", link)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == 'me = "Anne"\npoll_seconds = 3\n'


@settings(max_examples=60, deadline=None)
@given(
    me=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40
    ).filter(lambda s: s.strip() == s and s)
)
def test_any_name_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory, me: str) -> None:
    path = tmp_path_factory.mktemp("me") / "config.toml"
    path.write_text('poll_seconds = 2\n[keys]\nquit = "q"\n', encoding="utf-8")
    save_me(me, path)
    loaded = load_settings(path)
    assert (loaded.me, loaded.poll_seconds, loaded.keys) == (me, 2.0, {"quit": "q"})
