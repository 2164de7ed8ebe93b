"""The plugin as QGIS sees it: package, metadata, qgis_process, core boundary."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import export_csv

ROOT = Path(__file__).resolve().parents[1]
QGIS_PROCESS = "qgis_process.bin"


def test_core_imports_without_qgis():
    code = (
        "import sys, pkgutil, importlib; sys.modules['qgis'] = sys.modules['PyQt5'] = None\n"
        "import alpr_qgis, alpr_qgis.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('alpr_qgis.core.' + m.name)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_metadata_fields():
    meta = configparser.ConfigParser()
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    general = meta["general"]
    for key in (
        "name",
        "qgisMinimumVersion",
        "description",
        "about",
        "version",
        "author",
        "email",
        "tracker",
        "repository",
        "homepage",
        "tags",
        "experimental",
        "changelog",
        "icon",
    ):
        assert general.get(key, "").strip(), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert (ROOT / "alpr_qgis" / general["icon"]).is_file()


@pytest.fixture(scope="session")
def plugin_zip() -> Path:
    """The zip `make package` builds for QGIS's plugin manager."""
    out = subprocess.run(["make", "-s", "package"], cwd=ROOT, capture_output=True, text=True, check=True)
    path = ROOT / out.stdout.strip().split()[-1]
    assert path.is_file()
    return path


def test_package_contents(plugin_zip, tmp_path):
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
    assert {n.split("/")[0] for n in names} == {"alpr_qgis"}
    for required in (
        "alpr_qgis/metadata.txt",
        "alpr_qgis/resources_rc.py",
        "alpr_qgis/__init__.py",
        "alpr_qgis/icons/alpr.svg",
        "alpr_qgis/styles/reads.qml",
    ):
        assert required in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("alpr_qgis/tests")]
    # The unzipped plugin imports and hands QGIS its plugin object.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import alpr_qgis; assert alpr_qgis.__file__.startswith(sys.argv[1])\n"
        "from alpr_qgis import classFactory; p = classFactory(None)\n"
        "print(type(p).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd="/",
    )
    assert out.stdout.strip() == "AlprPlugin"


@pytest.fixture(scope="session")
def qgis_home(plugin_zip, tmp_path_factory) -> dict:
    """A throwaway HOME whose QGIS profile has the packaged plugin installed and enabled."""
    home = tmp_path_factory.mktemp("home")
    plugins = home / ".local/share/QGIS/QGIS3/profiles/default/python/plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(plugins)
    env = {k: v for k, v in os.environ.items() if k != "QGIS_CUSTOM_CONFIG_PATH"}  # set by pytest-qgis
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    subprocess.run(
        [QGIS_PROCESS, "plugins", "enable", "alpr_qgis"], env=env, capture_output=True, check=True, timeout=120
    )
    return env


