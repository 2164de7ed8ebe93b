"""Structured errors raised by the core.

The algorithms turn these into ``QgsProcessingException`` in one place
(``AlprAlgorithm``), so messages are built here, without Qt.  A message says
what went wrong, where (file, row, field), which value, and what to do.  Values
of plate fields and secrets are never echoed: pass ``private=True``.
"""

from __future__ import annotations

import os
from typing import Optional


class Cancelled(Exception):  # noqa: N818 (a signal, not an error)
    """The user cancelled the run; nothing more is written."""


class AlprInputError(Exception):
    """Bad input: a file, a row, a field or a value that cannot be used."""

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        row: Optional[int] = None,
        field: Optional[str] = None,
        value: Optional[object] = None,
        private: bool = False,
        hint: Optional[str] = None,
    ) -> None:
        self.message = message
        self.path = path
        self.row = row
        self.field = field
        self.value = None if private else value
        self.private = private
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        """The full human-readable message: where, what, which value, what to do."""
        where = []
        if self.path:
            where.append(os.path.basename(self.path))
        if self.row is not None:
            where.append("row {}".format(self.row))
        if self.field is not None:
            where.append('field "{}"'.format(self.field))
        text = self.message
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            text = '"{}" {}'.format(shown, text)
        if where:
            text = "{}: {}".format(", ".join(where), text)
        if self.hint:
            text = "{}. {}".format(text.rstrip("."), self.hint)
        return text
