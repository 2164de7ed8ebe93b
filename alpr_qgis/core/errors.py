"""Structured errors raised by the core, and the marker that makes their messages translatable.

The algorithms turn these into ``QgsProcessingException`` in one place
(``AlprAlgorithm``), so messages are built here, without Qt.  A message says
what went wrong, where (file, row, field), which value, and what to do.  Values
of plate fields and secrets are never echoed: pass ``private=True``, and never
put a plate or a key in ``args``.

Messages are templates: ``AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "{count} rows have no time"),
args={"count": n})``.  ``QT_TRANSLATE_NOOP`` returns its text unchanged; it only
marks the template so that Qt's ``pylupdate5`` (``make transup``) puts it in the
catalogue under the context ``alpr_core``.  ``describe(translate)`` applies the
caller's translation (the algorithm base passes ``QCoreApplication.translate``)
to each template before filling it in; without ``translate`` it gives English.
pylupdate5 skips a marked text followed by a trailing comma, so a marked text too
long for one line is written over several lines in a statement ending ``# fmt: skip``
(the formatter would add the comma); tests/core/test_errors_i18n.py checks it finds them all.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping, Optional

#: The translation context of every core message (``QCoreApplication.translate(CONTEXT, text)``).
CONTEXT = "alpr_core"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for Qt's translation tools under ``context``; returns it unchanged (pylupdate5 looks for this name)."""
    return text


# The framing words around a message, translated like the messages themselves.
_ROW = QT_TRANSLATE_NOOP("alpr_core", "row {row}")
_FIELD = QT_TRANSLATE_NOOP("alpr_core", 'field "{field}"')
_VALUE = QT_TRANSLATE_NOOP("alpr_core", '"{value}" {message}')
_WHERE = QT_TRANSLATE_NOOP("alpr_core", "{where}: {message}")
_HINT = QT_TRANSLATE_NOOP("alpr_core", "{message}. {hint}")


class Cancelled(Exception):  # noqa: N818 (a signal, not an error)
    """The user cancelled the run; nothing more is written."""


class AlprInputError(Exception):
    """Bad input: a file, a row, a field or a value that cannot be used.

    ``message`` and ``hint`` are templates filled in with ``args`` (``str.format``
    names; write literal braces doubled).  Without ``args`` they are used as they are.
    """

    def __init__(
        self,
        message: str,
        *,
        args: Optional[Mapping[str, object]] = None,
        path: Optional[str] = None,
        row: Optional[int] = None,
        field: Optional[str] = None,
        value: Optional[object] = None,
        private: bool = False,
        hint: Optional[str] = None,
    ) -> None:
        self.message = message
        self.template_args = dict(args or {})
        self.path = path
        self.row = row
        self.field = field
        self.value = None if private else value
        self.private = private
        self.hint = hint
        super().__init__(self.describe())

    def describe(self, translate: Optional[Callable[[str], str]] = None) -> str:
        """The full human-readable message: where, what, which value, what to do.

        ``translate(template) -> template`` translates each template before it is
        filled in; a translation that does not fit its arguments falls back to English.
        """

        def fill(template: str, values: Mapping[str, object]) -> str:
            if not values:
                return translate(template) if translate else template
            if translate:
                try:
                    return translate(template).format(**values)
                except (KeyError, IndexError, ValueError):  # a translation that does not fit: the English
                    return template.format(**values)
            return template.format(**values)

        where = []
        if self.path:
            where.append(os.path.basename(self.path))
        if self.row is not None:
            where.append(fill(_ROW, {"row": self.row}))
        if self.field is not None:
            where.append(fill(_FIELD, {"field": self.field}))
        text = fill(self.message, self.template_args)
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            text = fill(_VALUE, {"value": shown, "message": text})
        if where:
            text = fill(_WHERE, {"where": ", ".join(where), "message": text})
        if self.hint:
            hint = fill(self.hint, self.template_args)
            text = fill(_HINT, {"message": text.rstrip("."), "hint": hint})
        return text
