"""The anonymizer's release and audit in flat memory: the reads go to scratch files, then a bucket at a time.

``SpilledRelease`` takes the reads a chunk at a time.  Each chunk's columns
(the coarsened time, a plate code, the id's sort key, the place, each kept
field, text as codes) are sorted by time and saved in a private scratch
folder (``core.scratch.ScratchDir``: plate codes and ids are plate-derived);
in memory stay only what is per plate or per distinct value: the distinct
plates as 16-byte digests (``PlateTable``, no text), the codes of the kept
texts, and a sample of the times.  ``finish`` decides which kept values to
clear and splits the time line into buckets of about ``bucket_rows`` reads;
``write`` then takes one bucket after the other from every chunk's file,
orders it (time, then plate id, ties shuffled: ``release_order``'s rule),
snaps it and hands it to the writer, and gives the audit its points.

``core.trail_audit.TrailAudit`` is ``reidentification_audit`` on the points
given a time bucket at a time (a point's holders all meet in its bucket),
with the same numbers as the whole-array audit.

Memory then holds per plate a digest and a trail length, per distinct point
its holders, and one bucket of reads; not the reads.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import secrets
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.anonymize import (
    MIN_CONTAINED,
    TOKEN_BYTES,
    PlateMatcher,
    ReleaseFields,
    coarsen_times,
    keyed_digests,
    location_hits,
)
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import Codebook, normalised_codes, plate_column
from alpr_qgis.core.trail_audit import TrailAudit

pd = lazy_module("pandas")

BUCKET_ROWS = 100_000  # reads ordered and written at a time
SAMPLE_EVERY = 16  # one time in this many is kept to split the time line into buckets
NO_TIME = np.iinfo(np.int64).max  # a read without time: after every time


def digests(texts: Sequence[str]) -> Tuple[np.ndarray, np.ndarray]:
    """A 16-byte digest of each text, as two ``uint64`` halves: plates compared without keeping their text."""
    raw = b"".join(hashlib.blake2b(t.encode("utf-8"), digest_size=16, person=b"alpr-plates").digest() for t in texts)
    halves = np.frombuffer(raw, dtype="<u8").reshape(-1, 2) if raw else np.zeros((0, 2), dtype=np.uint64)
    return halves[:, 0].copy(), halves[:, 1].copy()


class PlateTable:
    """Codes for the distinct normalised plates, numbered as first met, found by their digests.

    ``hi`` (the digests' first halves, sorted), ``lo`` (their second halves)
    and ``codes`` are all that is kept: 20 bytes a plate, no Python object.
    ``lengths``: the plates' lengths met (for ``HashedPlateMatcher``).
    """

    def __init__(self) -> None:
        self.hi = np.zeros(0, dtype=np.uint64)
        self.lo = np.zeros(0, dtype=np.uint64)
        self.codes = np.zeros(0, dtype=np.int32)
        self.lengths: set = set()

    def __len__(self) -> int:
        return len(self.hi)

    def find(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        """The code of each digest (-1: not met)."""
        out = np.full(len(hi), -1, dtype=np.int32)
        n = len(self.hi)
        if n and len(hi):
            at = np.searchsorted(self.hi, hi)
            near = np.minimum(at, n - 1)
            half = self.hi[near] == hi
            whole = half & (self.lo[near] == lo)
            out[whole] = self.codes[near[whole]]
            for i in np.flatnonzero(half & ~whole).tolist():  # (first halves alike: the rest of their run)
                j = int(at[i])
                while j < n and self.hi[j] == hi[i]:
                    if self.lo[j] == lo[i]:
                        out[i] = self.codes[j]
                        break
                    j += 1
        return out

    def add(self, normal: Sequence[str]) -> Tuple[np.ndarray, np.ndarray]:
        """``(code of each of the distinct plates normal, which are new)``; new ones numbered on, in order."""
        hi, lo = digests(normal)
        codes = self.find(hi, lo)
        new = codes < 0
        if new.any():
            self.lengths.update({len(p) for p in np.asarray(normal, dtype=object)[new].tolist()})
            codes[new] = np.arange(len(self.hi), len(self.hi) + int(new.sum()), dtype=np.int32)
            order = np.argsort(hi[new], kind="stable")
            fresh_hi, fresh_lo, fresh_codes = hi[new][order], lo[new][order], codes[new][order]
            at = np.searchsorted(self.hi, fresh_hi)
            self.hi = np.insert(self.hi, at, fresh_hi)
            self.lo = np.insert(self.lo, at, fresh_lo)
            self.codes = np.insert(self.codes, at, fresh_codes)
        return codes, new

    def contains(self, texts: Sequence[str]) -> np.ndarray:
        return self.find(*digests(texts)) >= 0


class HashedPlateMatcher(PlateMatcher):
    """``PlateMatcher`` over ``PlateTable``s: the same answers, the plates known by their digests only."""

    def __init__(self, tables: Sequence[PlateTable]) -> None:
        self.tables = [t for t in tables if len(t)]
        self.lengths = sorted({n for t in self.tables for n in t.lengths if n >= MIN_CONTAINED})

    def holds_plate(self, text: Optional[str]) -> bool:
        if not text or not self.tables:
            return False
        n = len(text)
        candidates = [text] + [text[i : i + size] for size in self.lengths if size <= n for i in range(n - size + 1)]
        return any(bool(t.contains(candidates).any()) for t in self.tables)


def _masked_parts(values) -> Optional[Dict[str, np.ndarray]]:
    """A column as plain numpy arrays that can be saved and sliced (None: it cannot)."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
        return {"data": values.to_numpy()}
    array = values.array
    if hasattr(array, "_data") and hasattr(array, "_mask") and isinstance(array._data, np.ndarray):
        return {"data": array._data, "mask": array._mask}
    return None


class _Column:
    """How one kept field is stored: ``text`` (codes into a ``Codebook``, decided by the first chunk, as
    ``CompactColumn`` does), else each chunk as ``plain`` or ``masked`` arrays, or ``pickled``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text: Optional[bool] = None
        self.book: Optional[Codebook] = None
        self.counts = np.zeros(0, dtype=np.int64)  # (text: rows of each code)
        self.kinds: List[Tuple[str, object]] = []  # (not text: each chunk's way and dtype)
        self.found: Optional[np.ndarray] = None  # (text: which codes are cleared; the last, null: never)
        self.decode: Optional[np.ndarray] = None
        self.cleared = 0

    def store(self, values) -> Dict[str, object]:
        if self.text is None:
            self.text = bool(pd.api.types.is_object_dtype(values.dtype))
            if self.text:
                self.book = Codebook()
        if self.text:
            codes, uniques = pd.factorize(values, sort=False)
            codes = self.book.encode(codes, list(uniques))
            counts = np.bincount(codes[codes >= 0], minlength=len(self.book))
            self.counts = np.concatenate([self.counts, np.zeros(len(counts) - len(self.counts), dtype=np.int64)])
            self.counts += counts
            return {"codes": codes}
        parts = _masked_parts(values)
        if parts is None:
            self.kinds.append(("pickled", values.dtype))
            return {"pickle": values.reset_index(drop=True)}
        self.kinds.append(("masked" if "mask" in parts else "plain", values.dtype))
        return parts

    def common_dtype(self):
        """The dtype the whole column gets (as ``pd.concat`` of every chunk would give)."""
        dtypes = list({str(d): d for _, d in self.kinds}.values())
        if len(dtypes) <= 1:
            return dtypes[0] if dtypes else None
        return pd.concat([pd.Series([], dtype=d) for d in dtypes], ignore_index=True).dtype


class SpilledRelease:
    """The release of a layer given chunk after chunk, spilled to ``folder`` (see the module's docstring)."""

    def __init__(
        self,
        plan: ReleaseFields,
        plate_field: str,
        time_field: Optional[str],
        extra_fields: Sequence[str],
        time_precision: str,
        grid_m: float,
        method: str,
        key: bytes,
        folder: str,
        layer_name: str = "the input layer",
        *,
        bucket_rows: int = BUCKET_ROWS,
    ) -> None:
        self.plan, self.plate_field, self.time_field = plan, plate_field, time_field
        self.extra_fields, self.time_precision, self.grid_m = list(extra_fields), time_precision, grid_m
        self.method, self._key, self.folder, self.layer_name = method, key, folder, layer_name
        self.bucket_rows = max(1, int(bucket_rows))
        self.plates, self.extra_plates = PlateTable(), PlateTable()
        self.tokens = np.zeros(0, dtype="S22")  # (token: each plate's token, by code)
        self._words: List[np.ndarray] = []  # (hmac, while reading: each plate's id as 4 numbers, by code)
        self.columns: Dict[str, _Column] = {name: _Column(name) for name in plan.kept}
        self.chunk_rows: List[int] = []
        self.chunk_valid: List[int] = []  # (points with a place, per chunk)
        self._sample: List[np.ndarray] = []
        self.cleared: Dict[str, int] = {}
        self.n = 0

    # -- reading
    def _file(self, chunk: int, name: str) -> str:
        return os.path.join(self.folder, "c{}_{}.npy".format(chunk, name))

    def _save(self, chunk: int, name: str, array: np.ndarray) -> None:
        np.save(self._file(chunk, name), np.ascontiguousarray(array), allow_pickle=False)

    def add(self, table, x: np.ndarray, y: np.ndarray, first_row: int = 0) -> None:
        """Take the next chunk's rows (``first_row``: its first row's index in the layer)."""
        chunk, n = len(self.chunk_rows), len(table)
        plates = plate_column(table, self.plate_field, self.layer_name, first_row=first_row)
        local, normal = normalised_codes(plates)
        codes_u, new = self.plates.add(normal.tolist())
        codes = np.append(codes_u, -1).astype(np.int32)[local]
        words = None
        if self.method == "hmac":  # (each plate's id computed once, kept while reading: 32 bytes a plate)
            if new.any():
                raw = b"".join(keyed_digests(normal[new].tolist(), self._key))
                self._words.append(np.frombuffer(raw, dtype=">u8").reshape(-1, 4).astype(np.uint64))
            if len(self._words) > 1:
                self._words = [np.concatenate(self._words)]
            known = self._words[0] if self._words else np.zeros((0, 4), dtype=np.uint64)
            words = np.concatenate([known[codes_u], np.zeros((1, 4), dtype=np.uint64)])[local]
        elif self.method == "token" and new.any():
            fresh = [secrets.token_urlsafe(TOKEN_BYTES) for _ in range(int(new.sum()))]
            self.tokens = np.concatenate([self.tokens, np.array(fresh, dtype="S22")])
        for name in self.extra_fields:
            if name in table.columns:
                self.extra_plates.add(normalised_codes(table[name])[1].tolist())
        stamp = np.full(n, NO_TIME, dtype=np.int64)
        stored: Dict[str, Dict[str, np.ndarray]] = {}
        for name, column in self.columns.items():
            values = table[name].reset_index(drop=True)
            if name == self.time_field or pd.api.types.is_datetime64_any_dtype(values.dtype):
                values = coarsen_times(values, self.time_precision)
            if name == self.time_field:
                times = pd.Series(values)
                if not pd.api.types.is_datetime64_any_dtype(times.dtype):
                    times = pd.to_datetime(times)
                stamp = times.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
                stamp[pd.isna(times).to_numpy()] = NO_TIME
            stored[name] = column.store(values)
        order = np.argsort(stamp, kind="stable")
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self._save(chunk, "sx", x)
        self._save(chunk, "sy", y)
        self._save(chunk, "stamp", stamp[order])
        self._save(chunk, "code", codes[order])
        self._save(chunk, "x", x[order])
        self._save(chunk, "y", y[order])
        if words is not None:
            self._save(chunk, "words", words[order])
        for i, parts in enumerate(stored.values()):
            for part, array in parts.items():
                if part == "pickle":
                    with open(self._file(chunk, "k{}_pickle".format(i)), "wb") as handle:
                        pickle.dump(array.iloc[order].reset_index(drop=True), handle, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    self._save(chunk, "k{}_{}".format(i, part), np.asarray(array)[order])
        self._sample.append(stamp[order][::SAMPLE_EVERY].copy())
        self.chunk_rows.append(n)
        self.chunk_valid.append(int((np.isfinite(x) & np.isfinite(y)).sum()))
        self.n += n

    def __len__(self) -> int:
        return self.n

    @property
    def plate_count(self) -> int:
        return len(self.plates) if self.plates is not None else self._plate_count

    def place_sample(self, size: int) -> Tuple[np.ndarray, np.ndarray]:
        """The points with a place, one in ``len // size + 1`` in the layer's order: ``working_crs``'s own sample."""
        total = sum(self.chunk_valid)
        step = total // size + 1 if total > size else 1
        xs, ys, seen = [], [], 0
        for chunk in range(len(self.chunk_rows)):
            x, y = np.load(self._file(chunk, "sx")), np.load(self._file(chunk, "sy"))
            valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
            first = (-seen) % step
            xs.append(x[valid[first::step]])
            ys.append(y[valid[first::step]])
            seen += len(valid)
        return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.zeros(0), np.zeros(0))

    # -- what to clear, the buckets
    def finish(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Every chunk is in: the kept texts to clear (``cleared``: how many rows per field), the buckets."""
        self._key, self._words = b"", []
        self.matcher = HashedPlateMatcher([self.plates, self.extra_plates])
        for index, (name, column) in enumerate(self.columns.items()):
            if column.text:
                column.decode = np.array(column.book.values + [None], dtype=object)
            if name == self.time_field or column.text is None:
                continue
            if cancelled():
                raise Cancelled()
            if not column.text:
                column.cleared = self._count_cleared(index, column, cancelled)
                continue
            values = pd.Series(column.decode[:-1], dtype=object)
            found = self.matcher.hits(values, cancelled) | location_hits(values, name, self.grid_m)
            column.found = np.append(found, False)
            column.cleared = int(column.counts[found].sum()) if len(found) else 0
        if self.method == "token":
            while len(np.unique(self.tokens)) < len(self.tokens):  # 128 random bits: never in practice
                self.tokens = np.array([secrets.token_urlsafe(TOKEN_BYTES) for _ in self.tokens], dtype="S22")
            self.token_rank = np.empty(len(self.tokens), dtype=np.int32)
            self.token_rank[np.argsort(self.tokens, kind="stable")] = np.arange(len(self.tokens), dtype=np.int32)
        self.cleared = {name: column.cleared for name, column in self.columns.items() if column.cleared}
        if not any(column.cleared for column in self.columns.values() if column.text is False):
            self._plate_count = len(self.plates)  # (no bucket needs the plates: let them go now)
            self.plates = self.extra_plates = self.matcher = None
        sample = np.sort(np.concatenate(self._sample)) if self._sample else np.zeros(0, dtype=np.int64)
        self._sample = []
        buckets = max(1, math.ceil(self.n / self.bucket_rows))
        cuts = sample[(np.arange(1, buckets) * len(sample)) // buckets] if len(sample) else sample
        self.bounds = np.unique(cuts)  # a bucket: the times from one bound (included) to the next
        self._offsets = []
        for chunk in range(len(self.chunk_rows)):
            stamp = np.load(self._file(chunk, "stamp"), mmap_mode="r")
            self._offsets.append(np.concatenate(([0], np.searchsorted(stamp, self.bounds, side="left"), [len(stamp)])))
            del stamp

    def drop(self) -> None:
        """Let go of the plates and kept values (the release is written); ``plate_count`` stays."""
        self._plate_count = self.plate_count
        self.plates = self.extra_plates = self.matcher = None
        self.tokens = self.token_rank = None
        self.columns = {}

    @property
    def bucket_count(self) -> int:
        return len(self.bounds) + 1

    def _gather(self, bucket: int, name: str, pickled: bool = False):
        parts = []
        for chunk, offsets in enumerate(self._offsets):
            lo, hi = int(offsets[bucket]), int(offsets[bucket + 1])
            if hi <= lo:
                continue
            if pickled:
                with open(self._file(chunk, name), "rb") as handle:
                    parts.append(pickle.load(handle).iloc[lo:hi])
            else:
                array = np.load(self._file(chunk, name), mmap_mode="r")
                parts.append(np.array(array[lo:hi]))
                del array
        return parts

    def _bucket_array(self, bucket: int, name: str, empty: np.ndarray) -> np.ndarray:
        parts = self._gather(bucket, name)
        return np.concatenate(parts) if parts else empty

    def bucket_order(self, stamp: np.ndarray, codes: np.ndarray, words: Optional[np.ndarray]) -> np.ndarray:
        """A bucket's rows in the release's order: time, then plate id (none last), ties shuffled."""
        n = len(stamp)
        shuffled = np.random.default_rng(secrets.randbits(128)).permutation(n)
        stamp, codes = stamp[shuffled], codes[shuffled]
        if self.method == "drop":
            return shuffled[np.argsort(stamp, kind="stable")]
        none = codes < 0
        if self.method == "token":
            return shuffled[np.lexsort((np.append(self.token_rank, 0)[codes], none, stamp))]
        words = words[shuffled]
        # The first 8 bytes of the ids tell them apart but for a chance in 2**64: the other 24 only then.
        order = np.lexsort((words[:, 0], none, stamp))
        same = (stamp[order][1:] == stamp[order][:-1]) & (words[order, 0][1:] == words[order, 0][:-1])
        if (same & (codes[order][1:] != codes[order][:-1])).any():
            order = np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0], none, stamp))
        return shuffled[order]

    def _piece(self, chunk: int, tag: str, kind: str, dtype, lo: int, hi: int):
        """One chunk's rows ``lo:hi`` of a kept column that is not text, as a Series."""
        if kind == "pickled":
            with open(self._file(chunk, tag + "pickle"), "rb") as handle:
                return pickle.load(handle).iloc[lo:hi]
        data = np.load(self._file(chunk, tag + "data"), mmap_mode="r")
        data = np.array(data[lo:hi])
        if kind == "masked":
            mask = np.load(self._file(chunk, tag + "mask"), mmap_mode="r")
            return pd.Series(type(pd.array([], dtype=dtype))(data, np.array(mask[lo:hi])))
        return pd.Series(data, dtype=dtype)

    def _column_values(self, bucket: int, index: int, column: _Column, order: np.ndarray):
        """A kept column's values in a bucket, in the release's order, cleared where they give something away."""
        tag = "k{}_".format(index)
        if column.text or column.text is None:
            if column.text is None:
                return pd.Series([None] * len(order), dtype=object)
            codes = self._bucket_array(bucket, tag + "codes", np.zeros(0, dtype=np.int32))[order]
            values = pd.Series(column.decode[codes], dtype=object)
            if column.found is not None:
                hits = column.found[codes]
                if hits.any():
                    values = values.where(~hits)
            return values
        common = column.common_dtype()
        pieces = []
        for chunk, offsets in enumerate(self._offsets):
            lo, hi = int(offsets[bucket]), int(offsets[bucket + 1])
            if hi > lo:
                kind, dtype = column.kinds[chunk]
                pieces.append(self._piece(chunk, tag, kind, dtype, lo, hi))
        values = pd.concat(pieces, ignore_index=True) if pieces else pd.Series([], dtype=common)
        if common is not None and values.dtype != common:
            values = values.astype(common)
        values = values.iloc[order].reset_index(drop=True)
        if column.name == self.time_field or not column.cleared:
            return values
        hits = self.matcher.hits(values) | location_hits(values, column.name, self.grid_m)
        return values.astype(object).where(~hits, None) if values.dtype != object else values.where(~hits)

    def _count_cleared(self, index: int, column: _Column, cancelled: Callable[[], bool]) -> int:
        """How many rows of a kept column that is not text give something away (a chunk at a time)."""
        common, count = column.common_dtype(), 0
        for chunk, rows in enumerate(self.chunk_rows):
            if cancelled():
                raise Cancelled()
            kind, dtype = column.kinds[chunk]
            values = self._piece(chunk, "k{}_".format(index), kind, dtype, 0, rows).reset_index(drop=True)
            if common is not None and values.dtype != common:
                values = values.astype(common)
            count += int((self.matcher.hits(values, cancelled) | location_hits(values, column.name, self.grid_m)).sum())
        return count

    def write(
        self,
        places: Callable[[np.ndarray, np.ndarray], Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
        emit: Callable[[object, np.ndarray, np.ndarray, bool], bool],
        audit: Optional[TrailAudit] = None,
        cancelled: Callable[[], bool] = lambda: False,
        progress: Callable[[float], None] = lambda f: None,
    ) -> int:
        """The release a bucket at a time, in its order: ``places(x, y)`` gives ``(mx, my, x, y)`` (metric
        snapped, and as released), ``emit(frame, x, y, last)`` writes (False: cancelled); the audit gets each
        bucket's points.  How many rows were written."""
        written = 0
        for bucket in range(self.bucket_count):
            if cancelled():
                raise Cancelled()
            stamp = self._bucket_array(bucket, "stamp", np.zeros(0, dtype=np.int64))
            codes = self._bucket_array(bucket, "code", np.zeros(0, dtype=np.int32))
            words = (
                self._bucket_array(bucket, "words", np.zeros((0, 4), dtype=np.uint64))
                if self.method == "hmac"
                else None
            )
            order = self.bucket_order(stamp, codes, words)
            stamp, codes = stamp[order], codes[order]
            frame = pd.DataFrame(index=pd.RangeIndex(len(order)))
            if self.method == "hmac":
                words = words[order]
                text = words.astype(">u8").tobytes().hex()
                ids = np.array([text[i : i + 64] for i in range(0, len(text), 64)] + [None], dtype=object)[:-1]
                ids[codes < 0] = None
                frame["plate_id"] = ids
            elif self.method == "token":
                ids = np.append(self.tokens, b"")[codes].astype("U22").astype(object)
                ids[codes < 0] = None
                frame["plate_id"] = ids
            del words
            for index, (name, column) in enumerate(self.columns.items()):
                frame[name] = self._column_values(bucket, index, column, order)
            x = self._bucket_array(bucket, "x", np.zeros(0))[order]
            y = self._bucket_array(bucket, "y", np.zeros(0))[order]
            del order
            mx, my, x, y = places(x, y)
            if audit is not None and self.method != "drop":
                ok = (codes >= 0) & np.isfinite(mx) & np.isfinite(my) & (stamp != NO_TIME)
                audit.add(codes[ok], mx[ok], my[ok], stamp[ok])
            del mx, my, stamp, codes
            last = bucket == self.bucket_count - 1
            if not emit(frame, x, y, last):
                raise Cancelled()
            written += len(frame)
            del frame, x, y
            progress((bucket + 1) / self.bucket_count)
        return written
