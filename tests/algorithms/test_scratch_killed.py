"""No raw plate left behind: a loader killed mid-way leaves no scratch file, and later runs sweep what one left."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from qgis import processing

from alpr_qgis.core.scratch import LOCK_NAME, PREFIX, ScratchDir, sweep
from tests.helpers import export_csv

REPO = Path(__file__).resolve().parents[2]
PLATES = ["QZX{:04d}".format(i) for i in range(997)]  # distinctive: found in no other bytes


def big_export(path: Path, rows: int) -> str:
    lines = ["ID,plate,timestamp,lat,lon,device"]
    for i in range(rows):
        lines.append(
            "{},{},2021-10-07 {:02d}:{:02d}:{:02d},{:.6f},{:.6f},CAR {}".format(
                i,
                PLATES[i % len(PLATES)],
                i % 24,
                i % 60,
                (i * 7) % 60,
                37.7 + i % 1000 / 1e4,
                -122.2 - i % 777 / 1e4,
                i % 5,
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return str(path)


RUNNER = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {repo!r})
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    Processing.initialize()
    from alpr_qgis.provider import AlprProvider
    provider = AlprProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    from qgis import processing
    processing.run("alpr:loadreads", {{"INPUT": sys.argv[1], "OUTPUT": sys.argv[2], "REJECTED": "TEMPORARY_OUTPUT"}})
    """
)


def holds_plate(path: Path) -> bool:
    data = path.read_bytes()
    return any(p.encode() in data for p in PLATES[:50])


def scratch_folders(folder: Path):
    return [p for p in folder.iterdir() if p.name.startswith((PREFIX, ".alpr_parts_"))]


def test_killed_loader_leaves_no_plate_on_disk(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    csv = big_export(source / "export.csv", 420_000)  # about 30 MB: parts read and stored by two workers
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    script = tmp_path / "run.py"
    script.write_text(RUNNER.format(repo=str(REPO)))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        ["/usr/bin/python3", str(script), csv, str(out_dir / "reads.gpkg")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait until the workers have stored raw plates in the run's scratch folder, then kill QGIS outright.
        deadline = time.monotonic() + 120
        stored = False
        while time.monotonic() < deadline and proc.poll() is None:
            for folder in scratch_folders(out_dir):
                if oct(folder.stat().st_mode & 0o777) != oct(0o700):
                    pytest.fail("the scratch folder is not private: {}".format(oct(folder.stat().st_mode)))
                if any(f.name.startswith("part_rows") and f.stat().st_size > 100_000 for f in folder.iterdir()):
                    stored = True
            if stored:
                break
            time.sleep(0.05)
        assert stored, "the loader never stored parts in a scratch folder"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    # The workers see their parent gone, and remove the folder themselves.
    deadline = time.monotonic() + 30
    while scratch_folders(out_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert scratch_folders(out_dir) == []
    # No file but the (unfinished) output itself holds a plate.
    leftovers = [p for p in out_dir.rglob("*") if p.is_file() and not p.name.startswith("reads.gpkg")]
    assert [p.name for p in leftovers if holds_plate(p)] == []


def test_later_runs_sweep_orphaned_scratch(tmp_path):
    # A folder whose owner died (its lock is free) and one from an older version (no lock, not new).
    orphan = tmp_path / (PREFIX + "dead")
    orphan.mkdir(mode=0o700)
    (orphan / LOCK_NAME).write_text("")
    (orphan / "part_rows_0.sqlite").write_bytes(b"QZX0001")
    old = tmp_path / ".alpr_parts_old"
    old.mkdir()
    (old / "part_rows_0.sqlite").write_bytes(b"QZX0002")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    alive = ScratchDir(str(tmp_path))  # held by this process: never swept
    foreign = tmp_path / ".not_ours"
    foreign.mkdir()
    processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(tmp_path / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    # The run swept its output folder: the orphans are gone, the live folder and others' stay.
    assert not orphan.exists() and not old.exists()
    assert sweep(str(tmp_path)) == []
    assert Path(alive.path).is_dir() and foreign.is_dir()
    alive.close()
    assert not Path(alive.path).exists()


def test_scratch_dir_is_private_and_removed_on_error(tmp_path):
    def fail_inside(scratch):
        Path(scratch.file("x")).write_text("QZX0003")
        assert os.stat(scratch.path).st_mode & 0o777 == 0o700
        raise RuntimeError("boom")

    with ScratchDir(str(tmp_path)) as scratch, pytest.raises(RuntimeError):
        fail_inside(scratch)
    assert scratch_folders(tmp_path) == []
