"""Faults injected as a user meets them: clashing paths, a full disk, a killed run, a read-only folder, huge headers.

Each test asserts how the run ends (exit status or the exception's one-line
message) and the state of every file left in the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from tests.helpers import export_csv


def listing(folder: Path) -> list:
    """Every name in ``folder``, hidden ones included, sorted."""
    return sorted(p.name for p in folder.iterdir())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(source: str) -> list:
    """Every feature of ``source``: attributes and geometry as text."""
    layer = QgsVectorLayer(source)
    assert layer.isValid()
    return [(f.attributes(), f.geometry().asWkt()) for f in layer.getFeatures()]


def load(folder: Path, name: str = "reads.gpkg") -> str:
    res = processing.run(
        "alpr:loadreads", {"INPUT": export_csv(folder), "OUTPUT": str(folder / name), "REJECTED": "TEMPORARY_OUTPUT"}
    )
    return res["OUTPUT"]


# ------------------------------------------------------------------ clashing paths


def test_two_outputs_on_one_file_are_refused_before_any_work(tmp_path):
    reads = load(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:cleanreads",
            {"INPUT": reads, "OUTPUT": str(tmp_path / "c.gpkg"), "REJECTED": str(tmp_path / "c.gpkg")},
        )
    message = str(caught.value)
    assert "OUTPUT and REJECTED" in message and "c.gpkg" in message
    assert str(tmp_path) not in message and "\n" not in message.strip()
    assert listing(tmp_path) == before  # no c.gpkg, no temporary file


def test_an_output_on_its_input_is_refused_and_the_input_kept(tmp_path):
    reads = load(tmp_path)
    kept = rows(reads)
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT would overwrite the input INPUT \(reads.gpkg\)"):
        processing.run("alpr:cleanreads", {"INPUT": reads, "OUTPUT": reads, "REJECTED": "TEMPORARY_OUTPUT"})
    assert rows(reads) == kept and len(kept) == 5
    assert [p for p in listing(tmp_path) if not p.startswith("reads.gpkg")] == ["reads.csv"]


def test_the_same_layer_named_twice_is_refused(tmp_path):
    reads = load(tmp_path)
    same = "ogr:dbname='{}' table=\"a\"".format(tmp_path / "m.gpkg")
    with pytest.raises(QgsProcessingException, match='OUTPUT and REJECTED would both write m.gpkg, layer "a"'):
        processing.run("alpr:cleanreads", {"INPUT": reads, "OUTPUT": same + " (geom)", "REJECTED": same})
    assert listing(tmp_path) == ["reads.csv", "reads.gpkg"]


def test_named_layers_of_one_geopackage_are_allowed(tmp_path):
    reads = load(tmp_path)
    gpkg = tmp_path / "m.gpkg"
    res = processing.run(
        "alpr:cleanreads",
        {
            "INPUT": reads,
            "OUTPUT": "ogr:dbname='{}' table=\"clean\" (geom)".format(gpkg),
            "REJECTED": "ogr:dbname='{}' table=\"rejected\"".format(gpkg),
        },
    )
    assert res["OUTPUT"] == "{}|layername=clean".format(gpkg)
    assert QgsVectorLayer(res["OUTPUT"]).featureCount() == res["CLEAN_COUNT"] == 2
    assert QgsVectorLayer(res["REJECTED"]).featureCount() == res["REJECTED_COUNT"] == 3
    assert listing(tmp_path) == ["m.gpkg", "reads.csv", "reads.gpkg"]


# ------------------------------------------------------------------ a full disk, a read-only folder


def big_rows(n: int) -> list:
    return [
        '{},QZX{:04d},07/20/2014 08:{:02d}:{:02d} AM,"({:.5f}, {:.5f})",PATROL {},CA,IMG_{}.jpg'.format(
            i, i % 997, i % 60, (i * 7) % 60, 37.7 + i % 1000 / 1e4, -122.2 - i % 777 / 1e4, i % 5, "x" * 40
        )
        for i in range(n)
    ]


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system (tmpfs) mounted for the test; skipped unless root can mount one."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is made with a tmpfs, which only root can mount")
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("could not mount a tmpfs: {}".format(done.stderr.decode(errors="replace").strip()))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_disk_fails_in_one_line_and_keeps_the_previous_layer(tmp_path, small_disk):
    good = processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(small_disk / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    kept = rows(good["OUTPUT"])
    big = export_csv(tmp_path, name="big.csv", rows=big_rows(30_000))  # about 5 MB as a GeoPackage
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:loadreads", {"INPUT": big, "OUTPUT": str(small_disk / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
        )
    assert str(caught.value) == "disk full while writing reads.gpkg: free space and run again"
    assert listing(small_disk) == ["reads.gpkg"]  # no temporary file, no journal
    assert rows(str(small_disk / "reads.gpkg")) == kept


@pytest.fixture
def read_only(tmp_path):
    """A folder holding ``earlier.gpkg`` and ``earlier.html``, then made read-only (a read-only mount for root)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    mounted = False
    if os.geteuid() == 0:  # root writes in any folder whatever its mode: a file system mounted read-only instead
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(locked)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("root ignores folder modes, and no tmpfs could be mounted")
        mounted = True
    try:
        (locked / "earlier.gpkg").write_bytes(b"an earlier file")
        (locked / "earlier.html").write_bytes(b"an earlier report")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(locked)], check=True)
        else:
            locked.chmod(0o555)
        yield locked
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(locked)], check=False)
        else:
            locked.chmod(0o755)