def test_qgis_process_lists_the_provider(qgis_home):
    out = subprocess.run([QGIS_PROCESS, "list"], env=qgis_home, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "ALPR analysis" in out.stdout
    assert "alpr:loadreads\tLoad ALPR reads" in out.stdout


def test_qgis_process_runs_loadreads(qgis_home, tmp_path):
    src = export_csv(tmp_path, rows=None)
    out, rej = tmp_path / "reads.gpkg", tmp_path / "rejected.gpkg"
    proc = subprocess.run(
        [QGIS_PROCESS, "run", "alpr:loadreads", "--json", "--", f"INPUT={src}", f"OUTPUT={out}", f"REJECTED={rej}"],
        env=qgis_home,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert result["results"]["READ_COUNT"] == 5
    assert result["results"]["REJECTED_COUNT"] == 0
    assert result["results"]["OUTPUT"] == str(out) and out.is_file()
    assert "6TRM913" not in json.dumps(result["log"])


def test_qgis_process_reports_bad_input_without_traceback(qgis_home, tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text("")
    proc = subprocess.run(
        [
            QGIS_PROCESS,
            "run",
            "alpr:loadreads",
            "--",
            f"INPUT={src}",
            f"OUTPUT={tmp_path / 'o.gpkg'}",
            f"REJECTED={tmp_path / 'r.gpkg'}",
        ],
        env=qgis_home,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "empty.csv: is empty" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "o.gpkg").exists()


def _run(env, alg, **params):
    proc = subprocess.run(
        [QGIS_PROCESS, "run", alg, "--json", "--"]
        + [f"{k}={v}" for k, values in params.items() for v in (values if isinstance(values, list) else [values])],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(proc.stdout[proc.stdout.index("{") :])


def test_qgis_process_runs_the_prepare_and_map_chain(qgis_home, tmp_path):
    """loadreads -> cleanreads -> anonymizeplates, hotspots and devicetracks from the command line."""
    src = export_csv(tmp_path)
    reads, clean, public = tmp_path / "reads.gpkg", tmp_path / "clean.gpkg", tmp_path / "public.gpkg"
    _run(qgis_home, "alpr:loadreads", INPUT=src, OUTPUT=reads, REJECTED=tmp_path / "rej.gpkg")
    cleaned = _run(
        qgis_home, "alpr:cleanreads", INPUT=reads, OUTPUT=clean, REJECTED=tmp_path / "mis.gpkg", DEDUP_SECONDS=60
    )["results"]
    assert (cleaned["CLEAN_COUNT"], cleaned["SIGN_WORD_COUNT"], cleaned["NULL_ISLAND_COUNT"]) == (2, 1, 1)
    key = tmp_path / "k.key"
    key.write_text("cli key of sixteen+ bytes\n")
    key.chmod(0o600)
    anon = _run(
        qgis_home,
        "alpr:anonymizeplates",
        INPUT=clean,
        KEY_FILE=key,
        TIME_PRECISION="hour",
        OUTPUT=public,
        AUDIT=tmp_path / "audit.gpkg",
    )
    assert anon["results"]["READ_COUNT"] == 2
    assert b"6TRM913" not in public.read_bytes() and b"cli key of" not in public.read_bytes()
    assert "6TRM913" not in json.dumps(anon["log"]) and "cli key of" not in json.dumps(anon)
    hot = _run(
        qgis_home, "alpr:hotspots", INPUT=clean, CELL_SIZE=500, DISTANCE_BAND=1000, OUTPUT=tmp_path / "hex.gpkg"
    )["results"]
    assert hot["CELL_COUNT"] > 0
    tracks = _run(qgis_home, "alpr:devicetracks", INPUT=clean, OUTPUT=tmp_path / "tracks.gpkg")["results"]
    assert tracks["TRACK_COUNT"] + tracks["SINGLE_READ_COUNT"] >= 1


def test_qgis_process_runs_the_compare_algorithms(qgis_home, tmp_path):
    """joincensus, joincrime, sites and jurisdiction on the sample city from the command line."""
    sample = ROOT / "sample"
    city = sample / "city.gpkg"
    reads = tmp_path / "reads.gpkg"
    _run(qgis_home, "alpr:loadreads", INPUT=sample / "alpr_reads.csv.gz", OUTPUT=reads, REJECTED=tmp_path / "r.gpkg")
    clean = tmp_path / "clean.gpkg"
    _run(qgis_home, "alpr:cleanreads", INPUT=reads, OUTPUT=clean, REJECTED=tmp_path / "mis.gpkg")
    outside = _run(
        qgis_home,
        "alpr:jurisdiction",
        INPUT=clean,
        BOUNDARY=f"{city}|layername=city_boundary",
        NEIGHBOURS=f"{city}|layername=neighbours",
        NEIGHBOUR_NAME_FIELD="name",
        OUTPUT=tmp_path / "outside.gpkg",
    )["results"]
    assert outside["OUTSIDE_COUNT"] == 2237
    proc = subprocess.run(
        [
            QGIS_PROCESS,
            "run",
            "alpr:joincensus",
            "--json",
            "--",
            f"INPUT={clean}",
            f"CENSUS={city}|layername=census_tracts",
            "POPULATION_FIELD=population",
            "ATTRIBUTES=per_capita_income",
            "ATTRIBUTES=pop_black",
            f"OUTPUT={tmp_path / 'census.gpkg'}",
            f"OUTPUT_STATS={tmp_path / 'stats.gpkg'}",
        ],
        env=qgis_home,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    census = json.loads(proc.stdout[proc.stdout.index("{") :])["results"]
    assert "per_capita_income" in census["SUMMARY"] and "-0.86" in census["SUMMARY"]
    crime = _run(
        qgis_home,
        "alpr:joincrime",
        INPUT=clean,
        CRIMES=f"{city}|layername=crimes",
        CATEGORY_FIELD="category",
        CATEGORY_FILTER="VEHICLE|AUTO|PLATE",
        ZONES=f"{city}|layername=census_tracts",
        OUTPUT=tmp_path / "crime.gpkg",
        OUTPUT_STATS=tmp_path / "crime_stats.gpkg",
    )["results"]
    assert crime["SPEARMAN"] < 0.3
    sites = _run(
        qgis_home,
        "alpr:sites",
        INPUT=clean,
        SITES=f"{city}|layername=sensitive_sites",
        RADIUS=150,
        OUTPUT=tmp_path / "sites.gpkg",
    )["results"]
    assert sites["SITE_COUNT"] == 7


PIPELINE = "alpr:ALPR accountability pipeline"


def test_qgis_process_lists_and_runs_the_pipeline_model(qgis_home, tmp_path):
    """The shipped model from the command line, then the demo's QGIS project over its outputs."""
    import gzip
    import shutil
    import sqlite3

    listed = subprocess.run([QGIS_PROCESS, "list"], env=qgis_home, capture_output=True, text=True, timeout=120)
    assert f"\t{PIPELINE}\tALPR accountability pipeline" in listed.stdout
    export = tmp_path / "reads.csv"
    with gzip.open(ROOT / "sample" / "alpr_reads.csv.gz", "rt", encoding="utf-8") as f:
        export.write_text("".join(next(f) for _ in range(3001)), encoding="utf-8")
    out = tmp_path / "demo"
    out.mkdir()
    shutil.copy(ROOT / "sample" / "city.gpkg", out / "city.gpkg")
    city = out / "city.gpkg"
    demo = _demo_module()
    paths = demo.output_files(out)
    files = {name: path.name for name, path in paths.items()}
    key = out / "private.key"
    key.write_text("k" * 32 + "\n")
    key.chmod(0o600)
    params = demo.model_parameters(export, city, key, paths)
    result = _run(qgis_home, PIPELINE, **params)  # (a list: the parameter once per value)
    assert {k: result["results"][k] for k in files} == {k: str(out / f) for k, f in files.items()}

    def rows(file, sql):
        with sqlite3.connect(str(out / file)) as conn:
            return conn.execute(sql).fetchall()

    n_clean = rows("clean_reads.gpkg", "SELECT count(*) FROM clean_reads")[0][0]
    n_rejected = rows("misreads.gpkg", "SELECT count(*) FROM misreads")[0][0]
    n_unreadable = rows("rejected_records.gpkg", "SELECT count(*) FROM rejected_records")[0][0]
    assert n_clean + n_rejected + n_unreadable == 3000
    metrics = dict(rows("summary.gpkg", "SELECT metric, value FROM summary"))
    assert metrics["total_reads"] == n_clean
    misreads = rows(
        "misreads.gpkg",
        "SELECT count(*) FROM misreads WHERE reason IN ('empty_plate', 'sign_word', 'overlength', 'invalid_chars')",
    )[0][0]
    assert metrics["misreads"] == misreads
    assert rows("reads_public.gpkg", "SELECT count(*) FROM reads_public")[0][0] == n_clean
    assert (out / "heatmap.qml").is_file()
    assert "{:,}".format(n_clean) in (out / "report.html").read_text(encoding="utf-8")

    # The demo's project over these outputs: every layer valid and styled.
    project_file = out / "alpr_demo.qgz"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_project.py"), str(out)],
        env=qgis_home,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    check_demo_project(project_file, expected=len(files) - 1 + 4)  # every output but the report, 4 city layers


def _demo_module():
    """scripts/demo.py as a module (its output names and model parameters)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("alpr_demo_script", ROOT / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_demo_project(path: Path, expected: int) -> None:
    """Every layer of the demo project is valid and carries its style (not QGIS's default symbol)."""
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes

    project = QgsProject()
    assert project.read(str(path))
    assert project.crs().authid() == "EPSG:32610"
    layers = list(project.mapLayers().values())
    assert len(layers) == expected, sorted(layer.name() for layer in layers)
    for layer in layers:
        assert layer.isValid(), layer.name()
        assert layer.source().startswith(str(path.parent)), layer.source()  # relative in the file, resolved
        if isinstance(layer, QgsRasterLayer):
            assert layer.renderer().type() == "singlebandpseudocolor", layer.name()
            continue
        assert isinstance(layer, QgsVectorLayer)
        if layer.geometryType() in (QgsWkbTypes.NullGeometry, QgsWkbTypes.UnknownGeometry):
            continue  # tables
        if "|layername=" in layer.source():  # the sample's own layers, styled by the demo script
            symbol = layer.renderer().symbol()
            if layer.geometryType() == QgsWkbTypes.PolygonGeometry:
                assert symbol.symbolLayer(0).brushStyle() == 0, layer.name()  # outline only
            continue
        styled = QgsVectorLayer(layer.source(), "styled", "ogr")  # loads the GeoPackage's default style
        options = QgsVectorLayer.LayerOptions()
        options.loadDefaultStyle = False
        plain = QgsVectorLayer(layer.source(), "plain", "ogr", options)
        assert styled.listStylesInDatabase()[0] >= 1, layer.name()
        assert layer.renderer().dump() == styled.renderer().dump(), layer.name()
        assert layer.renderer().dump() != plain.renderer().dump(), layer.name()
