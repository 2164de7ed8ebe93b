"""Write a QGIS project that opens the demo's outputs, styled; render the docs pictures.

Run with Debian's python3 (it needs QGIS), headless:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/demo_project.py demo-output
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/demo_project.py demo-output \\
        --heatmap-png docs/heatmap.png --report-png docs/report.png --layout-png build/layout.png

The project (``alpr_demo.qgz`` in the folder by default, paths relative to it)
holds every output of ``make demo`` that exists in the folder, each with the
style stored with it: the GeoPackage's default style (written by the
algorithms) or the ``.qml`` beside the heatmap GeoTIFF (its legend in reads
per km²).  The sample's context layers (boundary, neighbours, headquarters,
crimes) get a plain style here.

It opens on a readable map: the city (the boundary's extent, in the
heatmap's UTM CRS), the heatmap over the boundary and the neighbouring
jurisdictions.  Every other finding waits, switched off, in its group
("Patrols", "Compare", "Reads"; the tables in "Tables").  It also holds a
print layout, "ALPR heatmap (A4)": title, map, legend, scale bar, north arrow
and the data's credit, so a PDF is one click away (Layout → Export as PDF).
Its map shows the layers switched on in the project.

``--heatmap-png`` renders the heatmap over the boundary with QGIS's map
renderer; ``--layout-png`` renders the print layout; ``--report-png``
renders the top of the HTML report with QtWebKit (Debian package
python3-pyqt5.qtwebkit, needed for the docs only).

The functions are importable (the repository on ``sys.path``): tests build a
small project with :func:`build_project` and check its layout.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional, Tuple

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402 (the Qt platform first)
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFillSymbol,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsSingleSymbolRenderer,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QSize, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QImage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the plugin's own layout code (alpr_qgis.qgis_io.mapimage)
    sys.path.insert(0, str(ROOT))

MAX_PNG_BYTES = 300_000
LAYOUT_NAME = "ALPR heatmap (A4)"
TITLE = "Where the cameras read: licence-plate reads per km², Harborview (sample data)"
ATTRIBUTION = (
    "Reads: the synthetic ALPR export shipped with alpr_qgis (alpr_reads.csv.gz), cleaned by alpr:cleanreads. "
    "Boundaries: the sample city (city.gpkg). Density: alpr:heatmap{}. Map: QGIS, alpr_qgis."
)

# (file, layer inside the file or None, name in the project, group, visible), top of the map first.
# The heatmap is drawn over the city and its neighbours; the other findings wait, switched off.
HEATMAP_TITLE = "Heatmap of clean reads (reads per km²)"
LAYERS: List[Tuple[str, Optional[str], str, str, bool]] = [
    ("city.gpkg", "headquarters", "Police headquarters", "", True),
    ("device_tracks.gpkg", None, "Patrol tracks", "Patrols", False),
    ("fixed_cameras.gpkg", None, "Fixed cameras", "Patrols", False),
    ("reads_outside.gpkg", None, "Reads outside the city", "Patrols", False),
    ("sites.gpkg", None, "Reads near sensitive sites", "Compare", False),
    ("hotspots.gpkg", None, "Hotspots (Gi*)", "Compare", False),
    ("census_reads.gpkg", None, "Reads per census tract", "Compare", False),
    ("crime_reads.gpkg", None, "Reads and auto crime per tract", "Compare", False),
    ("model_units.gpkg", None, "Count model residuals per tract", "Compare", False),
    ("city.gpkg", "crimes", "Crimes", "Compare", False),
    ("clean_reads.gpkg", None, "Clean reads", "Reads", False),
    ("misreads.gpkg", None, "Rejected reads", "Reads", False),
    ("reads_public.gpkg", None, "Reads fit to publish", "Reads", False),
    ("heatmap.tif", None, HEATMAP_TITLE, "Heatmap", True),
    ("city.gpkg", "city_boundary", "City boundary", "City (sample)", True),
    ("city.gpkg", "neighbours", "Neighbouring jurisdictions", "City (sample)", True),
    ("summary.gpkg", None, "Summary numbers", "Tables", True),
    ("census_stats.gpkg", None, "Census statistics", "Tables", True),
    ("crime_stats.gpkg", None, "Crime statistics", "Tables", True),
    ("count_model.gpkg", None, "Count model", "Tables", True),
    ("reidentification_audit.gpkg", None, "Re-identification audit", "Tables", True),
    ("rejected_records.gpkg", None, "Unreadable records", "Tables", True),
]
# Groups, top first ("" is the tree's root).
GROUPS = ("Patrols", "Compare", "Reads", "Heatmap", "City (sample)", "Tables")
# On the map and in the layout's legend, top first.
LEGEND = ("Police headquarters", HEATMAP_TITLE, "City boundary", "Neighbouring jurisdictions")


def style_context_layer(layer: QgsVectorLayer, name: str) -> None:
    """Plain styles for the sample's own layers (they carry none)."""
    if name == "headquarters":
        symbol = QgsMarkerSymbol.createSimple(
            {"name": "star", "color": "255,215,0", "outline_color": "20,20,20", "size": "6"}
        )
    elif name == "city_boundary":
        symbol = QgsFillSymbol.createSimple(
            {"style": "no", "outline_color": "20,20,20", "outline_width": "0.8", "color": "0,0,0,0"}
        )
    elif name == "neighbours":
        symbol = QgsFillSymbol.createSimple(
            {
                "style": "no",
                "outline_color": "110,110,110",
                "outline_width": "0.4",
                "outline_style": "dash",
                "color": "0,0,0,0",
            }
        )
        label = QgsPalLayerSettings()
        label.fieldName = "name"
        text = QgsTextFormat()
        text.setFont(QFont("DejaVu Sans"))
        text.setSize(9)
        text.setColor(QColor(90, 90, 90))
        label.setFormat(text)
        layer.setLabeling(QgsVectorLayerSimpleLabeling(label))
        layer.setLabelsEnabled(True)
    else:  # crimes
        symbol = QgsMarkerSymbol.createSimple({"name": "cross2", "color": "90,90,90", "size": "1.6"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))


