"""Duplicate reads: the same plate read by the same device within a few seconds of its previous read.

``flag_duplicates`` flags them in whole columns; ``DuplicateFinder`` does the
same for a layer given chunk after chunk, the reads sent to buckets by plate
(in files of a private scratch folder when one is given), each bucket sorted
on its own: the layer-wide state is one flag a read.  ``core.cleaning`` calls
them for ``alpr:cleanreads``'s ``DEDUP_SECONDS``.
"""

from __future__ import annotations

import os
from typing import Callable, List, Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import Codebook, normalised_codes

pd = lazy_module("pandas")


def flag_duplicates(plates: pd.Series, devices: pd.Series, times: pd.Series, seconds: float) -> np.ndarray:
    """True for a read of the same plate by the same device within ``seconds`` of its previous read.

    Reads without plate or time are never duplicates; a missing device counts
    as one device of its own.
    """
    text = pd.Series(plates, dtype=object).reset_index(drop=True)
    codes, _ = pd.factorize(text, sort=False)
    has_plate = (codes >= 0) & (text.to_numpy() != "")
    return _flag_duplicates(codes, has_plate, devices.reset_index(drop=True), times, seconds)


def _flag_duplicates(
    plate_codes: np.ndarray, has_plate: np.ndarray, devices: pd.Series, times: pd.Series, seconds: float
) -> np.ndarray:
    """``flag_duplicates`` on plates given as integer codes; sorts integers, not text."""
    return _flags(plate_codes, has_plate, _device_codes(devices, Codebook()), _stamps_ns(times), seconds)


def _device_codes(devices: pd.Series, book: Codebook) -> np.ndarray:
    """Codes of the devices as text; a missing device is one device of its own."""
    raw_codes, raw_unique = pd.factorize(pd.Series(devices, dtype=object).reset_index(drop=True), sort=False)
    names = pd.Series(raw_unique, dtype=object).astype(str).tolist() + ["\x00"]
    return book.encode(np.where(raw_codes < 0, len(names) - 1, raw_codes), names)


def _stamps_ns(times: pd.Series) -> np.ndarray:
    """Times as int64 nanoseconds (UTC for times with a zone); NaT as ``_NAT``."""
    stamps = pd.to_datetime(pd.Series(times).reset_index(drop=True))
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


_NAT = np.iinfo(np.int64).min


def _flags(
    plate_codes: np.ndarray, has_plate: np.ndarray, device_codes: np.ndarray, ns: np.ndarray, seconds: float
) -> np.ndarray:
    """The duplicate flags of reads given as plate codes, device codes and int64 nanoseconds."""
    rows = np.flatnonzero(has_plate & (ns != _NAT))
    order = rows[np.lexsort((ns[rows], device_codes[rows], plate_codes[rows]))]
    del rows
    sorted_ns = ns[order]
    plates, devices = plate_codes[order], device_codes[order]
    same = (plates[1:] == plates[:-1]) & (devices[1:] == devices[:-1])
    del plates, devices
    gap = np.diff(sorted_ns) // 1_000_000 / 1000.0  # whole milliseconds, as seconds
    out = np.zeros(len(plate_codes), dtype=bool)
    out[order[1:]] = same & (gap <= seconds)
    return out


#: Reads a bucket of the duplicate finder holds on average (one bucket is sorted at a time).
BUCKET_READS = 250_000
_MAX_BUCKETS = 1024
_UNKNOWN_ROWS = 4_000_000  # (the rows to plan buckets for when the layer does not say how many it has)
# What a bucket keeps of a read: its row, its plate (an index into the bucket's texts), device code and time.
_RECORD = np.dtype([("row", "<i8"), ("plate", "<i4"), ("device", "<i4"), ("ns", "<i8")])