@pytest.mark.parametrize(
    ("alg", "outputs", "name"),
    [
        ("alpr:cleanreads", {"OUTPUT": "earlier.gpkg", "REJECTED": "TEMPORARY_OUTPUT"}, "earlier.gpkg"),
        ("alpr:cleanreads", {"OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "new.gpkg"}, "new.gpkg"),
        ("alpr:summary", {"OUTPUT_TABLE": "TEMPORARY_OUTPUT", "OUTPUT_HTML": "earlier.html"}, "earlier.html"),
        ("alpr:heatmap", {"OUTPUT": "heat.tif", "RADIUS": 300.0, "PIXEL_SIZE": 50.0}, "heat.tif"),
    ],
)
def test_read_only_folder_fails_in_one_line(tmp_path, read_only, alg, outputs, name):
    reads = load(tmp_path)
    if alg == "alpr:heatmap":
        reads = processing.run(
            "alpr:cleanreads", {"INPUT": reads, "OUTPUT": str(tmp_path / "c.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
        )["OUTPUT"]
    params = {
        k: (v if not isinstance(v, str) or v == "TEMPORARY_OUTPUT" else str(read_only / v)) for k, v in outputs.items()
    }
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(alg, dict(params, INPUT=reads))
    assert str(caught.value) == "cannot write {}: its folder is read-only or not yours; choose another folder".format(
        name
    )
    assert listing(read_only) == ["earlier.gpkg", "earlier.html"]
    assert (read_only / "earlier.gpkg").read_bytes() == b"an earlier file"
    assert (read_only / "earlier.html").read_bytes() == b"an earlier report"


def fill(folder: Path, leave: int) -> None:
    """Fill ``folder``'s file system but for about ``leave`` bytes."""
    stat = os.statvfs(folder)
    (folder / "filler").write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))


def test_full_disk_heatmap_fails_in_one_line_and_keeps_the_previous_raster(tmp_path, small_disk):
    reads = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(tmp_path, name="area.csv", rows=big_rows(2000)),
            "OUTPUT": str(tmp_path / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    heat = str(small_disk / "heat.tif")
    params = {"INPUT": reads, "RADIUS": 500.0, "PIXEL_SIZE": 100.0, "OUTPUT": heat}
    first = processing.run("alpr:heatmap", params)
    assert first["OUTPUT"] == heat and listing(small_disk) == ["heat.qml", "heat.tif"]
    kept = {name: digest(small_disk / name) for name in ("heat.qml", "heat.tif")}
    fill(small_disk, 64 * 1024)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run("alpr:heatmap", dict(params, PIXEL_SIZE=5.0, RADIUS=300.0))  # a few MB of raster
    assert str(caught.value) == "disk full while writing heat.tif: free space and run again"
    assert listing(small_disk) == ["filler", "heat.qml", "heat.tif"]
    assert {name: digest(small_disk / name) for name in ("heat.qml", "heat.tif")} == kept


# ------------------------------------------------------------------ pathological headers


def wide_export(folder: Path, columns: int) -> str:
    header = ["plate", "timestamp", "lat", "lon"] + ["c{}".format(i) for i in range(columns - 4)]
    row = ",".join(["ABC123", "2021-10-07 10:00:00", "37.8", "-122.2"] + ["x"] * (columns - 4))
    path = folder / "wide.csv"
    path.write_text(",".join(header) + "\n" + "\n".join([row] * 3) + "\n")
    return str(path)


def test_a_header_of_20000_columns_is_refused_at_once(tmp_path, recwarn):
    src = wide_export(tmp_path, 20_000)
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:loadreads", {"INPUT": src, "OUTPUT": str(tmp_path / "o.gpkg"), "REJECTED": str(tmp_path / "r.gpkg")}
        )
    assert str(caught.value).startswith(
        "wide.csv: has a header of 20,000 columns, more than any ALPR export holds (at most 10,000 are read)."
    )
    assert listing(tmp_path) == ["wide.csv"]
    assert not [w for w in recwarn if "pandas" in str(w.category.__module__)]


def test_more_columns_than_a_geopackage_holds_is_a_clear_error(tmp_path, recwarn):
    src = wide_export(tmp_path, 5_000)
    with pytest.raises(QgsProcessingException, match=r"^o.gpkg cannot hold 5,002 columns: a GeoPackage table holds"):
        processing.run(
            "alpr:loadreads", {"INPUT": src, "OUTPUT": str(tmp_path / "o.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
        )
    assert listing(tmp_path) == ["wide.csv"]
    res = processing.run("alpr:loadreads", {"INPUT": src, "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"})
    assert res["READ_COUNT"] == 3 and res["OUTPUT"].fields().count() == 5_002
    assert not [w for w in recwarn if "pandas" in str(w.category.__module__)]  # no warning a column


# ------------------------------------------------------------------ a killed run

REPO = Path(__file__).resolve().parents[2]
RUNNER = textwrap.dedent(
    """
    import json, os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {repo!r})
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    Processing.initialize()
    from alpr_qgis.core.reads import streaming
    streaming.STREAM_PART_BYTES = 150_000  # many small parts: read and stored by the workers for a while
    from alpr_qgis.provider import AlprProvider
    provider = AlprProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    from qgis import processing
    alg, params = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps({{k: v for k, v in processing.run(alg, params).items() if isinstance(v, (int, float, str))}}))
    """
)


def children(pid: int) -> list:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_killed_rerun_keeps_the_previous_output_and_leaves_no_worker(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    good = processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(out / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    kept = rows(good["OUTPUT"])
    big = export_csv(tmp_path, name="big.csv", rows=big_rows(60_000))  # about 6 MB: 40 parts
    script = tmp_path / "run.py"
    script.write_text(RUNNER.format(repo=str(REPO)))
    params = {"INPUT": big, "OUTPUT": str(out / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
    proc = subprocess.Popen(
        ["/usr/bin/python3", str(script), "alpr:loadreads", json.dumps(params)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    workers = []
    try:
        # Kill it once its new output is being written aside and its workers are storing parts.
        def writing() -> bool:
            aside = [p for p in out.iterdir() if p.name.startswith(".alpr_output_")]
            scratch = [p for p in out.iterdir() if p.name.startswith(".alpr_scratch_")]
            written = any(f.name == "reads.gpkg" and f.stat().st_size > 200_000 for p in aside for f in p.iterdir())
            stored = any(f.name.startswith("part_rows") for p in scratch for f in p.iterdir())
            return proc.poll() is not None or (written and stored)

        assert wait_for(writing), "the rerun never wrote its output aside"
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        workers = children(proc.pid)
        assert workers, "no worker process to watch"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The workers die with their parent, and remove their scratch folder (raw plates) as they go.
    assert wait_for(lambda: not any(alive(w) for w in workers), 30), "workers outlived their parent"
    assert not [p for p in out.iterdir() if p.name.startswith(".alpr_scratch_")]
    # The previous output is whole; what the killed run wrote aside is left hidden, and swept by the next run there.
    assert rows(str(out / "reads.gpkg")) == kept
    assert [p.name for p in out.iterdir() if not p.name.startswith(".alpr_output_")] == ["reads.gpkg"]
    processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(out / "next.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    assert listing(out) == ["next.gpkg", "reads.gpkg"]
    assert rows(str(out / "reads.gpkg")) == kept


def test_the_report_map_scratch_is_removed(tmp_path, monkeypatch):
    from qgis.core import QgsProcessingUtils

    from alpr_qgis.qgis_io import report_map

    monkeypatch.setattr(report_map, "DRAW_POINTS_UP_TO", 1)  # the map is a density raster made in scratch
    made = []
    real = report_map.mapimage.density_layer
    monkeypatch.setattr(report_map.mapimage, "density_layer", lambda *a, **k: made.append(Path(a[4])) or real(*a, **k))
    reads = load(tmp_path)
    res = processing.run(
        "alpr:summary", {"INPUT": reads, "OUTPUT_TABLE": "TEMPORARY_OUTPUT", "OUTPUT_HTML": str(tmp_path / "r.html")}
    )
    assert "data:image/png;base64," in Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")
    assert len(made) == 1 and made[0].parent == Path(QgsProcessingUtils.tempFolder())
    assert made[0].name.startswith(".alpr_scratch_") and not made[0].exists()
    assert listing(tmp_path) == ["r.html", "reads.csv", "reads.gpkg"]


def run_script(tmp_path: Path, alg: str, params: dict) -> subprocess.Popen:
    script = tmp_path / "run.py"
    script.write_text(RUNNER.format(repo=str(REPO)))
    return subprocess.Popen(
        ["/usr/bin/python3", str(script), alg, json.dumps(params)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )


def test_killed_heatmap_rerun_keeps_the_previous_raster_and_style(tmp_path):
    reads = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(tmp_path, name="area.csv", rows=big_rows(2000)),
            "OUTPUT": str(tmp_path / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    out = tmp_path / "out"
    out.mkdir()
    params = {"INPUT": reads, "RADIUS": 500.0, "PIXEL_SIZE": 100.0, "OUTPUT": str(out / "heat.tif")}
    processing.run("alpr:heatmap", params)
    kept = {name: digest(out / name) for name in ("heat.qml", "heat.tif")}
    proc = run_script(tmp_path, "alpr:heatmap", dict(params, PIXEL_SIZE=2.0, RADIUS=200.0))  # some 20 million cells
    try:

        def writing() -> bool:
            aside = [f for p in out.iterdir() if p.name.startswith(".alpr_output_") for f in p.iterdir()]
            return proc.poll() is not None or any(f.name == "heat.tif" and f.stat().st_size > 0 for f in aside)

        assert wait_for(writing), "the rerun never wrote its raster aside"
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert {name: digest(out / name) for name in ("heat.qml", "heat.tif")} == kept
    assert [p for p in listing(out) if not p.startswith(".alpr_output_")] == ["heat.qml", "heat.tif"]
    processing.run("alpr:heatmap", dict(params, OUTPUT=str(out / "other.tif")))  # a later run there sweeps it
    assert listing(out) == ["heat.qml", "heat.tif", "other.qml", "other.tif"]


def test_two_runs_racing_on_one_output_leave_one_whole_file(tmp_path):
    big = export_csv(tmp_path, name="big.csv", rows=big_rows(20_000))
    out = tmp_path / "out"
    out.mkdir()
    params = {"INPUT": big, "OUTPUT": str(out / "reads.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    runs = [run_script(tmp_path / name, "alpr:loadreads", params) for name in ("a", "b")]
    try:
        results = [proc.communicate(timeout=300) for proc in runs]
    finally:
        for proc in runs:  # (a run that hangs fails the test, and is not left behind)
            if proc.poll() is None:
                proc.kill()
    for proc, (stdout, stderr) in zip(runs, results):
        assert proc.returncode == 0, stderr.decode()[-2000:]
        assert json.loads(stdout.decode().strip().splitlines()[-1])["READ_COUNT"] == 20_000
    assert listing(out) == ["reads.gpkg"]
    layer = QgsVectorLayer(str(out / "reads.gpkg"))
    assert layer.featureCount() == 20_000
    assert sorted(f["read_id"] for f in layer.getFeatures()) == list(range(1, 20_001))


def test_layers_named_with_layername_go_into_one_geopackage(tmp_path):
    reads = load(tmp_path)
    gpkg = tmp_path / "m.gpkg"
    res = processing.run(
        "alpr:cleanreads",
        {"INPUT": reads, "OUTPUT": "{}|layername=clean".format(gpkg), "REJECTED": "{}|layername=rejected".format(gpkg)},
    )
    assert res["OUTPUT"] == "{}|layername=clean".format(gpkg)
    assert QgsVectorLayer(res["OUTPUT"]).featureCount() == 2
    assert QgsVectorLayer(res["REJECTED"]).featureCount() == 3
    # A rerun of one layer leaves the other as it was.
    again = processing.run(
        "alpr:cleanreads",
        {"INPUT": reads, "OUTPUT": "{}|layername=clean".format(gpkg), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    assert QgsVectorLayer(again["OUTPUT"]).featureCount() == 2
    assert QgsVectorLayer("{}|layername=rejected".format(gpkg)).featureCount() == 3
    assert listing(tmp_path) == ["m.gpkg", "reads.csv", "reads.gpkg"]


# ------------------------------------------------------------------ as qgis_process users see it

from tests.test_plugin import QGIS_PROCESS, plugin_zip, qgis_home  # noqa: E402, F401 (the packaged plugin)


def test_qgis_process_exits_non_zero_with_one_line_on_a_full_disk(tmp_path, small_disk, qgis_home):  # noqa: F811
    reads = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(tmp_path, name="area.csv", rows=big_rows(2000)),
            "OUTPUT": str(tmp_path / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    fill(small_disk, 64 * 1024)
    heat = small_disk / "heat.tif"
    proc = subprocess.run(
        [QGIS_PROCESS, "run", "alpr:heatmap", "--", f"INPUT={reads}", "RADIUS=300", "PIXEL_SIZE=5", f"OUTPUT={heat}"],
        env=qgis_home,
        capture_output=True,
        text=True,
        timeout=180,
    )
    said = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "disk full while writing heat.tif: free space and run again" in said
    assert "Traceback" not in said and "No space left" not in said  # no GDAL chatter either
    assert not [line for line in said.splitlines() if "disk full" in line and "/" in line]  # (QGIS echoes OUTPUT)
    assert listing(small_disk) == ["filler"]


@pytest.mark.parametrize(
    ("alg", "first", "second"),
    [("alpr:loadreads", "OUTPUT", "REJECTED"), ("alpr:anonymizeplates", "OUTPUT", "AUDIT")],
)
def test_every_algorithm_refuses_two_outputs_on_one_file(tmp_path, alg, first, second):
    src = export_csv(tmp_path)
    source = src if alg == "alpr:loadreads" else load(tmp_path)
    before = listing(tmp_path)
    same = str(tmp_path / "same.gpkg")
    with pytest.raises(QgsProcessingException, match=r"^{} and {} would both write same.gpkg: ".format(first, second)):
        processing.run(alg, {"INPUT": source, first: same, second: same})
    assert listing(tmp_path) == before
