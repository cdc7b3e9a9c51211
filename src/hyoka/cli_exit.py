"""How the `hyoka` program ends: without freeing its objects one by one when nothing needs it.

A reading leaves hundreds of thousands of small objects alive until the process ends (both
reports, the reader's remembered lookups, the catalogue), and the interpreter's teardown
deallocates every one of them before the process may exit: about 25 ms of a `hyoka diff` of two
280 KB reports that took 230 ms in all (issue 13, fast start). mypy ends the same way
(``mypy.util.hard_exit``).

The shortcut is taken only when it cannot lose anything:

- every other exit handler has run (ours is registered before the app runs, and exit handlers
  run last registered first), so libraries still flush what they registered to flush;
- standard output and error are flushed first; if that fails (a closed pipe), the ordinary
  exit reports it as it always did;
- no database module was loaded in the process (:data:`KEEPS_TEARDOWN`): a store closes its
  connections when its command ends, but one still open (an engine's pool) is closed by the
  ordinary teardown, and SQLite then checkpoints its write-ahead log;
- the app ended with an exit status (``SystemExit`` with an int or None, or by returning): an
  uncaught exception or a message to print ends the ordinary way.

Files are never left to the teardown: every file hyoka writes is closed by a ``with`` block.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable

# Modules whose presence means a database may be open: the store and the drivers it uses.
KEEPS_TEARDOWN = ("hyoka.store", "sqlite3", "sqlalchemy", "psycopg", "psycopg2")


class _Ending:
    """The exit status the app ended with, once it has ended (None before, or when it raised)."""

    status: int | None = None


def run(app: Callable[[], object]) -> None:
    """Run ``app`` as the program, ending by :func:`_leave` (see the module docstring)."""
    ending = _Ending()
    atexit.register(_leave, ending)
    try:
        app()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            ending.status = done.code or 0
        raise
    ending.status = 0


def may_skip_teardown() -> bool:
    """Whether no module that may hold a database connection was loaded."""
    return not any(name in sys.modules for name in KEEPS_TEARDOWN)


def _leave(ending: _Ending) -> None:
    """The last exit handler: end the process with the app's status, skipping the teardown."""
    if ending.status is None or not may_skip_teardown():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # e.g. a reader that closed the pipe: the ordinary exit says so, as before
    os._exit(ending.status)
