"""The anonymizer's re-identification audit in flat memory: the points given a time bucket at a time.

``TrailAudit`` is ``core.anonymize.reidentification_audit`` on points given a
time bucket at a time (a point's holders all meet in its bucket): it keeps
the holders of each point and spills each vehicle's trail to files by
vehicle-code range (in the release's private scratch folder), then draws and
tests one range at a time, with the random stream advanced to where the
whole-array audit would be, so the numbers are the same.  Memory holds per
vehicle a trail length and per distinct point its holders; not the reads.
"""

from __future__ import annotations

import math
import os
from typing import Callable, Dict, List, Sequence

import numpy as np

from alpr_qgis.core.anonymize import AUDIT_POINTS, AUDIT_SEED, AuditRow, _unique_by_join
from alpr_qgis.core.errors import Cancelled

AUDIT_PAIRS = 200_000  # trail points the audit draws from at a time (one range of vehicles)
JOIN_BATCH = 500_000  # (vehicle, holder) pairs the audit's join takes at a time


class TrailAudit:
    """``reidentification_audit`` on the points of a release given a time bucket at a time (module docstring).

    ``vehicles``: how many vehicle codes there can be (codes 0 .. vehicles-1).
    """

    _RECORD = np.dtype([("v", "<i4"), ("p", "<i4"), ("h", "<i4"), ("x", "<f8"), ("y", "<f8"), ("t", "<i8")])

    def __init__(self, vehicles: int, folder: str, *, pairs: int, expected_pairs: int) -> None:
        self.vehicles, self.folder = max(1, int(vehicles)), folder
        parts = max(1, math.ceil(max(1, expected_pairs) / max(1, pairs)))
        self.width = max(1, math.ceil(self.vehicles / parts))
        self.parts = math.ceil(self.vehicles / self.width)
        self.trail = np.zeros(self.vehicles, dtype=np.int32)
        self.points = 0

    def _file(self, part: int) -> str:
        return os.path.join(self.folder, "audit_{}.bin".format(part))

    def add(self, v: np.ndarray, x: np.ndarray, y: np.ndarray, t: np.ndarray) -> None:
        """A bucket's points (every read of a point in one bucket): vehicle code, metric place, time."""
        if len(v) == 0:
            return
        order = np.lexsort((t, y, x))
        new = np.zeros(len(order), dtype=bool)
        new[0] = True
        for column in (x, y, t):
            ordered = column[order]
            new[1:] |= ordered[1:] != ordered[:-1]
        point = np.empty(len(order), dtype=np.int64)
        point[order] = np.cumsum(new) - 1
        n_points = int(point.max()) + 1
        first_read = order[new]  # a read of each point, in point order
        pairs = np.unique(point * self.vehicles + v.astype(np.int64))  # by point, then vehicle
        pp, pv = pairs // self.vehicles, (pairs % self.vehicles).astype(np.int32)
        del pairs
        holders = np.bincount(pp, minlength=n_points).astype(np.int32)
        with open(os.path.join(self.folder, "holders.bin"), "ab") as handle:
            holders.tofile(handle)
        with open(os.path.join(self.folder, "holder_of.bin"), "ab") as handle:
            pv.tofile(handle)
        self.trail += np.bincount(pv, minlength=self.vehicles).astype(np.int32)
        records = np.empty(len(pp), dtype=self._RECORD)
        records["v"], records["p"], records["h"] = pv, pp + self.points, holders[pp]
        at = first_read[pp]
        records["x"], records["y"], records["t"] = x[at], y[at], t[at]
        self.points += n_points
        part = pv // self.width
        order = np.argsort(part, kind="stable")
        records, part = records[order], part[order]
        bounds = np.searchsorted(part, np.arange(self.parts + 1))
        for i in range(self.parts):
            if bounds[i + 1] > bounds[i]:
                with open(self._file(i), "ab") as handle:
                    records[bounds[i] : bounds[i + 1]].tofile(handle)

    def run(
        self,
        known: Sequence[int] = AUDIT_POINTS,
        seed: int = AUDIT_SEED,
        cancelled: Callable[[], bool] = lambda: False,
        progress: Callable[[float], None] = lambda f: None,
    ) -> List[AuditRow]:
        trail = self.trail
        present = trail > 0
        if not present.any():
            return [AuditRow(k, 0, 0) for k in known]
        rank = (np.cumsum(present) - 1).astype(np.float64)  # a vehicle's rank among the vehicles audited
        holders = np.fromfile(os.path.join(self.folder, "holders.bin"), dtype=np.int32)  # of each point
        holder_of = np.fromfile(os.path.join(self.folder, "holder_of.bin"), dtype=np.int32)  # point after point
        first_holder = np.concatenate(([0], np.cumsum(holders, dtype=np.int64)))
        drawn = 0  # random numbers the audit drew for the earlier k
        before: Dict[int, np.ndarray] = {}  # per k: eligible trail points of the vehicles before each code
        eligible = {}
        for k in known:
            sizes = np.concatenate(([0], np.cumsum(np.where(trail >= k, trail, 0), dtype=np.int64)))
            before[k] = sizes[:: self.width].copy()  # (at the first code of each range)
            eligible[k] = (drawn, int((trail >= k).sum()))
            drawn += int(sizes[-1])
            del sizes
        unique = {k: 0 for k in known}
        for part in range(self.parts):
            progress(part / self.parts)
            if cancelled():
                raise Cancelled()
            if not os.path.exists(self._file(part)):
                continue
            records = np.fromfile(self._file(part), dtype=self._RECORD)
            records = records[np.lexsort((records["t"], records["y"], records["x"], records["v"]))]
            tv, tp, th = records["v"].astype(np.int64), records["p"].astype(np.int64), records["h"]
            del records
            for k in known:
                start, n_eligible = eligible[k]
                if n_eligible == 0:
                    continue
                keep = trail[tv] >= k
                if not keep.any():
                    continue
                sv, sp, sh = tv[keep], tp[keep], th[keep]
                generator = np.random.PCG64(seed)
                generator.advance(start + int(before[k][part]))
                order = np.argsort(rank[sv] + np.random.Generator(generator).random(len(sv)))
                sv, sp, sh = sv[order], sp[order], sh[order]
                del order
                starts = np.flatnonzero(np.concatenate(([True], sv[1:] != sv[:-1])))
                within = np.arange(len(sv)) - np.repeat(starts, np.diff(np.concatenate((starts, [len(sv)]))))
                pick = within < k
                pv, pp, ph = sv[pick].reshape(-1, k), sp[pick].reshape(-1, k), sh[pick].reshape(-1, k)
                del sv, sp, sh, pick, within, starts
                rarest = ph.min(axis=1)
                unique[k] += int((rarest == 1).sum())
                if k > 1:
                    rest = rarest > 1
                    unique[k] += _unique_by_join(
                        pv[rest, 0], pp[rest], holders, holder_of, first_holder, self.vehicles, cancelled, JOIN_BATCH
                    )
        progress(1.0)
        return [AuditRow(k, eligible[k][1], unique[k]) for k in known]
