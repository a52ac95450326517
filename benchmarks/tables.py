"""The results as tables: for the terminal and as markdown (README), with Danish numbers."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.figures import Figures
from benchmarks.report import Report
from benchmarks.targets import BIG, Estimate, Outcome, divide, estimate

# --- numbers as the tables show them (Danish: decimal comma) ------------------------------------


def _num(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1:
        return f"{_num(value, 2)} s"
    ms = value * 1000
    return f"{_num(ms, 1 if ms < 100 else 0)} ms"


def mebibytes(value: int | None) -> str:
    return "—" if value is None else f"{_num(value / 2**20, 0)} MiB"


def times(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{_num(value, 2 if value >= 0.1 else 3)}×"


def tasks(value: int | None) -> str:
    return "" if value is None else _num(value, 0)


def limit(outcome: Outcome) -> str:
    t = outcome.target
    sign = "≥" if t.at_least else "≤"
    if t.unit == "×":
        return f"{sign} {_num(t.limit, 2)}×"
    return f"{sign} {_num(t.limit, 0)} {t.unit}"


def measured(outcome: Outcome) -> str:
    if outcome.value is None:
        return "—"
    unit = outcome.target.unit
    shown = (
        times(outcome.value)
        if unit == "×"
        else (f"{_num(outcome.value, 1 if unit == 'ms' else 2)} {unit}")
    )
    return f"{outcome.bound} {shown}" if outcome.bound else shown


def verdict(outcome: Outcome) -> str:
    return {True: "✔ opfyldt", False: "✘ ikke opfyldt", None: "— ikke målt"}[outcome.passed]


# --- tables ---------------------------------------------------------------------------------------

Table = tuple[list[str], list[list[str]]]


def figures_table(figures: Figures) -> Table:
    header = [
        "Måling",
        "Program",
        "Opgaver",
        "Median",
        "p95",
        "× gulv",
        "Hukommelse",
        "× gulv",
        "Bemærkning",
    ]
    rows = []
    for f in figures.values():
        rows.append(
            [
                f.what,
                f.program,
                tasks(f.tasks),
                seconds(f.median_s) if f.at_least_s is None else f"≥ {seconds(f.at_least_s)}",
                seconds(f.p95_s) if f.show_p95 else "",
                times(figures.ratio(f.key)) if f.floor else "",
                mebibytes(f.peak),
                times(figures.ratio(f.key, "peak")) if f.floor else "",
                f.error or "",
            ]
        )
    return header, rows


def targets_table(outcomes: list[Outcome]) -> Table:
    header = ["Mål", "Grænse", "Målt", "Resultat", "Bemærkning"]
    rows = [[o.target.text, limit(o), measured(o), verdict(o), o.note] for o in outcomes]
    return header, rows


COMPARISONS = [
    ("start → første billede", "start/kigo/{big}", "start/dooit/{n}", "median_s"),
    ("hukommelse efter start", "start/kigo/{big}", "start/dooit/{n}", "peak"),
    ("kigo export / task export", "export/{big}", "taskwarrior/export/{n}", "median_s"),
    ("kigo status --json / task summary", "status/{big}", "taskwarrior/summary/{n}", "median_s"),
    ("kigo status --json / task list", "status/{big}", "taskwarrior/list/{n}", "median_s"),
]


def comparison_table(report: Report) -> Table | None:
    if not report.comparison.get("ran"):
        return None
    n = int(report.comparison.get("tasks") or BIG)
    header = ["Sammenligning", "kigo", "Andet program", "Andet ÷ kigo"]
    rows = []
    figures = report.figures
    for what, ours, theirs, stat in COMPARISONS:
        a, b = ours.format(big=BIG), theirs.format(n=n)
        if a not in figures or b not in figures:
            continue
        show = mebibytes if stat == "peak" else seconds
        ea, eb = estimate(figures, a, stat), estimate(figures, b, stat)
        ratio = divide(eb, ea)
        rows.append(
            [
                what,
                _shown(ea, show),
                f"{figures[b].program}: {_shown(eb, show)}",
                _shown(ratio, times),
            ]
        )
    return (header, rows) if rows else None


def _shown(value: Estimate | None, show: Callable[[float], str]) -> str:
    if value is None:
        return "—"
    number, bound = value
    return f"{bound} {show(number)}" if bound else show(number)


def machine_line(machine: dict, comparison: dict) -> str:
    git = machine.get("git") or {}
    commit = (git.get("commit") or "?")[:10] + (
        " + uindtjekkede ændringer" if git.get("dirty") else ""
    )
    memory = machine.get("memory_bytes")
    ram = f"{_num(memory / 2**30, 0)} GiB RAM" if memory else "? RAM"
    parts = [
        f"Målt {str(machine.get('date', '?'))[:10]}",
        f"{machine.get('cpu')}, {machine.get('cores')} kerner, {ram}",
        str(machine.get("os")),
        f"Python {machine.get('python')}, Textual {machine.get('textual')}",
        f"{machine.get('tmux')}, pyte {machine.get('pyte')}",
        f"commit {commit}",
    ]
    if comparison.get("ran"):
        d, t = comparison.get("dooit") or {}, comparison.get("taskwarrior") or {}
        parts.append(
            f"sammenligning: dooit {d.get('version', d.get('error', '?'))} "
            f"(Textual {d.get('textual', '?')}), taskwarrior {t.get('version', t.get('error', '?'))}"
        )
    else:
        parts.append(f"sammenligning ikke kørt ({comparison.get('reason')})")
    return " · ".join(parts)


def _plain(table: Table) -> str:
    header, rows = table
    keep = [i for i in range(len(header)) if any(row[i] for row in rows) or i == 0]
    header = [header[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def _markdown(table: Table) -> str:
    header, rows = table
    keep = [i for i in range(len(header)) if any(row[i] for row in rows) or i == 0]
    line = lambda cells: "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"  # noqa: E731
    out = [line([header[i] for i in keep]), "|" + "---|" * len(keep)]
    out += [line([row[i] for i in keep]) for row in rows]
    return "\n".join(out)


def _tables(report: Report) -> list[tuple[str, Table]]:
    tables = [
        ("Målinger", figures_table(report.figures)),
        ("Mål fra issue 7", targets_table(report.outcomes)),
    ]
    comparison = comparison_table(report)
    if comparison is not None:
        tables.append(("Sammenligning (samme kørsel, samme måling)", comparison))
    return tables


def config_line(config: dict) -> str:
    return (
        f"median af {config.get('runs')} kørsler efter {config.get('warmup')} opvarmning; "
        f"{config.get('presses')} tastetryk pr. kørsel"
    )


def plain_text(report: Report) -> str:
    parts = [machine_line(report.machine, report.comparison), config_line(report.config)]
    for title, table in _tables(report):
        parts += ["", title, _plain(table)]
    return "\n".join(parts)


def markdown(report: Report) -> str:
    parts = [f"_{machine_line(report.machine, report.comparison)}; {config_line(report.config)}._"]
    for title, table in _tables(report):
        parts += ["", f"**{title}**", "", _markdown(table)]
    return "\n".join(parts)
