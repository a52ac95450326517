"""Passwords: never in config.toml, never on the screen or in a message; PostgreSQL's own password
and service files work."""

from __future__ import annotations

import pytest

from kigo_tui.__main__ import main
from kigo_tui.config import ConfigError, load_settings
from kigo_tui.locations import config_path
from kigo_tui.storage.common import StorageError
from kigo_tui.storage.dburl import display_url, header_location, mask, password_in
from kigo_tui.storage.store import Store
from tests.support.backends import Database

SECRET = "h3mm€lig:kode"
ENCODED = "h3mm%E2%82%AClig%3Akode"  # SECRET as written in a URL


def _config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- reading URLs


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"postgresql+psycopg://kigo:{ENCODED}@db.kommune.dk/kigo",
            "postgresql://db.kommune.dk/kigo",
        ),
        (
            "postgresql+psycopg://kigo@db.kommune.dk:5433/kigo",
            "postgresql://db.kommune.dk:5433/kigo",
        ),
        ("postgresql://db.kommune.dk:5432/kigo?sslmode=require", "postgresql://db.kommune.dk/kigo"),
        ("postgresql+psycopg:///?service=kigo", "postgresql://?service=kigo"),
        ("postgresql+psycopg:///kigo?host=/var/run/postgresql", "postgresql://localhost/kigo"),
        (f"postgresql+psycopg://u@h/kigo?password={ENCODED}", "postgresql://h/kigo"),
        ("sqlite:////home/anne/kigo.db", "/home/anne/kigo.db"),
        ("/home/anne/kigo.db", "/home/anne/kigo.db"),
    ],
)
def test_display_url_never_shows_a_password(url: str, shown: str) -> None:
    assert display_url(url) == shown
    assert SECRET not in display_url(url) and ENCODED not in display_url(url)


def test_header_location_is_a_servers_url_or_a_files_name() -> None:
    assert header_location("/home/anne/kigo.db") == "kigo.db"
    assert header_location(f"postgresql+psycopg://kigo:{ENCODED}@h/kigo") == "postgresql://h/kigo"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://kigo:{ENCODED}@db/kigo",
        f"postgresql://kigo:{ENCODED}@db:5432/kigo?sslmode=require",
        f"postgresql+psycopg://kigo@db/kigo?sslmode=require&password={ENCODED}",
    ],
)
def test_a_password_is_found_and_masked_in_plain_and_encoded_form(url: str) -> None:
    assert password_in(url) == SECRET
    text = f"forbindelse til {url} mislykkedes for {SECRET}"
    masked = mask(text, url)
    assert SECRET not in masked and ENCODED not in masked
    assert masked.count("***") == 2


def test_urls_without_a_password() -> None:
    for url in ("postgresql+psycopg://kigo@db/kigo", "postgresql+psycopg:///?service=kigo", "x.db"):
        assert password_in(url) is None
        assert mask("uændret", url) == "uændret"


# --------------------------------------------------------------------------- config.toml


@pytest.mark.parametrize(
    "db",
    [
        f"postgresql+psycopg://kigo:{ENCODED}@db.kommune.dk/kigo",
        f"postgresql+psycopg://kigo@db.kommune.dk/kigo?password={ENCODED}",
    ],
)
def test_a_password_in_config_is_refused(capsys: pytest.CaptureFixture[str], db: str) -> None:
    _config(f'db = "{db}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings()
    message = str(refused.value)
    for hint in ("adgangskode", "KIGO_DB", "~/.pgpass", "pg_service.conf", "?service=kigo"):
        assert hint in message
    assert SECRET not in message and ENCODED not in message
    code, out, err = run(capsys, "status")
    assert code == 1 and out == ""
    assert "adgangskode" in err and ENCODED not in err and SECRET not in err


def test_a_url_without_a_password_in_config_is_fine() -> None:
    _config('db = "postgresql+psycopg:///?service=kigo"\n')
    assert load_settings().db == "postgresql+psycopg:///?service=kigo"


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://kigo:{ENCODED}@127.0.0.1:1/kigo",  # nothing listens on port 1
        f"postgresql+nosuchdriver://kigo:{ENCODED}@127.0.0.1/kigo",
        f"postgresql+psycopg://kigo:{ENCODED}@127.0.0.1:notaport/kigo",
        f"nosuchdb://kigo:{ENCODED}@127.0.0.1/kigo",
    ],
)
def test_errors_never_print_the_password(capsys: pytest.CaptureFixture[str], url: str) -> None:
    for argv in (["--db", url, "status"], ["--db", url, "init", "--kommune", "101"]):
        code, out, err = run(capsys, *argv)
        assert code == 1, (argv, out, err)
        assert err.startswith("kigo: fejl: ") and "Traceback" not in err
        assert SECRET not in err + out and ENCODED not in err + out


def test_a_wrong_password_on_the_real_server_is_a_clean_error(
    pg_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    user, rest = pg_db.url.split("://", 1)[1].split("@", 1)
    wrong = f"postgresql+psycopg://{user.split(':')[0]}:{ENCODED}@{rest}"
    with pytest.raises(StorageError, match="kan ikke forbinde") as refused:
        Store.open(wrong)
    assert SECRET not in str(refused.value) and ENCODED not in str(refused.value)
    code, _, err = run(capsys, "--db", wrong, "status")
    assert code == 1 and "kan ikke forbinde" in err and ENCODED not in err


def test_init_output_names_the_server_not_the_password(
    pg_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", pg_db.url, "init", "--kommune", "101")
    assert code == 0, err
    password = pg_db.url.split("://", 1)[1].split("@")[0].split(":", 1)[1]
    assert password not in out
    assert display_url(pg_db.url) in out


# --------------------------------------------------------------------------- PostgreSQL's files


def test_pgpass_and_a_service_file(
    pg_db: Database, capsys: pytest.CaptureFixture[str], isolated_home, monkeypatch
) -> None:
    """config.toml says `?service=kigo`; ~/.pg_service.conf says where; ~/.pgpass the password."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(pg_db.url.replace("postgresql+psycopg", "postgresql"))
    name = parts.path.removeprefix("/")
    (isolated_home / ".pg_service.conf").write_text(
        f"[kigo]\nhost={parts.hostname}\nport={parts.port}\ndbname={name}\nuser={parts.username}\n",
        encoding="utf-8",
    )
    pgpass = isolated_home / ".pgpass"
    pgpass.write_text(
        f"{parts.hostname}:{parts.port}:{name}:{parts.username}:{unquote(parts.password)}\n",
        encoding="utf-8",
    )
    pgpass.chmod(0o600)
    for var in ("PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE", "PGHOST", "PGUSER"):
        monkeypatch.delenv(var, raising=False)
    _config('db = "postgresql+psycopg:///?service=kigo"\n')

    code, out, err = run(capsys, "init", "--kommune", "751")
    assert code == 0, err
    assert "Aarhus (751)" in out and "service=kigo" in out
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    assert '"name": "Aarhus"' in out
    assert pg_db.query("SELECT value FROM meta WHERE key = 'kommune_code'") == [("751",)]
