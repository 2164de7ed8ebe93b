"""Check that alpr_qgis loads in the real QGIS desktop (under Xvfb).

Builds a throwaway HOME with a fresh QGIS profile, installs the plugin there
and enables it, then starts the real ``qgis`` desktop under ``xvfb-run`` with

* a ``PYQGIS_STARTUP`` file, run before any plugin loads, that records every
  warning or error QGIS logs (Python errors, plugin errors, tracebacks) and
  closes, records and fails on any modal dialog (a plugin error at start-up
  opens a "Couldn't load plugin" dialog that would otherwise block forever);
* a ``--code`` file, run once the main window is up, that checks the plugin is
  active, the ``alpr`` provider and ``alpr:loadreads`` are registered and the
  provider icon renders, opens the Processing toolbox on the provider, runs
  ``alpr:loadreads`` on a tiny CSV into a GeoPackage, adds the result to the
  map, takes a screenshot, writes a JSON result and quits QGIS;
* with ``--model``, the ``--code`` file also runs the shipped model "ALPR
  accountability pipeline" on the bundled sample from Python, checks its
  children resolve and its outputs, adds the heatmap, census tracts, boundary
  and tables to the map and zooms to the city before the screenshot.

The run has a hard time limit and the whole process group (QGIS, Xvfb) is
killed at the end.  Exit status 0 only when everything passed.

    /usr/bin/python3 scripts/desktop_check.py                      # the working tree
    /usr/bin/python3 scripts/desktop_check.py --zip dist/alpr_qgis-0.2.0.zip
    /usr/bin/python3 scripts/desktop_check.py --plugin-dir /tmp/broken/alpr_qgis
    /usr/bin/python3 scripts/desktop_check.py --profile-dir ~/.local/share/QGIS/QGIS3/profiles/default
    /usr/bin/python3 scripts/desktop_check.py --model --screenshot docs/desktop.png
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "alpr_qgis"
PROVIDER = "alpr"
ALGORITHM = "alpr:loadreads"
PROFILE_REL = Path(".local/share/QGIS/QGIS3/profiles/default")
SCREEN = "1600x1000x24"
# Tags whose warnings and errors fail the check (a "Traceback" anywhere fails it too).
FAIL_TAGS = {"Python error", "Plugins"}
SAMPLE_CSV = (
    "plate,timestamp,lat,lon\n"
    "6TRM913,2021-07-20 08:01:02,37.80123,-122.27456\n"
    "ABC123,2021-07-20 13:15:40,37.79001,-122.26002\n"
    "CAUT10N,2021-07-20 14:00:00,37.81000,-122.25000\n"
)
SAMPLE_ROWS = 3
# --model: the shipped pipeline model on the bundled sample, run from Python inside the desktop.
MODEL = "alpr:ALPR accountability pipeline"
SAMPLE_DIR = ROOT / "sample"
HEADQUARTERS = "-122.2789852,37.7979277 [EPSG:4326]"  # the sample city's police headquarters


def _demo_output_names() -> dict:
    """The model's outputs, named as scripts/demo.py names them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("alpr_demo_script", ROOT / "scripts" / "demo.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return {name: path.name for name, path in demo.output_files(Path(".")).items()}


MODEL_OUTPUTS = _demo_output_names()

