"""One schema, one truth: status.schema.json (shipped in every bundle) and `kigo verify` accept the
same status.json documents.

Every bundle the tests make validates with the jsonschema library, format checking on (dates and
RFC 3339 timestamps with their UTC offset). Documents mutated to wrong-typed values (loose
strings for numbers and booleans, missing and extra fields, dates and timestamps in other forms)
are rejected by the schema exactly when verify's reading of status.json rejects them; verify then
refuses the bundle.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kigo_tui.bundle.export import bundle_bytes, status_document, status_json_bytes
from kigo_tui.bundle.schema import StatusDocument, status_schema
from kigo_tui.bundle.verify import BundleError, _load
from kigo_tui.domain.catalogue import shipped_catalogue
from kigo_tui.domain.kommuner import find_kommune
from kigo_tui.storage.demo import make_demo
from kigo_tui.storage.store import Store
from tests.support.fixed import FIXED_TODAY, GOLIVES
from tests.support.fleet import kommune, synthetic_snapshot

VALIDATOR = jsonschema.Draft202012Validator(
    status_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def test_the_format_checker_checks_dates_and_timestamps() -> None:
    """Without rfc3339-validator jsonschema skips date-time silently: the check must be real."""
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert {"date", "date-time"} <= set(checker.checkers)
    assert not checker.conforms("2026-11-20T09:30:00", "date-time")  # no offset
    assert checker.conforms("2026-11-20T09:30:00Z", "date-time")
    jsonschema.Draft202012Validator.check_schema(status_schema())


def _status(data: bytes) -> dict[str, Any]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("status.json"))


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """status.json of bundles as the tests make them: demo, a fresh database with a done task,
    and synthetic ones at scale (generated and local tasks, completion times)."""
    folder = tmp_path_factory.mktemp("docs")
    demo = Store.open(str(folder / "demo.db"))
    make_demo(demo, find_kommune("461"), shipped_catalogue(), FIXED_TODAY)
    fresh = Store.open(str(folder / "fresh.db"))
    fresh.initialise(find_kommune("101"), GOLIVES, shipped_catalogue())
    from kigo_tui.domain.rules import Status

    fresh.set_status(fresh.snapshot().tasks[0].id, Status.DONE)
    docs = {
        "demo": _status(bundle_bytes(demo.snapshot(), FIXED_TODAY)),
        "fresh": _status(bundle_bytes(fresh.snapshot(), FIXED_TODAY)),
    }
    demo.close()
    fresh.close()
    for code, count in (("851", 2_000), ("147", 600)):
        snapshot = synthetic_snapshot(kommune(code), count, FIXED_TODAY, local=5)
        docs[code] = json.loads(status_json_bytes(status_document(snapshot, FIXED_TODAY)))
    return docs


def test_every_bundle_the_tests_make_validates_with_format_checking(
    documents: dict[str, dict[str, Any]],
) -> None:
    for name, doc in documents.items():
        errors = list(VALIDATOR.iter_errors(doc))
        assert errors == [], (name, errors[0].message)
        times = [
            t["completed_at"]
            for p in doc["projects"]
            for m in p["main_tasks"]
            for t in m["tasks"]
            if t["completed_at"]
        ]
        assert times, name
        assert all(t.endswith("Z") for t in times), name  # UTC, and says so


def schema_accepts(doc: Any) -> bool:
    return VALIDATOR.is_valid(doc)


def verify_accepts(doc: Any) -> bool:
    """verify's reading of status.json: its JSON parser and StatusDocument."""
    data = json.dumps(doc, ensure_ascii=False).encode()
    try:
        _load(Path("bundt.zip"), "status.json", StatusDocument, data)
    except BundleError:
        return False
    return True


