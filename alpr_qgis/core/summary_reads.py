"""The reads of ``alpr:summary`` kept compact while they stream in, chunk by chunk.

Per read it keeps a few dozen bytes: plate, state and device as codes
into one dictionary each (``core.codes.Coder``: each distinct text once),
the time as int64 nanoseconds, the government and duplicate flags, the
position (float64, for the map, the time zone and the camera kinds) and
the location flags the algorithm computes per chunk.  ``summary_input``
then hands ``core.summary.summarise`` the same columns the whole layer
would give (categorical Series over the shared values), so every metric,
tally and chart is the same.

The algorithm now counts its reads with flat memory (``core.summary_flat``);
this whole-column form stays as the reference its tests compare with, and
:func:`check_plates` is shared by both.
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from alpr_qgis.core.codes import Coder
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalised_codes
from alpr_qgis.core.summary import PlateCodes, SummaryInput, _as_bool, as_times

pd = lazy_module("pandas")

_FLAGS = ("no_geometry", "null_island", "invalid", "near", "outside")
_TEXT_KINDS = ("string", "empty")


class SummaryReads:
    """Compact columns of the reads; ``plate``, ``state``, ... name the fields of each role (None: absent)."""

    def __init__(
        self,
        total: int,
        layer: str,
        plate: Optional[str] = None,
        state: Optional[str] = None,
        time: Optional[str] = None,
        device: Optional[str] = None,
        government: Optional[str] = None,
        duplicate: Optional[str] = None,
        read_id: Optional[str] = None,
    ) -> None:
        self.layer = layer
        self.fields = {"plate": plate, "state": state, "time": time, "device": device}
        self.flag_fields = {"government": government, "duplicate": duplicate}
        self.id_field = read_id
        self.coders: Dict[str, Coder] = {role: Coder() for role, f in self.fields.items() if f and role != "time"}
        size = max(int(total), 0)
        self.n = 0
        self.codes = {role: np.empty(size, dtype=np.int32) for role in self.coders}
        self.ns = np.empty(size, dtype=np.int64) if time else None
        self.flags = {role: np.empty(size, dtype=bool) for role, f in self.flag_fields.items() if f}
        self.where: Dict[str, np.ndarray] = {}
        self.x = np.empty(size, dtype=np.float64)
        self.y = np.empty(size, dtype=np.float64)
        self.read_ids = []  # non-null read ids, a chunk at a time

    def _arrays(self):
        yield from self.codes.items()
        yield from self.flags.items()
        yield from self.where.items()
        yield from (("ns", self.ns), ("x", self.x), ("y", self.y))

    def _room(self, end: int) -> None:
        """Grow the arrays when a source gives more rows than it announced."""
        if end <= len(self.x):
            return
        size = max(end, 2 * len(self.x))

        def grown(a):
            if a is None:
                return None
            b = np.empty(size, dtype=a.dtype)
            b[: len(a)] = a
            return b

        self.codes = {k: grown(v) for k, v in self.codes.items()}
        self.flags = {k: grown(v) for k, v in self.flags.items()}
        self.where = {k: grown(v) for k, v in self.where.items()}
        self.ns, self.x, self.y = grown(self.ns), grown(self.x), grown(self.y)

    def _check_plates(self, plates, offset: int) -> None:
        check_plates(plates, offset, self.layer, self.fields["plate"])

    def add(self, table, x: np.ndarray, y: np.ndarray, offset: int, where: Dict[str, np.ndarray]) -> None:
        """One chunk: its table (the fields named), coordinates, first row's index, location flags."""
        m = len(x)
        start, end = self.n, self.n + m
        self._room(end)
        if self.fields["plate"]:
            self._check_plates(table[self.fields["plate"]], offset)
        for role, coder in self.coders.items():
            self.codes[role][start:end] = coder.encode(table[self.fields[role]])
        if self.ns is not None:
            times = as_times(table[self.fields["time"]])
            self.ns[start:end] = times.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        for role, array in self.flags.items():
            array[start:end] = _as_bool(table[self.flag_fields[role]])
        for key, values in where.items():
            if key not in self.where:
                self.where[key] = np.zeros(len(self.x), dtype=bool)
            self.where[key][start:end] = values
        self.x[start:end] = x
        self.y[start:end] = y
        if self.id_field:
            self.read_ids.append(table[self.id_field].dropna().to_numpy(dtype=np.int64))
        self.n = end

    def finish(self) -> SummaryReads:
        """Trim the arrays to the reads that came."""
        n = self.n
        self.codes = {k: v[:n] for k, v in self.codes.items()}
        self.flags = {k: v[:n] for k, v in self.flags.items()}
        self.where = {k: v[:n] for k, v in self.where.items()}
        self.ns = self.ns[:n] if self.ns is not None else None
        self.x, self.y = self.x[:n], self.y[:n]
        return self

    # ------------------------------------------------------------------ the whole columns, compact

    def column(self, role: str):
        """The column of ``role`` (plate, state, device) as a categorical Series, None without the field."""
        return self.coders[role].series(self.codes[role]) if role in self.coders else None

    def flag(self, role: str):
        return pd.Series(self.flags[role]) if role in self.flags else None

    def location(self, key: str) -> Optional[np.ndarray]:
        return self.where.get(key)

    @property
    def located(self) -> np.ndarray:
        if "located" in self.where:
            return self.where["located"]
        missing = np.zeros(self.n, dtype=bool)
        for key in ("no_geometry", "null_island", "invalid"):
            if key in self.where:
                missing |= self.where[key]
        return ~missing

    def keep_positions_only(self) -> None:
        """Let go of every column but the positions and where they stand (once the counting is done)."""
        self.where = {"located": self.located}
        self.coders, self.codes, self.flags, self.ns, self.read_ids = {}, {}, {}, None, []

    def id_array(self) -> Optional[np.ndarray]:
        if not self.id_field:
            return None
        return np.concatenate(self.read_ids) if self.read_ids else np.zeros(0, dtype=np.int64)

    def plate_codes(self) -> Optional[PlateCodes]:
        """``core.summary.plate_codes`` of the plate (and state) column, normalising each distinct text once."""
        if "plate" not in self.coders:
            return None
        plain = _normalised(self.coders["plate"], self.codes["plate"])
        codes = plain[0].copy()
        if "state" in self.coders:
            state, state_uniques = _normalised(self.coders["state"], self.codes["state"])
            paired = np.where(plain[0] >= 0, plain[0] * (len(state_uniques) + 1) + (state + 1), -1)
            codes = np.full(len(paired), -1, dtype=np.int64)
            codes[paired >= 0] = pd.factorize(paired[paired >= 0])[0]
        return PlateCodes(codes, plain[0], plain[1])

    def summary_input(self, **rest) -> SummaryInput:
        """``SummaryInput`` of these reads; ``rest`` gives the other fields (pattern, notes, rejected, ...)."""
        return SummaryInput(
            n=self.n,
            plates=self.column("plate"),
            states=self.column("state"),
            time_ns=self.ns,
            device_codes=(self.codes["device"], self.coders["device"].values) if "device" in self.coders else None,
            is_government=self.flag("government"),
            is_duplicate=self.flag("duplicate"),
            no_geometry=self.location("no_geometry"),
            null_island=self.location("null_island"),
            invalid_location=self.location("invalid"),
            near_reference=self.location("near"),
            outside_boundary=self.location("outside"),
            plate_codes=self.plate_codes(),
            **rest,
        )


def _normalised(coder: Coder, codes: np.ndarray):
    """``core.plates.normalised_codes`` of a coded column: per read code and distinct normalised texts."""
    per_value, uniques = normalised_codes(pd.Series(np.asarray(coder.values + [None], dtype=object)[:-1], dtype=object))
    return np.append(per_value, -1).astype(np.int64)[codes], uniques


def check_plates(plates, offset: int, layer: str, field: str) -> None:
    """Plates must be text: a number loses leading zeros (the row named, never its value)."""
    kind = pd.api.types.infer_dtype(plates, skipna=True)
    if kind in _TEXT_KINDS:
        return
    bad = ~plates.map(lambda v: isinstance(v, str) or v is None or v is pd.NA or v != v).to_numpy(bool)
    row = offset + int(np.argmax(bad)) + 1 if bad.any() else None
    raise AlprInputError(
        QT_TRANSLATE_NOOP("alpr_core", "holds {kind} values, not text: plates would lose leading zeros and letters."),
        args={"kind": kind},
        path=layer,
        row=row,
        field=field,
        hint=QT_TRANSLATE_NOOP("alpr_core", "Load the export with alpr:loadreads (it keeps plates as text), or "
                               "choose the field of plates."),
    )  # fmt: skip
