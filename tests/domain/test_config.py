"""config.toml: defaults without a file, validation with a message that names the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kigo_tui.config import ConfigError, Settings, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "findes-ikke.toml")
    assert settings == Settings(user="testbruger")  # KIGO_USER from the autouse fixture
    assert settings.poll_seconds == 1.0 and settings.keys == {}


def test_a_file_is_read_and_typed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'me = "anne@kommune.dk"\npoll_seconds = 2\n[keys]\ntoggle_done = "x"\n',
    )
    settings = load_settings(path)
    assert settings.me == "anne@kommune.dk"
    assert settings.poll_seconds == 2.0 and isinstance(settings.poll_seconds, float)
    assert settings.keys == {"toggle_done": "x"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("poll_seconds = 0\n", "felt 'poll_seconds'"),
        ("poll_seconds = 61\n", "felt 'poll_seconds'"),
        ('poll_seconds = "hurtigt"\n', "felt 'poll_seconds'"),
        ("[keys]\ntoggle_done = 1\n", "felt 'keys.toggle_done'"),
        ('farve = "blå"\n', "ukendt indstilling 'farve'"),
        ("me = \n", "ikke gyldig TOML"),
    ],
)
def test_a_bad_file_names_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'me = "anne"\nuser = "Anne"\n')
    monkeypatch.setenv("KIGO_ME", "bo")
    monkeypatch.setenv("KIGO_USER", "Bo Berg")
    settings = load_settings(path)
    assert (settings.me, settings.user) == ("bo", "Bo Berg")


def test_without_a_file_pydantic_is_not_imported(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from kigo_tui.config import load_settings; "
        f"load_settings(Path({str(tmp_path / 'x.toml')!r})); print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