# ---------------------------------------------------------------------------
# Run inside QGIS, before any plugin loads (PYQGIS_STARTUP; 3.22 runs it twice).
STARTUP_CODE = r"""
import json as _json
import sys as _sys

if not getattr(_sys, "_alpr_desktop_check_hooked", False):
    _sys._alpr_desktop_check_hooked = True

    def _alpr_dc_setup():
        import time
        import traceback

        from qgis.core import QgsApplication
        from qgis.PyQt.QtCore import QTimer
        from qgis.PyQt.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QPlainTextEdit, QTextEdit

        config = _json.loads(__CONFIG__)
        state = {"t0": time.time(), "dialogs": [], "config": config}
        _sys._alpr_desktop_check_state = state

        def append(path, record):
            try:
                with open(path, "a", encoding="utf-8") as f:
                    f.write(_json.dumps(record) + "\n")
            except Exception:
                pass

        def on_message(message, tag, level):
            try:
                level = int(level)
            except Exception:
                level = -1
            record = {"t": round(time.time() - state["t0"], 2), "tag": tag, "level": level, "message": message}
            append(config["all_messages"], record)
            if level in (1, 2) or "Traceback" in (message or ""):  # Qgis.Warning, Qgis.Critical
                append(config["messages"], record)

        QgsApplication.messageLog().messageReceived.connect(on_message)
        state["on_message"] = on_message  # keep a reference

        def dialog_text(w):
            parts = []
            if isinstance(w, QMessageBox):
                parts += [w.text(), w.informativeText(), w.detailedText()]
            for child in w.findChildren(QLabel):
                parts.append(child.text())
            for child in w.findChildren(QTextEdit):
                parts.append(child.toPlainText())
            for child in w.findChildren(QPlainTextEdit):
                parts.append(child.toPlainText())
            seen, out = set(), []
            for p in parts:
                p = (p or "").strip()
                if p and p not in seen:
                    seen.add(p)
                    out.append(p)
            return "\n".join(out)[:6000]

        def watch():
            try:
                active = QApplication.activeModalWidget()
                for w in QApplication.topLevelWidgets():
                    if not w.isVisible() or not isinstance(w, QDialog):
                        continue
                    if not (w.isModal() or w is active or int(w.windowModality()) != 0):
                        continue
                    record = {
                        "t": round(time.time() - state["t0"], 2),
                        "class": type(w).__name__,
                        "title": w.windowTitle(),
                        "text": dialog_text(w),
                    }
                    state["dialogs"].append(record)
                    append(config["dialogs"], record)
                    w.reject()
                    w.close()
            except Exception:
                append(config["dialogs"], {"class": "watcher-error", "title": "", "text": traceback.format_exc()})

        timer = QTimer()
        timer.setInterval(1000)
        timer.timeout.connect(watch)
        timer.start()
        state["watch_timer"] = timer
        state["watch"] = watch

        def deadline():  # the --code file never finished: leave something to read and quit
            if not state.get("finished"):
                append(config["dialogs"], {"class": "deadline", "title": "in-QGIS deadline reached", "text": ""})
                QgsApplication.exit(3)

        QTimer.singleShot(int(config["deadline_s"] * 1000), deadline)

    _alpr_dc_setup()
"""

