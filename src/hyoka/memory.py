"""What hyoka remembers across calls in one process, forgotten at once.

Readings, catalogue lookups and alignments keep answers that depend only on their inputs (issue
13: a commit reads a file whose predecessor was read the same way). Each module that keeps some
has its own ``forget``; this calls them all, so that a benchmark can time a call as a new
process would make it, and a test can show that nothing a call returns depends on the memory.
The modules are imported here, not at the top: a command that never reads keeps its start fast.
"""

from __future__ import annotations


def forget_everything() -> None:
    """Empty every process-wide memory: the reader's, the form catalogues, the printed-path
    lookups and the differ's instance lookups."""
    from hyoka import forms
    from hyoka.diff import align
    from hyoka.forms import printed
    from hyoka.ingest import forget

    forget()
    forms.forget()
    printed.forget()
    align.forget()
