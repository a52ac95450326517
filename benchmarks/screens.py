"""What the suite waits for on a screen, as regexes that survive small label changes.

kigo's first paint is the tree *with data*: the kommune line and the four project lines, each with
its done/total count (`▼ ■ rød Odense 149/286`, `├ ▶ ■ STS … 59/74`), not the loading frame. A toggle
is seen when the task's status glyph flipped and the done count on the hovedopgave, project and
kommune lines moved by one: every toggle changes all three, so this proves they were repainted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Lines = list[str]
Predicate = Callable[[Lines], bool]

PROJECTS = ("STS", "SAPA", "KY", "KSD")
GLYPHS = "☐◐☑"
DONE = "☑"
_COUNT = r"[^│┃]*?(\d+)/(\d+)"
"""A done/total count after a label, on the same side of a pane border."""


def count_after(label: str) -> re.Pattern[str]:
    """`label` (a regex) followed by a done/total count."""
    return re.compile(label + _COUNT)


def all_present(patterns: list[re.Pattern[str]]) -> Predicate:
    def predicate(lines: Lines) -> bool:
        return all(any(p.search(line) for line in lines) for p in patterns)

    return predicate


def kigo_tree_painted(kommune: str) -> Predicate:
    """The kommune line and all four project lines with their counts."""
    labels = [re.escape(kommune), *(rf"\b{code}\b" for code in PROJECTS)]
    return all_present([count_after(label) for label in labels])


def words_present(words: list[str]) -> Predicate:
    """Every word on the screen (as a whole word)."""
    return all_present([re.compile(rf"(?<!\w){re.escape(w)}(?!\w)") for w in words])


@dataclass(frozen=True)
class ToggleProbe:
    """Where a task's glyph and its ancestors' counts are on the screen, and what they say now."""

    task_row: int
    task_column: int
    glyph: str
    ancestors: tuple[tuple[int, re.Pattern[str], int], ...]
    """(row, pattern, done count) per ancestor line."""

    @classmethod
    def locate(cls, lines: Lines, task_label: str, ancestor_labels: list[str]) -> ToggleProbe:
        """Find the one line with a status glyph before `task_label`, and each ancestor's line."""
        task = re.compile(rf"([{GLYPHS}])[^│┃]*?{re.escape(task_label)}")
        matches = [(i, m) for i, line in enumerate(lines) if (m := task.search(line))]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} lines show {task_label!r} with a glyph; expected 1")
        row, match = matches[0]
        ancestors = []
        for label in ancestor_labels:
            pattern = count_after(label)
            found = next(
                ((i, m) for i, text in enumerate(lines) if (m := pattern.search(text))), None
            )
            if found is None:
                raise LookupError(f"no line with {label!r} and a done/total count")
            ancestors.append((found[0], pattern, int(found[1].group(1))))
        return cls(row, match.start(1), match.group(1), tuple(ancestors))

    @property
    def expected_glyphs(self) -> str:
        return "☐◐" if self.glyph == DONE else DONE

    def toggled(self, lines: Lines) -> ToggleProbe | None:
        """The probe for the new state if the screen shows the toggle everywhere, else None."""
        line = lines[self.task_row]
        glyph = line[self.task_column] if self.task_column < len(line) else ""
        if glyph not in self.expected_glyphs:
            return None
        delta = 1 if glyph == DONE else -1
        ancestors = []
        for row, pattern, done in self.ancestors:
            match = pattern.search(lines[row])
            if match is None or int(match.group(1)) != done + delta:
                return None
            ancestors.append((row, pattern, done + delta))
        return ToggleProbe(self.task_row, self.task_column, glyph, tuple(ancestors))
