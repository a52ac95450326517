"""A report page read back as a small tree (stdlib html.parser), so a test checks what a reader
sees: an element's text, its attributes, and which elements exist (a `<script>` smuggled in
through a task title would be an element here, not text)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, match: Callable[[Element], bool]) -> list[Element]:
        return [e for e in self.iter() if match(e)]

    def by_attr(self, name: str, value: str | None = None) -> list[Element]:
        return self.find_all(
            lambda e: name in e.attrs and (value is None or e.attrs[name] == value)
        )

    def one(self, name: str, value: str) -> Element:
        found = self.by_attr(name, value)
        assert len(found) == 1, f"{len(found)} elements with {name}={value!r}"
        return found[0]

    def numbers(self) -> dict[str, int]:
        """The data-n numbers directly in this element (not in a nested data-scope)."""
        out: dict[str, int] = {}

        def walk(element: Element) -> None:
            for child in element.children:
                if not isinstance(child, Element):
                    continue
                if "data-n" in child.attrs:
                    out.setdefault(str(child.attrs["data-n"]), int(child.text()))
                elif "data-scope" not in child.attrs:
                    walk(child)

        walk(self)
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed: {[e.tag for e in builder.stack[1:]]}"
    return builder.root