REASON_COLOURS = ("228,26,28", "255,127,0", "152,78,163", "77,175,74", "55,126,184", "166,86,40", "247,129,191")


def style_rejected_reads(layer: QgsVectorLayer) -> None:
    """alpr:cleanreads writes no default style for REJECTED: colour the reads by reason, and store
    that as the GeoPackage's default style so the file opens styled anywhere."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory

    index = layer.fields().indexOf("reason")
    if index < 0:
        return
    categories = []
    for i, reason in enumerate(sorted(str(v) for v in layer.uniqueValues(index) if v is not None)):
        symbol = QgsMarkerSymbol.createSimple(
            {"name": "cross2", "color": REASON_COLOURS[i % len(REASON_COLOURS)], "size": "2.6"}
        )
        categories.append(QgsRendererCategory(reason, symbol, reason))
    layer.setRenderer(QgsCategorizedSymbolRenderer("reason", categories))
    message = layer.saveStyleToDatabase("rejected", "alpr_qgis demo: rejected reads by reason", True, "")
    if message:
        print("note: could not store the style of {}: {}".format(layer.name(), message))


def open_layer(folder: Path, file: str, inner: Optional[str], title: str) -> Optional[QgsMapLayer]:
    path = folder / file
    if not path.is_file():
        return None
    if file.endswith(".tif"):
        layer = QgsRasterLayer(str(path), title)  # loads heatmap.qml beside it
    else:
        uri = str(path) + ("|layername=" + inner if inner else "")
        layer = QgsVectorLayer(uri, title, "ogr")  # loads the GeoPackage's default style
        if inner and layer.isValid():
            style_context_layer(layer, inner)
        elif file == "misreads.gpkg" and layer.isValid() and not layer.listStylesInDatabase()[0]:
            style_rejected_reads(layer)
    if not layer.isValid():
        raise SystemExit("{} is not a valid layer".format(path))
    from alpr_qgis.qgis_io.styles import set_temporal

    set_temporal(layer)  # reads at their read_time, tracks over their span: the Temporal Controller animates the week
    return layer


def city_extent(project: QgsProject, crs: QgsCoordinateReferenceSystem) -> Optional[QgsRectangle]:
    """The city boundary's extent in ``crs``, with a margin."""
    boundary = project.mapLayersByName("City boundary")
    if not boundary:
        return None
    layer = boundary[0]
    transform = QgsCoordinateTransform(layer.crs(), crs, project)
    extent = transform.transformBoundingBox(layer.extent())
    extent.grow(max(extent.width(), extent.height()) * 0.06)
    return extent


