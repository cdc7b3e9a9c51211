"""The audit trail: who changed what, who decided what, and whether history is intact.

record.py commits a version together with its classified changes; review.py
lists a revision's effective decisions and records overrides; query.py answers
`hyoka audit`; verify.py recomputes every chain; due.py computes deadlines.
"""