# ---------------------------------------------------------------------------
# Run inside QGIS once the main window is up and the plugins are loaded (--code).
CHECK_CODE = r"""
def _alpr_desktop_check():
    import json
    import os
    import sys
    import time
    import traceback

    import qgis.utils
    from qgis.core import QgsApplication, QgsProcessingFeedback, QgsProject, QgsVectorLayer
    from qgis.gui import QgsProcessingToolboxProxyModel
    from qgis.PyQt import sip
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QDockWidget

    config = json.loads(__CONFIG__)
    state = getattr(sys, "_alpr_desktop_check_state", None) or {"dialogs": []}
    iface = qgis.utils.iface
    result = {
        "qgis_version": "",
        "plugin_loaded": False,
        "plugin_active": False,
        "provider_found": False,
        "provider_name": None,
        "algorithms": [],
        "algorithm_found": False,
        "icon_ok": False,
        "toolbox_opened": False,
        "toolbox_expanded": False,
        "loadreads": None,
        "model": None,
        "layer_added": False,
        "screenshot": None,
        "screenshot_saved": False,
        "errors": [],
        "finished": False,
    }
    keep = []

    def step(name):
        def wrap(fn):
            def run():
                try:
                    fn()
                except Exception:
                    result["errors"].append("{}: {}".format(name, traceback.format_exc()))
            return run
        return wrap

    def write_result():
        result["dialogs_seen"] = list(state.get("dialogs", []))
        tmp = config["result"] + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, default=str)
        os.replace(tmp, config["result"])

    @step("checks")
    def checks():
        from qgis.core import Qgis

        result["qgis_version"] = Qgis.QGIS_VERSION
        result["plugin_loaded"] = config["plugin"] in qgis.utils.plugins
        result["plugin_active"] = config["plugin"] in qgis.utils.active_plugins
        provider = QgsApplication.processingRegistry().providerById(config["provider"])
        result["provider_found"] = provider is not None
        if provider is None:
            return
        result["provider_name"] = provider.name()
        result["algorithms"] = sorted(a.id() for a in provider.algorithms())
        result["algorithm_found"] = config["algorithm"] in result["algorithms"]
        result["algorithm_in_registry"] = (
            QgsApplication.processingRegistry().algorithmById(config["algorithm"]) is not None
        )
        icon = provider.icon()
        image = icon.pixmap(32, 32).toImage() if not icon.isNull() else None
        painted = 0
        if image is not None and not image.isNull():
            for x in range(image.width()):
                for y in range(image.height()):
                    if (image.pixel(x, y) >> 24) & 0xFF:
                        painted += 1
        result["icon_painted_pixels"] = painted
        result["icon_ok"] = painted > 0

    @step("window")
    def window():
        mw = iface.mainWindow()
        mw.showNormal()
        mw.setGeometry(0, 0, config["width"], config["height"])

    def toolbox_dock():
        dock = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
        if dock is None:
            processing_plugin = qgis.utils.plugins.get("processing")
            dock = getattr(processing_plugin, "toolbox", None)
        return dock

    @step("toolbox")
    def open_toolbox():
        dock = toolbox_dock()
        if dock is None:
            raise RuntimeError("Processing toolbox dock not found")
        dock.setVisible(True)
        dock.raise_()
        result["toolbox_opened"] = dock.isVisible()

    @step("expand")
    def expand_provider():
        dock = toolbox_dock()
        tree = getattr(dock, "algorithmTree", None)
        if tree is None:
            raise RuntimeError("Processing toolbox tree not found")
        proxy = sip.cast(tree.model(), QgsProcessingToolboxProxyModel)
        source = proxy.toolboxModel().indexForProvider(config["provider"])
        index = proxy.mapFromSource(source)
        if not index.isValid():
            raise RuntimeError("provider {!r} not in the toolbox tree".format(config["provider"]))
        tree.collapseAll()
        tree.expand(index)
        target = None
        for r in range(proxy.rowCount(index)):
            child = proxy.index(r, 0, index)
            tree.expand(child)
            for rr in range(proxy.rowCount(child)):
                grandchild = proxy.index(rr, 0, child)
                if target is None:
                    target = grandchild
            if target is None and proxy.rowCount(child) == 0:
                target = child
        if target is not None:
            tree.setCurrentIndex(target)
            tree.scrollTo(target)
            result["toolbox_selected"] = target.data()
        result["toolbox_expanded"] = tree.isExpanded(index)

    @step("loadreads")
    def run_loadreads():
        if not config["run_loadreads"]:
            return
        import processing

        run = {"ok": False}
        result["loadreads"] = run
        work = config["workdir"]
        csv_path = os.path.join(work, "reads.csv")
        with open(csv_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(config["sample_csv"])
        out = os.path.join(work, "reads.gpkg")
        rejected = os.path.join(work, "rejected.gpkg")
        for p in (out, rejected):
            if os.path.exists(p):
                os.remove(p)

        class Feedback(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def pushInfo(self, text):
                self.lines.append("info: " + text)

            def pushWarning(self, text):
                self.lines.append("warning: " + text)

            def reportError(self, text, fatalError=False):
                self.lines.append("error: " + text)

        feedback = Feedback()
        t = time.time()
        try:
            res = processing.run(
                config["algorithm"], {"INPUT": csv_path, "OUTPUT": out, "REJECTED": rejected}, feedback=feedback
            )
        finally:
            run["seconds"] = round(time.time() - t, 2)
            run["log"] = feedback.lines[-40:]
        run["read_count"] = res.get("READ_COUNT")
        run["rejected_count"] = res.get("REJECTED_COUNT")
        run["output"] = res.get("OUTPUT")
        layer = QgsVectorLayer(res["OUTPUT"], "ALPR reads (desktop check)", "ogr")
        run["layer_valid"] = layer.isValid()
        run["feature_count"] = layer.featureCount() if layer.isValid() else None
        if layer.isValid():
            QgsProject.instance().addMapLayer(layer)
            keep.append(layer)
            result["layer_added"] = True
        run["ok"] = (
            run["read_count"] == config["sample_rows"]
            and run["rejected_count"] == 0
            and run["feature_count"] == config["sample_rows"]
        )

    @step("model")
    def run_model():
        # The shipped pipeline model on the sample, from Python in the desktop; outputs on the map.
        if not config["run_model"]:
            return
        import processing
        from qgis.core import (
            QgsCoordinateReferenceSystem,
            QgsFillSymbol,
            QgsMarkerSymbol,
            QgsProcessingModelAlgorithm,
            QgsRasterLayer,
            QgsSingleSymbolRenderer,
        )

        run = {"ok": False}
        result["model"] = run
        model = QgsApplication.processingRegistry().algorithmById(config["model"])
        run["found"] = model is not None
        if model is None:
            raise RuntimeError("model {} is not registered".format(config["model"]))
        run["is_model"] = isinstance(model, QgsProcessingModelAlgorithm)
        run["children"] = sorted(c.algorithmId() for c in model.childAlgorithms().values())
        run["children_resolved"] = all(c.algorithm() is not None for c in model.childAlgorithms().values())
        run["valid"], run["validation_errors"] = model.validate()
        # The toolbox's dialog for it, and the Model Designer on it (opened, checked, closed).
        dialog = processing.createAlgorithmDialog(config["model"], {})
        run["toolbox_dialog"] = dialog is not None
        if dialog is not None:
            dialog.show()
            QgsApplication.processEvents()
            run["toolbox_dialog"] = dialog.isVisible()
            dialog.close()
        from processing.modeler.ModelerDialog import ModelerDialog

        designer = ModelerDialog.create(model.create())
        designer.show()
        QgsApplication.processEvents()
        designed = designer.model()
        run["designer_children"] = sorted(c.algorithmId() for c in designed.childAlgorithms().values())
        run["designer_opened"] = designer.isVisible() and designed.validate()[0]
        designer.setDirty(False)
        designer.close()
        out = os.path.join(config["workdir"], "model")
        os.makedirs(out, exist_ok=True)
        city = config["city"]
        outputs = {name: os.path.join(out, file) for name, file in config["model_outputs"].items()}

        class Feedback(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def reportError(self, text, fatalError=False):
                self.lines.append("error: " + text)

        feedback = Feedback()
        t = time.time()
        try:
            res = processing.run(
                config["model"],
                dict(
                    {
                        "alpr_export": config["export"],
                        "boundary": city + "|layername=city_boundary",
                        "neighbours": city + "|layername=neighbours",
                        "census": city + "|layername=census_tracts",
                        "census_attributes": ["per_capita_income"],
                        "census_counts": ["pop_white", "pop_black"],
                        "model_group_field": "pop_black",
                        "crimes": city + "|layername=crimes",
                        "crime_category_field": "category",
                        "crime_category_filter": "VEHICLE|AUTO|PLATE",
                        "sites": city + "|layername=sensitive_sites",
                        "reference_point": config["reference_point"],
                    },
                    **outputs
                ),
                feedback=feedback,
            )
        finally:
            run["seconds"] = round(time.time() - t, 1)
            run["errors"] = feedback.lines[-20:]
        run["written"] = sorted(name for name, path in outputs.items() if os.path.exists(res.get(name) or ""))
        summary = QgsVectorLayer(res["summary:summary_table"], "Summary numbers", "ogr")
        metrics = {f["metric"]: f["value"] for f in summary.getFeatures()} if summary.isValid() else {}
        clean = QgsVectorLayer(res["clean:clean_reads"], "Clean reads", "ogr")
        run["clean_count"] = clean.featureCount() if clean.isValid() else None
        run["total_reads"] = metrics.get("total_reads")
        run["unique_plates"] = metrics.get("unique_plates")
        run["report_bytes"] = os.path.getsize(res["summary:summary_report"])

        # On the map: the census tracts, the heatmap, the boundary and headquarters; the tables too.
        project = QgsProject.instance()
        heatmap = QgsRasterLayer(res["heatmap:heatmap"], "Heatmap of clean reads")
        census = QgsVectorLayer(res["census:census_units"], "Reads per census tract", "ogr")
        publish = QgsVectorLayer(res["anonymize:reads_to_publish"], "Reads fit to publish", "ogr")
        boundary = QgsVectorLayer(city + "|layername=city_boundary", "City boundary", "ogr")
        boundary.setRenderer(
            QgsSingleSymbolRenderer(
                QgsFillSymbol.createSimple({"style": "no", "outline_color": "20,20,20", "outline_width": "0.8"})
            )
        )
        hq = QgsVectorLayer(city + "|layername=headquarters", "Police headquarters", "ogr")
        hq.setRenderer(
            QgsSingleSymbolRenderer(
                QgsMarkerSymbol.createSimple({"name": "star", "color": "255,215,0", "size": "6"})
            )
        )
        layers = [summary, publish, census, heatmap, boundary, hq]  # bottom first
        run["layers_valid"] = all(layer.isValid() for layer in layers)
        project.setCrs(heatmap.crs() if heatmap.isValid() else QgsCoordinateReferenceSystem("EPSG:4326"))
        for layer in layers:
            if layer.isValid():
                project.addMapLayer(layer)
                keep.append(layer)
        for hidden in (publish, census):  # listed, not drawn: the heatmap over the boundary is the picture
            node = project.layerTreeRoot().findLayer(hidden.id())
            if node is not None:
                node.setItemVisibilityChecked(False)
        state["zoom_layer"] = boundary
        run["ok"] = bool(
            run["children_resolved"]
            and run["valid"]
            and run["toolbox_dialog"]
            and run["designer_opened"]
            and run["designer_children"] == run["children"]
            and run["layers_valid"]
            and len(run["written"]) == len(outputs)
            and run["clean_count"]
            and run["total_reads"] == run["clean_count"]
            and run["report_bytes"] > 1000
        )

    @step("screenshot")
    def screenshot():
        path = config["screenshot"]
        result["screenshot"] = path
        QgsApplication.processEvents()
        image = iface.mainWindow().grab().toImage()
        result["screenshot_saved"] = bool(image.save(path, "PNG"))
        if result["screenshot_saved"] and os.path.getsize(path) > config["max_png_bytes"]:
            from qgis.PyQt.QtCore import Qt
            from qgis.PyQt.QtGui import QImage

            # 256 colours keep the picture small enough to commit under docs/.
            small = image.convertToFormat(QImage.Format_Indexed8, Qt.ThresholdDither | Qt.AutoColor)
            result["screenshot_saved"] = bool(small.save(path, "PNG", 9))

    @step("finish")
    def finish():
        state.get("watch", lambda: None)()  # one last look for dialogs
        result["finished"] = True
        state["finished"] = True
        write_result()
        # Layers left in the project crash QGIS 3.22 on exit (the style dock follows the active layer
        # while the layer tree is torn down): empty the project first.
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().setDirty(False)  # no "save the project?" question on the way out
        QTimer.singleShot(200, lambda: QgsApplication.exit(0))

    def first():
        checks()
        window()
        open_toolbox()
        run_loadreads()
        run_model()
        # Adding layers may rebuild the toolbox tree: expand once things settle.
        QTimer.singleShot(1500, second)

    @step("zoom")
    def zoom():
        layers = [l for l in keep if isinstance(l, QgsVectorLayer)]
        if state.get("zoom_layer") is not None:
            layers = [state["zoom_layer"]]
        if not layers:
            return
        canvas = iface.mapCanvas()
        extent = canvas.mapSettings().layerExtentToOutputExtent(layers[0], layers[0].extent())
        grow = 0.06 if state.get("zoom_layer") is not None else 0.6
        extent.grow(max(extent.width(), extent.height(), 0.005) * grow)
        canvas.setExtent(extent)
        canvas.refresh()

    def second():
        zoom()  # now that the window has its final size
        expand_provider()
        QTimer.singleShot(2000, third)

    def third():
        screenshot()
        finish()

    keep.append((first, second, third))
    sys._alpr_desktop_check_keep = keep
    QTimer.singleShot(500, first)


_alpr_desktop_check()
"""