def build_project(folder: Path, path: Path) -> QgsProject:
    """Add every output present in ``folder`` to the project, with its layout, and write it to ``path``.

    The project is ``QgsProject.instance()`` (the map canvas saves its view
    with it), cleared first.
    """
    from qgis.gui import QgsMapCanvas

    from alpr_qgis.qgis_io.map_layout import drop_band_name

    project = QgsProject.instance()
    project.clear()
    project.setTitle("ALPR analysis: the Harborview sample (make demo)")
    project.setFileName(str(path))
    root = project.layerTreeRoot()
    groups = {name: root.addGroup(name) for name in GROUPS}
    added = []
    at_root = 0
    for file, inner, title, group, visible in LAYERS:
        layer = open_layer(folder, file, inner, title)
        if layer is None:
            continue
        project.addMapLayer(layer, False)
        if group:
            node = groups[group].addLayer(layer)
        else:  # above every group
            node = root.insertLayer(at_root, layer)
            at_root += 1
        node.setItemVisibilityChecked(visible)
        if not visible or group == "Tables":
            node.setExpanded(False)
        if isinstance(layer, QgsRasterLayer):
            drop_band_name(node)  # (its legend: the ramp's labels, in reads per km²)
        added.append(layer)
    for name, group in groups.items():
        if not group.children():
            root.removeChildNode(group)
        elif name == "Tables" or not any(child.itemVisibilityChecked() for child in group.children()):
            group.setExpanded(False)  # (its layers are switched off: the group is checked, they are not)
    if not added:
        raise SystemExit("no demo outputs in {}".format(folder))

    heatmaps = [layer for layer in added if isinstance(layer, QgsRasterLayer)]
    crs = heatmaps[0].crs() if heatmaps else QgsCoordinateReferenceSystem("EPSG:4326")
    project.setCrs(crs)
    extent = city_extent(project, crs)
    if extent is None and heatmaps:
        extent = heatmaps[0].extent()
    if extent is not None:
        add_layout(project, crs, extent)
    # The desktop reads the map view from the canvas state saved with the project
    # (a canvas writes it when the project is written); the default view is the same.
    canvas = QgsMapCanvas()
    canvas.setObjectName("theMapCanvas")
    canvas.resize(1200, 800)
    canvas.setDestinationCrs(crs)
    canvas.setLayers(visible_layers(project))
    if extent is not None:
        canvas.setExtent(extent)
        project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, crs))
    write_project(project, path)
    canvas.deleteLater()
    return project


def write_project(project: QgsProject, path: Path) -> None:
    """Write ``project`` to ``path`` whole or not at all: aside in the same folder, checked, renamed into place.

    The file written aside sits beside ``path`` (so paths are relative to the
    same folder); a failed or interrupted write leaves any earlier project
    as it was.
    """
    import zipfile

    temp = path.with_name(".{}.alpr-tmp-{}{}".format(path.stem, os.getpid(), path.suffix))
    try:
        written = project.write(str(temp))
        if written and path.suffix.lower() == ".qgz":
            with zipfile.ZipFile(temp) as archive:  # every member reads back
                written = archive.testzip() is None and any(n.endswith(".qgs") for n in archive.namelist())
        if not written:
            raise SystemExit("could not write {}: {}".format(path.name, project.error() or "the file is incomplete"))
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as err:
        raise SystemExit("could not write {}: {}".format(path.name, err.strerror or err)) from None
    finally:
        project.setFileName(str(path))
        if temp.exists():
            temp.unlink()


def heatmap_caption(layer: QgsRasterLayer) -> str:
    """How the heatmap was made, from what alpr:heatmap stored in it (e.g. " (quartic kernel, 300 m radius)")."""
    from alpr_qgis.qgis_io.raster import heatmap_parameters

    params = heatmap_parameters(layer.source())
    if not params.get("kernel") or not params.get("radius_m"):
        return ""
    return " ({} kernel, {:g} m radius)".format(params["kernel"], params["radius_m"])


def add_layout(project: QgsProject, crs: QgsCoordinateReferenceSystem, extent: QgsRectangle):
    """Add the print layout :data:`LAYOUT_NAME` (A4 landscape) to ``project``; return it.

    Title, the map over ``extent`` (it shows the layers switched on in the
    project), a legend of :data:`LEGEND`, scale bar, north arrow and the
    data's credit, laid out by :func:`alpr_qgis.qgis_io.map_layout.build_map_layout`.
    """
    from alpr_qgis.qgis_io.map_layout import build_map_layout

    manager = project.layoutManager()
    old = manager.layoutByName(LAYOUT_NAME)
    if old is not None:
        manager.removeLayout(old)
    legend = [project.mapLayersByName(name)[0] for name in LEGEND if project.mapLayersByName(name)]
    heat = [layer for layer in legend if isinstance(layer, QgsRasterLayer)]
    layout = build_map_layout(
        project,
        None,
        legend,
        crs,
        extent,
        (297.0, 210.0),
        title=TITLE,
        attribution=ATTRIBUTION.format(heatmap_caption(heat[0]) if heat else ""),
        name=LAYOUT_NAME,
    )
    if not manager.addLayout(layout):
        raise SystemExit("could not add the layout {}".format(LAYOUT_NAME))
    return layout


def render_layout(project: QgsProject, path: Path, dpi: float = 96.0) -> int:
    """The print layout :data:`LAYOUT_NAME` as a PNG at ``dpi`` (A4 at 96 dpi: 1123 × 794 pixels)."""
    from qgis.core import QgsLayoutExporter

    layout = project.layoutManager().layoutByName(LAYOUT_NAME)
    if layout is None:
        raise SystemExit("no layout {} in the project".format(LAYOUT_NAME))
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), dpi)
    return save_png(image, path, max_bytes=None)