class DuplicateFinder:
    """Duplicate flagging (DEDUP_SECONDS) over reads given chunk after chunk, with the flags of the whole layer.

    A duplicate is a read of the same plate by the same device, so the reads
    are parted by plate as they come: each chunk's reads that have a plate
    and a time go to one of ``buckets`` buckets by a hash of their
    normalised plate (a record of row, plate, device code and time per
    read, and the bucket's plate texts once per chunk), and ``flags`` sorts
    one bucket at a time.  Nothing is kept per read of the layer but the
    flags (a byte); a bucket holds about ``bucket_reads`` reads.

    ``folder``: the buckets are files there (plate texts: give a private
    folder, ``core.scratch.ScratchDir``), removed as they are sorted;
    without one they are kept in memory.  ``expected_rows``: the layer's
    reads (0 when unknown), to choose the number of buckets.
    """

    def __init__(
        self, seconds: float, folder: Optional[str] = None, expected_rows: int = 0, bucket_reads: int = 0
    ) -> None:
        self.seconds = seconds
        self.folder = folder
        rows = expected_rows if expected_rows > 0 else _UNKNOWN_ROWS
        self.buckets = int(max(1, min(_MAX_BUCKETS, -(-rows // max(1, bucket_reads or BUCKET_READS)))))
        self._devices = Codebook()
        self.rows = 0
        self._texts = [0] * self.buckets  # plate texts stored so far, per bucket
        self._kept: List[List[Tuple[np.ndarray, List[str]]]] = [[] for _ in range(self.buckets)]  # (no folder)

    def _files(self, bucket: int) -> Tuple[str, str]:
        return (
            os.path.join(self.folder, "dedup_{}.rec".format(bucket)),
            os.path.join(self.folder, "dedup_{}.txt".format(bucket)),
        )

    def add(self, plates: pd.Series, devices: pd.Series, times: pd.Series) -> None:
        """The next chunk's plates, devices and times (rows of the layer in order)."""
        codes, uniques = normalised_codes(pd.Series(plates).reset_index(drop=True))
        device = _device_codes(devices, self._devices)
        ns = _stamps_ns(times)
        first, self.rows = self.rows, self.rows + len(codes)
        keep = np.flatnonzero((codes >= 0) & (ns != _NAT))
        if not len(keep):
            return
        # Each distinct plate's bucket (str hashes are fixed for the process), and its place among the bucket's texts.
        k = self.buckets
        of_plate = np.fromiter(map(hash, uniques.tolist()), dtype=np.int64, count=len(uniques)) % k
        by_bucket = np.argsort(of_plate, kind="stable")
        plates_in = np.bincount(of_plate, minlength=k)
        plate_start = np.concatenate([[0], np.cumsum(plates_in)])
        place = np.empty(len(uniques), dtype=np.int64)
        place[by_bucket] = np.arange(len(uniques)) - np.repeat(plate_start[:-1], plates_in)
        read_codes = codes[keep]
        bucket = of_plate[read_codes]
        order = keep[np.argsort(bucket, kind="stable")]  # (rows ascending within a bucket)
        reads_in = np.bincount(bucket, minlength=k)
        del read_codes, bucket, keep
        at = 0
        for b in np.flatnonzero(reads_in).tolist():
            rows = order[at : at + reads_in[b]]
            at += reads_in[b]
            records = np.empty(len(rows), dtype=_RECORD)
            records["row"] = first + rows
            records["plate"] = self._texts[b] + place[codes[rows]]
            records["device"] = device[rows]
            records["ns"] = ns[rows]
            texts = uniques[by_bucket[plate_start[b] : plate_start[b + 1]]].tolist()
            self._texts[b] += len(texts)
            if self.folder is None:
                self._kept[b].append((records, texts))
                continue
            rec_file, text_file = self._files(b)
            with open(rec_file, "ab") as handle:
                records.tofile(handle)
            with open(text_file, "ab") as handle:  # (a normalised plate never holds a line break)
                handle.write(("\n".join(texts) + "\n").encode("utf-8", "surrogatepass"))

    def _bucket(self, b: int) -> Tuple[np.ndarray, List[str]]:
        """Bucket ``b``'s records and plate texts (let go of: each bucket is read once)."""
        if self.folder is None:
            parts, self._kept[b] = self._kept[b], []
            if not parts:
                return np.zeros(0, dtype=_RECORD), []
            return np.concatenate([p[0] for p in parts]), [t for p in parts for t in p[1]]
        rec_file, text_file = self._files(b)
        if not os.path.exists(rec_file):
            return np.zeros(0, dtype=_RECORD), []
        records = np.fromfile(rec_file, dtype=_RECORD)
        with open(text_file, "rb") as handle:
            texts = handle.read().decode("utf-8", "surrogatepass").split("\n")[:-1]
        os.remove(rec_file)
        os.remove(text_file)
        return records, texts

    def flags(
        self, progress: Callable[[float], None] = lambda f: None, cancelled: Callable[[], bool] = lambda: False
    ) -> np.ndarray:
        """True for each read (of every chunk, in order) re-read within ``seconds`` (before the rules)."""
        out = np.zeros(self.rows, dtype=bool)
        for b in range(self.buckets):
            if cancelled():
                raise Cancelled()
            records, texts = self._bucket(b)
            if len(records):
                plate_codes, _ = pd.factorize(np.asarray(texts, dtype=object), sort=False)
                del texts
                plate = plate_codes[records["plate"]]
                del plate_codes
                found = _flags(plate, np.ones(len(records), dtype=bool), records["device"], records["ns"], self.seconds)
                out[records["row"]] = found
            progress((b + 1) / self.buckets)
        return out