@pytest.fixture(scope="module")
def small(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The demo document cut to one task per hovedopgave (the shapes, quickly)."""
    doc = copy.deepcopy(documents["demo"])
    for project in doc["projects"]:
        project["main_tasks"] = project["main_tasks"][:2]
        for main in project["main_tasks"]:
            main["tasks"] = main["tasks"][:1]
        project["follow_up"] = project["follow_up"][:1]
    # A done task (a timestamp) and a task without dates, whatever the demo's first ones are.
    every = [t for p in documents["demo"]["projects"] for m in p["main_tasks"] for t in m["tasks"]]
    doc["projects"][0]["main_tasks"][0]["tasks"].append(
        next(t for t in every if t["completed_at"]) | {"id": "STS-01-L90", "local": True}
    )
    return doc


WRONG_VALUES = [
    "3",
    "14",
    "true",
    "false",
    "",
    "null",
    None,
    0,
    3,
    3.0,
    1.5,
    -1,
    400,
    10**20,
    True,
    False,
    [],
    {},
    ["green"],
    {"x": 1},
    "green",
    "purple",
    "done",
    "critical",
    "STS",
    "STS-01-01",
    "STS-01-L1",
    "STS-01-G7\n",
    "101",
    "101\n",
    "1O1",
    "2026-11-23",
    "2026-02-30",
    "20261123",
    "2026-11-23T00:00:00",
    "2026-11-20T09:30:00Z",
    "2026-11-20T09:30:00+01:00",
    "2026-11-20T09:30:00.123456789Z",
    "2026-11-20t09:30:00z",
    "2026-11-20 09:30:00Z",
    "2026-11-20T09:30Z",
    "2026-11-20T24:00:00Z",
    "2026-11-20T09:30:00Z\n",
    "0000-01-01T00:00:00Z",
    "2026-11-23\n",
    1700000000,
]


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


def _mutate(doc: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    if not path:
        return value if how == "set" else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "set":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last]["ekstra"] = value  # an extra field
    else:
        parent[last] = value
    return doc


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_schema_and_verify_reject_the_same_documents(
    small: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(_paths(small)), label="path")
    how = data.draw(st.sampled_from(["set", "set", "delete", "extra"]), label="how")
    value = data.draw(st.sampled_from(WRONG_VALUES), label="value")
    doc = _mutate(small, path, how, value)
    assert schema_accepts(doc) == verify_accepts(doc), (path, how, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("warn_days", "14"),
        ("warn_days", 14.5),
        ("warn_days", True),
        ("local", "false"),
        ("local", 0),
        ("title", 7),
        ("due", "20261123"),
        ("due", "2026-11-23T00:00:00"),
        ("due", 1700000000),
        ("completed_at", "2026-11-20T09:30:00"),
        ("completed_at", "2026-11-20 09:30:00Z"),
        ("completed_at", 1700000000),
    ],
)
def test_loose_values_the_schema_rejects_verify_rejects(
    small: dict[str, Any], field: str, value: Any
) -> None:
    doc = copy.deepcopy(small)
    doc["projects"][0]["main_tasks"][0]["tasks"][0][field] = value
    assert not schema_accepts(doc)
    assert not verify_accepts(doc)


def test_a_whole_number_written_with_a_fraction_is_an_integer_for_both(
    small: dict[str, Any],
) -> None:
    """JSON Schema's integer is a number without a fraction, however it is written (3.0, 1e1)."""
    doc = copy.deepcopy(small)
    text = json.dumps(doc).replace('"warn_days": 14', '"warn_days": 1.4e1', 1)
    assert '"warn_days": 1.4e1' in text
    assert schema_accepts(json.loads(text))
    _load(Path("b.zip"), "status.json", StatusDocument, text.encode())


def test_the_cut_document_is_itself_valid(small: dict[str, Any]) -> None:
    assert schema_accepts(small)
    # Accepted in shape; its counts no longer add up, which verify's meaning checks refuse.
    assert verify_accepts(small)
    assert date.fromisoformat(small["today"]) == FIXED_TODAY


FIELDS: list[tuple[Any, ...]] = [
    ("today",),
    ("catalogue_version",),
    ("colour",),
    ("kommune", "code"),
    ("counts", "done"),
    ("counts", "by_colour", "green"),
    ("projects", 0, "golive"),
    ("projects", 0, "code"),
    ("projects", 0, "main_tasks", 0, "number"),
    ("projects", 0, "main_tasks", 0, "skipped_reason"),
    ("projects", 0, "main_tasks", 0, "tasks", 0, "id"),
    ("projects", 0, "main_tasks", 0, "tasks", 0, "due"),
    ("projects", 0, "main_tasks", 0, "tasks", 0, "warn_days"),
    ("projects", 0, "main_tasks", 0, "tasks", 0, "local"),
    ("projects", 0, "main_tasks", 0, "tasks", -1, "completed_at"),
]
"""One field of every kind in status.json: date, timestamp, integer, boolean, pattern, enum."""


def test_every_wrong_value_in_every_kind_of_field(small: dict[str, Any]) -> None:
    """The cross product, exhaustively: each value in each kind of field, both ways."""
    differ = []
    for path in FIELDS:
        for value in WRONG_VALUES:
            doc = _mutate(small, path, "set", value)
            if schema_accepts(doc) != verify_accepts(doc):
                differ.append((path[-1], value, schema_accepts(doc)))
    assert differ == []
