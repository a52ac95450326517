"""Render a results JSON as markdown, or put it in README.md's "Ydeevne" section.

    .venv/bin/python -m benchmarks.render [RESULTS.json]            # markdown on stdout
    .venv/bin/python -m benchmarks.render [RESULTS.json] --readme   # replace the README's table

The README's table sits between the two marker comments below; everything else is left alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.paths import LATEST, README
from benchmarks.report import read_json
from benchmarks.tables import markdown

START = "<!-- benchmark:start (python -m benchmarks.render --readme) -->"
END = "<!-- benchmark:end -->"


def replace_block(text: str, block: str) -> str:
    """`text` with the part between START and END replaced by `block`."""
    try:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError(f"README.md has no {START} … {END} block") from None
    return f"{head}{START}\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.render")
    parser.add_argument("results", type=Path, nargs="?", default=LATEST)
    parser.add_argument("--readme", action="store_true", help="skriv tabellen ind i README.md")
    args = parser.parse_args(argv)
    table = markdown(read_json(args.results))
    if not args.readme:
        print(table)
        return 0
    README.write_text(replace_block(README.read_text(), table))
    print(f"README.md: tabellen fra {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
