"""Small helpers for writing test input files."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Union

HEADER = "ID,red_VRM,red_Timestamp,Location,Device,red_State,ImageFile"
ROWS = [
    '101,6TRM913,07/20/2014 08:01:02 AM,"(37.80123, -122.27456)",PATROL 1,CA,IMG_6TRM913.jpg',
    '102,ABC123,07/20/2014 01:15:40 PM,"(37.79001, -122.26002)",PATROL 1,CA,IMG_ABC123.jpg',
    '103,CAUT10N,07/20/2014 02:00:00 PM,"(37.81, -122.25)",PATROL 2,,IMG_CAUT10N.jpg',
    '104,7XYZ321,07/21/2014 11:59:59 PM,"(0.0, 0.0)",PATROL 2,NV,IMG_7XYZ321.jpg',
    "105,1234567,07/21/2014 12:00:01 AM,,PATROL 3,CA,IMG_1234567.jpg",
]


def write(path: Path, text: Union[str, bytes], *, encoding: str = "utf-8", gz: bool = False) -> str:
    """Write ``text`` (str encoded with ``encoding``, or bytes) and return the path as str."""
    data = text.encode(encoding) if isinstance(text, str) else text
    if gz:
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return str(path)


def export_csv(tmp_path: Path, name: str = "reads.csv", rows=None, header: str = HEADER, **kw) -> str:
    """A small records-request style export (LF line ends)."""
    body = "\n".join([header, *(ROWS if rows is None else rows)]) + "\n"
    return write(tmp_path / name, body, **kw)


def export_rows(n: int = 240) -> list:
    """Records-request style rows with every kind of trouble spread through the file."""
    rows = []
    for i in range(n):
        rid = 1000 + i
        plate = "7ABC{:03d}".format(i % 97)
        when = "07/{:02d}/2014 {:02d}:{:02d}:{:02d} {}".format(
            14 + i % 7, 1 + i % 12, i % 60, (i * 7) % 60, "AP"[i % 2] + "M"
        )
        where = '"({:.5f}, {:.5f})"'.format(37.7 + i / 10000, -122.2 - i / 10000)
        device = "PATROL {}".format(1 + i % 3)
        state = "" if i % 11 == 0 else "CA"
        image = "IMG_{}.jpg".format(i)
        if i % 37 == 5:
            when = "not a time"  # rejected: bad timestamp
        if i % 41 == 7:
            where = ""  # missing location
        if i % 53 == 9:
            where = '"nowhere"'  # unreadable location
        if i % 29 == 3:
            device = '"PATROL, 9"'  # a quoted delimiter
        row = ",".join([str(rid), plate, when, where, device, state, image])
        if i % 43 == 11:
            row = ",".join([str(rid), plate, when])  # too few fields
        if i % 47 == 13:
            row += ",extra"  # too many fields
        rows.append(row)
        if i % 31 == 17:
            rows.append("")  # blank lines inside
            rows.append("   ")
    return rows


def store_then_fail(table, path: str, srs_id: int) -> int:
    """A ``PartStore`` function for the loader's workers: stores a file's first part, then fails (a broken worker)."""
    import os

    from alpr_qgis.qgis_io.sqlite_rows import store_part

    if os.path.exists(path):
        raise RuntimeError("this worker breaks on a file's second part")
    return store_part(table, path, srs_id)