def visible_layers(project: QgsProject) -> List[QgsMapLayer]:
    """Layers shown on the map, top first (the order of the layer tree)."""
    root = project.layerTreeRoot()
    return [
        node.layer()
        for node in root.findLayers()
        if node.isVisible() and node.layer() is not None and node.layer().isSpatial()
    ]


def save_png(image: QImage, path: Path, max_bytes: Optional[int] = MAX_PNG_BYTES) -> int:
    """Save ``image``; in 256 colours when it would exceed ``max_bytes``."""
    from alpr_qgis.qgis_io.map_layout import png_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    if image.isNull():
        raise SystemExit("nothing rendered for {}".format(path))
    path.write_bytes(png_bytes(image, max_bytes))
    return path.stat().st_size


def render_heatmap(project: QgsProject, folder: Path, path: Path, width: int = 900) -> int:
    """The report's map of the heatmap (:func:`alpr_qgis.qgis_io.map_layout.render_map_png`), as a PNG."""
    from alpr_qgis.qgis_io.map_layout import render_map_png

    heat = project.mapLayersByName(HEATMAP_TITLE)
    if not heat:
        raise SystemExit("no heatmap in the project")
    city = folder / "city.gpkg"

    def sample(name: str) -> Optional[QgsVectorLayer]:
        layer = QgsVectorLayer("{}|layername={}".format(city, name), name, "ogr")
        return layer if layer.isValid() else None

    overlays = project.mapLayersByName("Police headquarters")
    png = render_map_png(
        heat[0],
        boundary=sample("city_boundary"),
        neighbours=sample("neighbours"),
        tracts=sample("census_tracts"),
        overlays=overlays[:1],
        attribution=ATTRIBUTION.format(heatmap_caption(heat[0])),
        crs=project.crs(),
        width=width,
    )
    return save_png(QImage.fromData(png, "PNG"), path)


def render_report(html: Path, path: Path, width: int = 1000, max_height: int = 1500, scale: int = 760) -> int:
    """The top of the HTML report, rendered by QtWebKit and scaled to ``scale`` pixels wide."""
    try:
        from PyQt5.QtWebKitWidgets import QWebPage
    except ImportError:
        raise SystemExit("rendering the report needs QtWebKit: apt install python3-pyqt5.qtwebkit") from None
    from qgis.PyQt.QtCore import QEventLoop, QTimer, QUrl
    from qgis.PyQt.QtGui import QPainter

    page = QWebPage()
    frame = page.mainFrame()
    frame.setScrollBarPolicy(Qt.Vertical, Qt.ScrollBarAlwaysOff)
    frame.setScrollBarPolicy(Qt.Horizontal, Qt.ScrollBarAlwaysOff)
    loop = QEventLoop()
    page.loadFinished.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    page.setViewportSize(QSize(width, 800))
    frame.load(QUrl.fromLocalFile(str(html.resolve())))
    loop.exec_()
    height = min(frame.contentsSize().height(), max_height)
    if height <= 0:
        raise SystemExit("the report {} rendered empty".format(html))
    page.setViewportSize(QSize(width, height))
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    painter.setRenderHint(QPainter.SmoothPixmapTransform)
    frame.render(painter)
    painter.end()
    return save_png(image.scaledToWidth(scale, Qt.SmoothTransformation), path)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the demo's output folder")
    parser.add_argument("--project", type=Path, help="project file to write (default: FOLDER/alpr_demo.qgz)")
    parser.add_argument("--heatmap-png", type=Path, help="also render the heatmap over the boundary here")
    parser.add_argument("--report-png", type=Path, help="also render the top of FOLDER/report.html here")
    parser.add_argument("--layout-png", type=Path, help="also render the print layout here")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    path = (args.project or folder / "alpr_demo.qgz").resolve()

    app = QgsApplication([], True)  # with widgets: the map canvas, QtWebKit
    app.initQgis()
    try:
        project = build_project(folder, path)
        print("wrote {} ({} layers)".format(path, len(project.mapLayers())))
        if args.heatmap_png:
            size = render_heatmap(project, folder, args.heatmap_png)
            print("wrote {} ({:,} bytes)".format(args.heatmap_png, size))
        if args.layout_png:
            size = render_layout(project, args.layout_png)
            print("wrote {} ({:,} bytes)".format(args.layout_png, size))
        if args.report_png:
            size = render_report(folder / "report.html", args.report_png)
            print("wrote {} ({:,} bytes)".format(args.report_png, size))
        project.clear()
    finally:
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
