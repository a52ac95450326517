"""`[sla]` in config.toml: defaults, partial tables, and Danish errors naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kigo_tui.config import ConfigError, load_settings
from kigo_tui.domain.defect_labels import DEFAULT_TARGET_HOURS, Severity
from kigo_tui.domain.sla_settings import SlaSettings


def _load(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_defaults_when_the_config_says_nothing(tmp_path: Path) -> None:
    sla = _load(tmp_path, 'user = "Anne"\n').service_levels()
    assert sla.working_days is False
    for severity in Severity:
        target = sla.target(severity)
        assert (target.response_hours, target.resolution_hours) == DEFAULT_TARGET_HOURS[severity]


def test_a_partial_table_keeps_the_other_default(tmp_path: Path) -> None:
    sla = _load(
        tmp_path,
        "[sla]\nworking_days = true\n[sla.critical]\nresponse_hours = 1\n"
        "[sla.minor]\nresolution_hours = 120.5\n",
    ).service_levels()
    assert sla.working_days is True
    assert sla.critical.response_hours == 1
    assert sla.critical.resolution_hours == DEFAULT_TARGET_HOURS[Severity.CRITICAL][1]
    assert sla.minor.resolution_hours == 120.5
    assert sla.minor.response_hours == DEFAULT_TARGET_HOURS[Severity.MINOR][0]


@pytest.mark.parametrize(
    ("toml", "field", "words"),
    [
        ('[sla]\nworking_days = "ja"\n', "sla.working_days", "true eller false"),
        ("[sla]\nworking_days = 1\n", "sla.working_days", "true eller false"),
        ("[sla.critical]\nresponse_hours = 30\n", "sla.critical", "svartiden"),
        ("[sla.major]\nresolution_hours = 0\n", "sla.major.resolution_hours", "større end 0"),
        ('[sla.minor]\nresponse_hours = "to"\n', "sla.minor.response_hours", "et tal"),
        ("[sla.minor]\nresponse_hours = 10000\n", "sla.minor.response_hours", "må højst være 8784"),
        ("[sla.blocker]\nresponse_hours = 1\n", "sla.blocker", "ukendt felt"),
        ("[sla.critical]\nrespons = 1\n", "sla.critical.respons", "ukendt felt"),
        ("[sla]\ncritical = 4\n", "sla.critical", "tabel"),
        (
            "[sla.critical]\nresolution_hours = 100\n",
            "sla",
            "sla.critical.resolution_hours (100 t) er længere end sla.major.resolution_hours",
        ),
        (
            "[sla.cosmetic]\nresponse_hours = 10\n",
            "sla",
            "sla.minor.response_hours (24 t) er længere end sla.cosmetic.response_hours (10 t)",
        ),
    ],
)
def test_nonsense_is_refused_in_danish_naming_the_field(
    tmp_path: Path, toml: str, field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, toml)
    message = str(info.value)
    assert f"felt '{field}'" in message
    assert words in message
    assert "config.toml" in message


def test_the_cli_reports_a_bad_sla_and_changes_nothing(
    db_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kigo_tui.__main__ import main

    config = isolated_home / "config" / "kigo" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[sla.critical]\nresponse_hours = 48\n", encoding="utf-8")
    before = db_path.read_bytes()
    code = main(["--db", str(db_path), "defect", "list"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("kigo: fejl: ")
    assert "felt 'sla.critical'" in err and "svartiden (response_hours = 48)" in err
    assert db_path.read_bytes() == before


def test_settings_model_accepts_its_own_defaults() -> None:
    assert SlaSettings.model_validate(SlaSettings().model_dump()) == SlaSettings()
