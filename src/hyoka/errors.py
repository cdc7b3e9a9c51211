"""One exception family, so the CLI can turn any of them into one line and exit code 2."""

from __future__ import annotations


class HyokaError(Exception):
    """Base of every error a user can cause; the message is shown as is (Japanese / English)."""


class InputError(HyokaError):
    """The input file cannot be read as a report (empty, binary, undecodable, not a report)."""


class FormatError(InputError):
    """A file in the project's own text format is malformed; the message names the line."""


class UnknownReport(HyokaError):
    """No report with that id is stored."""


class UnknownVersion(HyokaError):
    """The report exists but has no such version."""


class StoreError(HyokaError):
    """The database cannot be opened or is not initialised."""
