"""A module imported on first use, so that loading the plugin stays light.

QGIS imports every algorithm module when the provider loads; pandas alone
adds about 28 MiB to the process (scipy.fft another 12 MiB).  A module that
needs pandas only inside its functions binds ``pd = lazy_module("pandas")``
instead of ``import pandas as pd``: the first attribute looked up imports it.
(With ``from __future__ import annotations``, ``pd.DataFrame`` in an
annotation is never looked up.)
"""

from __future__ import annotations

import importlib
from types import ModuleType


class _LazyModule:
    """Stands for a module and imports it on the first attribute looked up."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __dir__(self):
        return dir(self._load())

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return "<lazy module {!r} ({})>".format(self._name, state)


def lazy_module(name: str) -> ModuleType:
    """``name`` (e.g. ``"pandas"``), imported when first used."""
    return _LazyModule(name)  # type: ignore[return-value]