def log(msg: str) -> None:
    print("[desktop-check] " + msg, flush=True)


def resources_rc(dest_pkg: Path) -> None:
    """Make sure the installed copy has resources_rc.py (git-ignored; generated if absent)."""
    target = dest_pkg / "resources_rc.py"
    if target.is_file():
        return
    built = ROOT / PLUGIN / "resources_rc.py"
    if built.is_file():
        shutil.copy2(built, target)
        return
    pyrcc = shutil.which("pyrcc5")
    if not pyrcc:
        raise SystemExit("resources_rc.py is missing and pyrcc5 is not installed (apt install pyqt5-dev-tools)")
    # Generated straight into the installed copy: the working tree is left alone.
    subprocess.run([pyrcc, "-o", str(target), str(ROOT / "resources.qrc")], check=True, cwd=ROOT)


def install_plugin(plugins_dir: Path, zip_path: Optional[Path], plugin_dir: Optional[Path]) -> Path:
    """Install the plugin into ``plugins_dir`` and return its folder."""
    dest = plugins_dir / PLUGIN
    if dest.exists() or dest.is_symlink():
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        else:
            shutil.rmtree(dest)
    plugins_dir.mkdir(parents=True, exist_ok=True)
    if zip_path is not None:
        with zipfile.ZipFile(zip_path) as zf:
            names = zf.namelist()
            tops = {n.split("/")[0] for n in names if n.strip("/")}
            if tops != {PLUGIN}:
                raise SystemExit("{}: expected one top folder {}/, found {}".format(zip_path, PLUGIN, sorted(tops)))
            if PLUGIN + "/metadata.txt" not in names:
                raise SystemExit("{}: no {}/metadata.txt".format(zip_path, PLUGIN))
            zf.extractall(plugins_dir)
        return dest
    source = (plugin_dir or ROOT / PLUGIN).resolve()
    if not (source / "__init__.py").is_file():
        raise SystemExit("{} is not a plugin package (no __init__.py)".format(source))
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if not (dest / "metadata.txt").is_file() or plugin_dir is None:
        shutil.copy2(ROOT / "metadata.txt", dest / "metadata.txt")
    resources_rc(dest)
    return dest


