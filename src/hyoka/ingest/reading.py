"""What a reading of a published report found, besides the report itself.

A clerk should not trust a diff built on a tree nobody checked. The reader
therefore reports, with line numbers, every label it matched only by
similarity, every line it could not place on the form, and every section it
inferred because the heading was missing; `hyoka check` prints this, and
`commit`/`diff` warn when something was left unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hyoka.model import Report


@dataclass(frozen=True)
class Unplaced:
    """A line that fits no item the form allows there; its text went to ``attached_to``."""

    line: int
    text: str
    attached_to: str


@dataclass(frozen=True)
class FuzzyLabel:
    """A printed label matched to the catalogue by similarity, not exactly."""

    line: int
    printed: str
    path: str
    score: float


@dataclass(frozen=True)
class Diagnostics:
    """Everything the placer noticed while reading one file."""

    form: str = ""
    edition: str = ""
    edition_used: str = ""
    unplaced: tuple[Unplaced, ...] = ()
    fuzzy: tuple[FuzzyLabel, ...] = ()
    inferred_sections: tuple[str, ...] = ()
    contents_lines: tuple[int, ...] = ()
    # The line of a 変更箇所 heading whose table holds text but gave no row: an extraction that
    # lost the table's columns (pdftotext without -layout). None when rows were read, or no table.
    appendix_unread: int | None = None


@dataclass(frozen=True)
class Reading:
    """A report and what its reading noticed (``diagnostics`` is empty for the native format)."""

    report: Report
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
