"""docs/VERIFY.md lists exactly the checks `kigo verify` makes, with the code's own Danish text."""

from __future__ import annotations

import re
from pathlib import Path

from kigo_tui.bundle.verify import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "VERIFY.md"


def test_every_rule_is_in_docs_verify_with_its_text() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [rule.id for rule in RULES.values() if f"| `{rule.id}` | {rule.text} |" not in text]
    assert missing == [], f"docs/VERIFY.md mangler eller har en anden tekst for: {missing}"


def test_docs_verify_names_no_rule_kigo_does_not_have() -> None:
    rows = re.findall(r"^\| `([^`]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(rows) == sorted(RULES)