def write_settings(profile: Path) -> None:
    """Enable the plugin (and keep a fresh profile quiet) in the profile's QGIS3.ini."""
    ini = profile / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    cfg = configparser.RawConfigParser()
    cfg.optionxform = str  # keep key case
    if ini.is_file():
        cfg.read(ini, encoding="utf-8")
    for section, values in {
        "PythonPlugins": {PLUGIN: "true", "processing": "true"},
        "qgis": {"checkVersion": "false"},
        "core": {"NewsFeed\\httpsfeedqgisorg\\disabled": "true"},
        "app": {"plugin_installer\\checkOnStart": "false"},
    }.items():
        if not cfg.has_section(section):
            cfg.add_section(section)
        for k, v in values.items():
            cfg.set(section, k, v)
    with open(ini, "w", encoding="utf-8") as f:
        cfg.write(f, space_around_delimiters=False)


def read_jsonl(path: Path) -> List[Dict]:
    out = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    out.append({"tag": "?", "level": -1, "message": line})
    return out


def group_alive(pgid: int, proc: Optional[subprocess.Popen] = None) -> bool:
    if proc is not None:
        proc.poll()  # reap the group leader: a zombie still counts as a member of the group
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_group(pgid: int, proc: Optional[subprocess.Popen] = None) -> bool:
    """TERM then KILL the whole process group; True if nothing is left."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        if not group_alive(pgid, proc):
            return True
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return True
        end = time.time() + wait
        while time.time() < end:
            if not group_alive(pgid, proc):
                return True
            time.sleep(0.1)
    return not group_alive(pgid, proc)


def child_env(home: Path, startup: Path) -> Dict[str, str]:
    env = dict(os.environ)
    # Nothing from the caller may change which profile, plugins, Python or Qt platform QGIS uses.
    for key in (
        "QT_QPA_PLATFORM",
        "QGIS_CUSTOM_CONFIG_PATH",
        "QGIS_PLUGINPATH",
        "QGIS_OPTIONS_PATH",
        "QGIS_AUTH_DB_DIR_PATH",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "VIRTUAL_ENV",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "XAUTHORITY",
    ):
        env.pop(key, None)
    runtime = home / ".runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    tmp = home / "tmp"  # xvfb-run's auth folder and QGIS's temp files: removed with HOME
    tmp.mkdir(exist_ok=True)
    env.update(
        {
            "HOME": str(home),
            "PYQGIS_STARTUP": str(startup),
            "XDG_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(tmp),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--zip", type=Path, help="install this plugin zip (from `make package`)")
    source.add_argument(
        "--plugin-dir", type=Path, help="install this plugin folder (default: the working tree's alpr_qgis/)"
    )
    source.add_argument(
        "--profile-dir",
        type=Path,
        help="install the plugin found in PROFILE/python/plugins/alpr_qgis (e.g. after `make install`); "
        "QGIS still runs on a throwaway copy, the profile itself is not touched",
    )
    parser.add_argument("--home", type=Path, help="HOME for QGIS (default: a temporary folder, removed afterwards)")
    parser.add_argument("--screenshot", type=Path, help="also save the screenshot here (PNG)")
    parser.add_argument("--result-json", type=Path, help="also save the JSON result here")
    parser.add_argument(
        "--timeout", type=float, help="hard limit for the QGIS run, seconds (default 120, 300 with --model)"
    )
    parser.add_argument("--no-run", action="store_true", help="do not run alpr:loadreads in the desktop")
    parser.add_argument(
        "--model",
        action="store_true",
        help="also run the shipped pipeline model on the sample inside the desktop and map its outputs",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary HOME for inspection")
    args = parser.parse_args(argv)
    if args.timeout is None:
        args.timeout = 300.0 if args.model else 120.0

    for tool in ("xvfb-run", "qgis"):
        if not shutil.which(tool):
            log("{} not found (apt install qgis xvfb xauth)".format(tool))
            return 2
    if args.zip is not None and not args.zip.is_file():
        log("no such zip: {}".format(args.zip))
        return 2
    plugin_dir = args.plugin_dir
    if args.profile_dir is not None:
        plugin_dir = args.profile_dir / "python" / "plugins" / PLUGIN
    if plugin_dir is not None and not plugin_dir.is_dir():
        log("no plugin folder at {} (with --profile-dir: run `make install` first)".format(plugin_dir))
        return 2

    temp_home = args.home is None
    home = Path(tempfile.mkdtemp(prefix="alpr-desktop-")) if temp_home else args.home.resolve()
    real_home = Path(os.path.expanduser("~")).resolve()
    if home == real_home:
        log("refusing to use your own HOME ({}): pass a throwaway folder".format(home))
        return 2
    home.mkdir(parents=True, exist_ok=True)
    work = home / "desktop-check"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    profile = home / PROFILE_REL

    started = time.time()
    pgid = None
    proc = None
    try:
        installed = install_plugin(profile / "python" / "plugins", args.zip, plugin_dir)
        write_settings(profile)
        version = "?"
        meta = configparser.RawConfigParser()
        if meta.read(installed / "metadata.txt", encoding="utf-8") and meta.has_option("general", "version"):
            version = meta.get("general", "version")
        log(
            "installed {} {} from {} into {}".format(
                PLUGIN, version, args.zip or plugin_dir or ROOT / PLUGIN, installed
            )
        )

        width, height = (int(v) for v in SCREEN.split("x")[:2])
        shot = work / "desktop.png"
        config = {
            "plugin": PLUGIN,
            "provider": PROVIDER,
            "algorithm": ALGORITHM,
            "workdir": str(work),
            "result": str(work / "result.json"),
            "messages": str(work / "messages.jsonl"),
            "all_messages": str(work / "all_messages.jsonl"),
            "dialogs": str(work / "dialogs.jsonl"),
            "screenshot": str(shot),
            "run_loadreads": not args.no_run,
            "run_model": args.model,
            "model": MODEL,
            "export": str(SAMPLE_DIR / "alpr_reads.csv.gz"),
            "city": str(SAMPLE_DIR / "city.gpkg"),
            "reference_point": HEADQUARTERS,
            "model_outputs": MODEL_OUTPUTS,
            "max_png_bytes": 300_000,
            "sample_csv": SAMPLE_CSV,
            "sample_rows": SAMPLE_ROWS,
            "width": width,
            "height": height,
            "deadline_s": max(10.0, args.timeout - 15.0),
        }
        literal = repr(json.dumps(config))
        startup = work / "pyqgis_startup.py"
        startup.write_text(STARTUP_CODE.replace("__CONFIG__", literal), encoding="utf-8")
        code = work / "check_code.py"
        code.write_text(CHECK_CODE.replace("__CONFIG__", literal), encoding="utf-8")

        cmd = [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 {} -nolisten tcp".format(SCREEN),
            "qgis",
            "--nologo",
            "--noversioncheck",
            "--code",
            str(code),
        ]
        qgis_log = work / "qgis_output.log"
        log("starting QGIS under Xvfb (limit {:.0f} s)".format(args.timeout))
        with open(qgis_log, "wb") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=str(work),
                env=child_env(home, startup),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: QGIS, xvfb-run and Xvfb
            )
            pgid = proc.pid
            timed_out = False
            try:
                proc.wait(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
        clean = kill_group(pgid, proc)
        if proc.returncode is None:
            proc.wait(timeout=10)
        qgis_rc = proc.returncode  # negative: killed by that signal
        elapsed = time.time() - started

        # ---- evaluate -------------------------------------------------------
        result: Dict = {}
        result_path = Path(config["result"])
        if result_path.is_file():
            try:
                result = json.loads(result_path.read_text(encoding="utf-8"))
            except ValueError as exc:
                result = {"errors": ["unreadable result JSON: {}".format(exc)]}
        messages = read_jsonl(Path(config["messages"]))
        dialogs = read_jsonl(Path(config["dialogs"]))
        bad_messages = [
            m
            for m in messages
            if (m.get("tag") in FAIL_TAGS and m.get("level") in (1, 2)) or "Traceback" in (m.get("message") or "")
        ]
        other_warnings = [m for m in messages if m not in bad_messages]

        failures = []
        if timed_out:
            failures.append("QGIS did not finish within {:.0f} s (killed)".format(args.timeout))
        if not result:
            failures.append("no result JSON: the check code never finished (QGIS crashed, hung or was killed)")
        else:
            for key, what in (
                ("plugin_loaded", "plugin {} is not in qgis.utils.plugins".format(PLUGIN)),
                ("plugin_active", "plugin {} is not in qgis.utils.active_plugins".format(PLUGIN)),
                ("provider_found", "Processing provider '{}' is not registered".format(PROVIDER)),
                ("algorithm_found", "algorithm {} is not in the provider".format(ALGORITHM)),
                ("icon_ok", "the provider icon is null or empty"),
                ("toolbox_opened", "the Processing toolbox did not open"),
                ("screenshot_saved", "no screenshot saved"),
            ):
                if not result.get(key):
                    failures.append(what)
            if not args.no_run:
                run = result.get("loadreads") or {}
                if not run.get("ok"):
                    failures.append(
                        "{} in the desktop: expected {} reads, 0 rejected, got reads={} rejected={} features={}".format(
                            ALGORITHM,
                            SAMPLE_ROWS,
                            run.get("read_count"),
                            run.get("rejected_count"),
                            run.get("feature_count"),
                        )
                    )
            if args.model:
                model = result.get("model") or {}
                if not model.get("ok"):
                    failures.append(
                        "{} in the desktop: found={} children resolved={} valid={} toolbox dialog={} "
                        "designer={} outputs={}/{} clean={} total_reads={} layers valid={} errors={}".format(
                            MODEL,
                            model.get("found"),
                            model.get("children_resolved"),
                            model.get("valid"),
                            model.get("toolbox_dialog"),
                            model.get("designer_opened"),
                            len(model.get("written") or []),
                            len(MODEL_OUTPUTS),
                            model.get("clean_count"),
                            model.get("total_reads"),
                            model.get("layers_valid"),
                            model.get("errors"),
                        )
                    )
            for err in result.get("errors", []):
                failures.append("check step failed: " + err.strip().splitlines()[-1] if err.strip() else err)
        for d in dialogs:
            if d.get("class") == "deadline":
                failures.append("in-QGIS deadline reached before the checks finished")
            else:
                failures.append("modal dialog {} {!r} (closed by the check)".format(d.get("class"), d.get("title")))
        for m in bad_messages:
            first = (m.get("message") or "").strip().splitlines()
            failures.append("logged [{}] {}".format(m.get("tag"), first[-1] if first else ""))
        if not clean:
            failures.append("processes of the QGIS run were still alive after SIGKILL")
        if not timed_out and qgis_rc not in (0, None):
            failures.append("QGIS exited with status {} (a crash: see qgis_output.log with --keep)".format(qgis_rc))

        if shot.is_file() and args.screenshot is not None:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, args.screenshot)
        if result and args.result_json is not None:
            args.result_json.parent.mkdir(parents=True, exist_ok=True)
            result["passed"] = not failures
            result["failures"] = failures
            result["elapsed_s"] = round(elapsed, 1)
            args.result_json.write_text(json.dumps(result, indent=2), encoding="utf-8")

        # ---- report ---------------------------------------------------------
        run = result.get("loadreads") or {}
        log(
            "QGIS {} exited with {} after {:.1f} s{}".format(
                result.get("qgis_version") or "", qgis_rc, elapsed, " (timed out)" if timed_out else ""
            )
        )
        log(
            "plugin loaded={} active={} | provider {}={} ({}) | {}={} | icon={} | toolbox open={} expanded={}".format(
                result.get("plugin_loaded"),
                result.get("plugin_active"),
                PROVIDER,
                result.get("provider_found"),
                result.get("provider_name"),
                ALGORITHM,
                result.get("algorithm_found"),
                result.get("icon_ok"),
                result.get("toolbox_opened"),
                result.get("toolbox_expanded"),
            )
        )
        if not args.no_run:
            log(
                "loadreads ok={} reads={} rejected={} features={} ({} s)".format(
                    run.get("ok"),
                    run.get("read_count"),
                    run.get("rejected_count"),
                    run.get("feature_count"),
                    run.get("seconds"),
                )
            )
        if args.model:
            model = result.get("model") or {}
            log(
                "model ok={} children={} clean reads={} unique plates={} report={} bytes ({} s)".format(
                    model.get("ok"),
                    len(model.get("children") or []),
                    model.get("clean_count"),
                    model.get("unique_plates"),
                    model.get("report_bytes"),
                    model.get("seconds"),
                )
            )
        shown = args.screenshot if (args.screenshot is not None and shot.is_file()) else shot
        if shot.is_file():
            log("screenshot: {} ({} bytes)".format(shown, shot.stat().st_size))
        for m in other_warnings:
            first = (m.get("message") or "").strip().splitlines()
            log("note: QGIS logged [{}] {}".format(m.get("tag"), first[0][:200] if first else ""))
        if failures:
            log("FAILED:")
            for f in failures:
                print("  - " + f)
            if bad_messages:
                print("Recorded log lines:")
                for m in bad_messages:
                    print("--- [{}] level {} at {} s".format(m.get("tag"), m.get("level"), m.get("t")))
                    print((m.get("message") or "").rstrip())
            for d in dialogs:
                if d.get("text"):
                    print("--- dialog {!r}:".format(d.get("title")))
                    print(d["text"].rstrip()[:4000])
            if not result and qgis_log.is_file():
                print("--- last lines of the QGIS output:")
                print("\n".join(qgis_log.read_text(errors="replace").splitlines()[-40:]))
            if temp_home and not args.keep:
                log("(rerun with --keep to keep {} for inspection)".format(home))
            return 1
        log("PASSED")
        return 0
    finally:
        if pgid is not None and group_alive(pgid, proc):
            kill_group(pgid, proc)
        if temp_home and not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        elif temp_home:
            log("kept {}".format(home))


if __name__ == "__main__":
    sys.exit(main())
