"""The tree a reading builds: the items read so far and the open levels above the current one."""

from __future__ import annotations

from dataclasses import dataclass, field

from hyoka.forms import Entry


@dataclass(slots=True)
class Node:
    """An item being read: its path, printed label and the value text gathered so far."""

    segments: tuple[str, ...]
    label: str
    star: bool
    line: int
    parts: list[str] = field(default_factory=list)
    printed_value: str = ""  # the value printed on the label's own line, to know a repeat of it

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)


@dataclass(slots=True)
class Frame:
    """One open level of the tree: the catalogue entry and the segment it has in this report."""

    entry: Entry
    segment: str
    node: Node | None = None
