"""Reads: finding returns and orders, and what is shown about them. Nothing here writes.

Kept apart from the commands (``backend.workflows`` and the single-step services) so
that a screen, the assistant or a report can read without reaching into code that moves
money or stock; the commands use these same lookups to load what they change.
"""
