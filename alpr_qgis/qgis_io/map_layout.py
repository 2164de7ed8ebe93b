"""The publishable map of the report and the demo's print layout: QGIS layouts drawn to a picture.

:func:`build_map_layout` lays out a heatmap (``qgis_io.mapimage``'s styled
layers) on a light basemap with its legend, scale bar, north arrow and the
data's credit; :func:`render_map_png` draws it as PNG bytes for the report.
"""

from __future__ import annotations

import math
import os
from typing import Optional, Sequence, Tuple

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsSimpleLegendNode,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QImage

from alpr_qgis.qgis_io.mapimage import heatmap_layer, layer_extent

# ------------------------------------------------------------------ publishable maps (print layouts)

#: Colours of the light basemap: the map's background, the neighbours, the
#: jurisdiction and the census tracts' outlines, the boundary on top.
BASEMAP = {
    "background": "#eef0f1",
    "neighbours_fill": "#e2e2dc",
    "neighbours_line": "#a3a39b",
    "boundary_fill": "#fbfbf8",
    "tracts_line": "#c9c9c1",
    "boundary_line": "#2b2b2b",
    "label": "#5c5c56",
}
#: The north arrow: an SVG shipped with QGIS (svg/arrows), looked up on QGIS's SVG paths.
NORTH_ARROW_SVG = "arrows/NorthArrow_02.svg"
FONT_FAMILY = "DejaVu Sans"


def basemap_layer(
    layer: QgsVectorLayer,
    name: str,
    fill: Optional[str],
    outline: str,
    width_mm: float,
    dashed: bool = False,
    label_field: Optional[str] = None,
) -> Optional[QgsVectorLayer]:
    """A copy of a polygon layer named ``name``, filled with ``fill`` (None: no fill), optionally labelled."""
    if layer is None or not layer.isValid():
        return None
    copy = layer.clone()
    copy.setName(name)
    props = {
        "style": "solid" if fill else "no",
        "color": fill or "0,0,0,0",
        "outline_color": outline,
        "outline_width": str(width_mm),
        "outline_width_unit": "MM",
        "outline_style": "dash" if dashed else "solid",
    }
    copy.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple(props)))
    if label_field and copy.fields().indexOf(label_field) >= 0:
        settings = QgsPalLayerSettings()
        settings.fieldName = label_field
        text = QgsTextFormat()
        text.setFont(QFont(FONT_FAMILY))
        text.setSize(8)
        text.setColor(QColor(BASEMAP["label"]))
        buffer = QgsTextBufferSettings()
        buffer.setEnabled(True)
        buffer.setSize(0.8)
        buffer.setColor(QColor(255, 255, 255, 200))
        text.setBuffer(buffer)
        settings.setFormat(text)
        copy.setLabeling(QgsVectorLayerSimpleLabeling(settings))
        copy.setLabelsEnabled(True)
    else:
        copy.setLabelsEnabled(False)
    return copy


def north_arrow_path() -> Optional[str]:
    """The file of :data:`NORTH_ARROW_SVG` on QGIS's SVG paths (None when QGIS ships none)."""
    for folder in QgsApplication.svgPaths():
        path = os.path.join(folder, NORTH_ARROW_SVG)
        if os.path.isfile(path):
            return path
    return None


def nice_step(value: float) -> float:
    """The largest of 1, 2, 2.5 or 5 times a power of ten not above ``value`` (> 0), e.g. 1.3 → 1, 0.37 → 0.25."""
    power = 10.0 ** math.floor(math.log10(value))
    return max(m * power for m in (1.0, 2.0, 2.5, 5.0) if m * power <= value * (1 + 1e-9))


def png_bytes(image: QImage, max_bytes: Optional[int] = None) -> bytes:
    """``image`` as PNG bytes; over ``max_bytes``, in 256 colours (an adaptive palette) when Pillow is there."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    png = bytes(data)
    if max_bytes is None or len(png) <= max_bytes:
        return png
    try:
        import io

        from PIL import Image  # (Pillow comes with matplotlib)
    except ImportError:
        return png
    small = io.BytesIO()
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    picture.quantize(256, method=Image.Quantize.FASTOCTREE).save(small, "PNG", optimize=True)
    return small.getvalue() if small.tell() < len(png) else png


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _plain(text: str) -> str:
    """Text shown as it is by a layout label: ``[%`` would start an expression."""
    return text.replace("[%", "[\u200b%")


def drop_band_name(node) -> bool:
    """Leave a raster's band name ("Band 1 (Gray)") out of its legend: the ramp's labels say what it shows."""
    layer = node.layer()
    if not isinstance(layer, QgsRasterLayer) or layer.legend() is None:
        return False
    nodes = layer.legend().createLayerTreeModelLegendNodes(node)
    keep = [i for i, item in enumerate(nodes) if not (i == 0 and isinstance(item, QgsSimpleLegendNode))]
    if len(keep) == len(nodes):
        return False
    QgsMapLayerLegendUtils.setLegendNodeOrder(node, keep)
    return True


def build_map_layout(
    project: QgsProject,
    map_layers: Optional[Sequence[QgsMapLayer]],
    legend_layers: Sequence[QgsMapLayer],
    crs: QgsCoordinateReferenceSystem,
    extent: QgsRectangle,
    page_mm: Tuple[float, float] = (297.0, 210.0),
    title: str = "",
    attribution: str = "",
    name: str = "Heatmap",
    legend_title: str = "",
    font_scale: float = 1.0,
) -> QgsPrintLayout:
    """A print layout of one page of ``page_mm`` (width, height): a map with legend, scale bar and north arrow.

    The map item shows ``map_layers`` (top first) in ``crs`` over at least
    ``extent``; with ``map_layers`` None it follows the project's visible
    layers (a layout a user keeps in a project).  The legend lists
    ``legend_layers`` (its own list, not updated from the project).  Where
    things are drawn (the tests rely on it):

    - ``title`` (optional), bold, in a band across the top; the map fills
      the rest of the page, inside a margin;
    - the legend in the map's top-left corner and the north arrow in its
      top-right corner, each on a white panel;
    - the scale bar (metres, or km when the map is over 3 km wide) in the
      bottom-left corner, the attribution text in the bottom-right corner.

    The items have ids ``map``, ``legend``, ``scalebar``, ``north_arrow``,
    ``attribution`` and ``title``.  ``font_scale`` scales every text.
    The layout is not added to the project's layout manager.
    """
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(name)
    width, height = page_mm
    layout.pageCollection().page(0).setPageSize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutMillimeters))
    margin = max(2.0, 0.02 * min(width, height))
    top = margin
    if title:
        heading = QgsLayoutItemLabel(layout)
        heading.setId("title")
        heading.setText(_plain(title))
        heading.setFont(_font(16 * font_scale, bold=True))
        heading.setFontColor(QColor("#1b1b1b"))
        heading.setHAlign(Qt.AlignLeft)
        heading.setVAlign(Qt.AlignVCenter)
        band = 10.0 * font_scale
        layout.addLayoutItem(heading)
        heading.attemptMove(QgsLayoutPoint(margin, margin, QgsUnitTypes.LayoutMillimeters))
        heading.attemptResize(QgsLayoutSize(width - 2 * margin, band, QgsUnitTypes.LayoutMillimeters))
        top = margin + band + 1.0
    map_w, map_h = width - 2 * margin, height - top - margin

    map_item = QgsLayoutItemMap(layout)
    map_item.setId("map")
    layout.addLayoutItem(map_item)
    # Sized before anything else: an extent set on a new item of no size becomes NaN for good.
    map_item.attemptResize(QgsLayoutSize(map_w, map_h, QgsUnitTypes.LayoutMillimeters))
    map_item.attemptMove(QgsLayoutPoint(margin, top, QgsUnitTypes.LayoutMillimeters))
    map_item.setCrs(crs)
    if map_layers is not None:
        map_item.setLayers(list(map_layers))
        map_item.setKeepLayerSet(True)
    map_item.setBackgroundColor(QColor(BASEMAP["background"]))
    map_item.setFrameEnabled(True)
    map_item.setFrameStrokeColor(QColor("#7a7a7a"))
    map_item.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, QgsUnitTypes.LayoutMillimeters))
    map_item.zoomToExtent(extent)

    panel = QColor(255, 255, 255, 225)
    inset = 2.0
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle(legend_title)
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for layer in legend_layers:
        if layer is not None:
            node = root.addLayer(layer)
            if drop_band_name(node):
                legend.model().refreshLayerLegend(node)
    legend.setStyleFont(QgsLegendStyle.Title, _font(10 * font_scale, bold=True))
    legend.setStyleFont(QgsLegendStyle.Group, _font(9 * font_scale, bold=True))
    legend.setStyleFont(QgsLegendStyle.Subgroup, _font(9 * font_scale, bold=True))
    legend.setStyleFont(QgsLegendStyle.SymbolLabel, _font(8 * font_scale))
    legend.setSymbolWidth(6.0 * font_scale)
    legend.setSymbolHeight(3.6 * font_scale)
    legend.setBoxSpace(2.0)
    legend.setBackgroundEnabled(True)
    legend.setBackgroundColor(panel)
    legend.setFrameEnabled(True)
    legend.setFrameStrokeColor(QColor("#9a9a9a"))
    legend.setFrameStrokeWidth(QgsLayoutMeasurement(0.2, QgsUnitTypes.LayoutMillimeters))
    legend.setResizeToContents(True)
    layout.addLayoutItem(legend)
    legend.updateLegend()
    legend.adjustBoxSize()
    legend.attemptMove(QgsLayoutPoint(margin + inset, top + inset, QgsUnitTypes.LayoutMillimeters))

    side = min(22.0 * font_scale, 0.18 * min(map_w, map_h))
    svg = north_arrow_path()
    if svg:
        arrow = QgsLayoutItemPicture(layout)
        arrow.setPicturePath(svg)
        arrow.setSvgFillColor(QColor("#1b1b1b"))
        arrow.setSvgStrokeColor(QColor("#1b1b1b"))
        arrow.setLinkedMap(map_item)  # turns with the map (rotation)
        arrow.setNorthMode(QgsLayoutItemPicture.GridNorth)
    else:  # (no SVG on this system: a letter)
        arrow = QgsLayoutItemLabel(layout)
        arrow.setText("N\n\u2191")
        arrow.setFont(_font(14 * font_scale, bold=True))
        arrow.setHAlign(Qt.AlignHCenter)
    arrow.setId("north_arrow")
    arrow.setBackgroundEnabled(True)
    arrow.setBackgroundColor(panel)
    layout.addLayoutItem(arrow)
    arrow.attemptResize(QgsLayoutSize(side * 0.72, side, QgsUnitTypes.LayoutMillimeters))
    arrow.attemptMove(QgsLayoutPoint(margin + map_w - inset - side * 0.72, top + inset, QgsUnitTypes.LayoutMillimeters))

    scalebar = QgsLayoutItemScaleBar(layout)
    scalebar.setId("scalebar")
    scalebar.setLinkedMap(map_item)
    scalebar.setStyle("Single Box")
    map_width_m = map_item.extent().width() * QgsUnitTypes.fromUnitToUnitFactor(
        crs.mapUnits(), QgsUnitTypes.DistanceMeters
    )
    kilometres = map_width_m > 3000
    scalebar.setUnits(QgsUnitTypes.DistanceKilometers if kilometres else QgsUnitTypes.DistanceMeters)
    scalebar.setUnitLabel("km" if kilometres else "m")
    scalebar.setMapUnitsPerScaleBarUnit(1.0)
    scalebar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeFixed)
    scalebar.setUnitsPerSegment(nice_step(map_width_m / (1000.0 if kilometres else 1.0) * 0.1))
    scalebar.setNumberOfSegmentsLeft(0)
    scalebar.setNumberOfSegments(2)
    scalebar.setHeight(1.6 * font_scale)
    label_format = scalebar.textFormat()  # (setFont() is deprecated: it did just this)
    label_format.setFont(_font(8 * font_scale))
    label_format.setSize(8 * font_scale)
    label_format.setSizeUnit(QgsUnitTypes.RenderPoints)
    scalebar.setTextFormat(label_format)
    scalebar.setBackgroundEnabled(True)
    scalebar.setBackgroundColor(panel)
    scalebar.setBoxContentSpace(1.5)
    layout.addLayoutItem(scalebar)
    scalebar.update()
    scalebar.refreshItemSize()
    size = scalebar.sizeWithUnits()
    scalebar.attemptMove(
        QgsLayoutPoint(margin + inset, top + map_h - inset - size.height(), QgsUnitTypes.LayoutMillimeters)
    )

    if attribution:
        credit = QgsLayoutItemLabel(layout)
        credit.setId("attribution")
        credit.setText(_plain(attribution))
        credit.setFont(_font(7 * font_scale))
        credit.setFontColor(QColor("#3c3c3c"))
        credit.setHAlign(Qt.AlignRight)
        credit.setMarginX(1.2)
        credit.setMarginY(0.8)
        credit.setBackgroundEnabled(True)
        credit.setBackgroundColor(panel)
        layout.addLayoutItem(credit)
        credit.adjustSizeToText()
        size = credit.sizeWithUnits()
        if size.width() > 0.7 * map_w:  # a long credit wraps within 70 % of the map's width
            credit.attemptResize(QgsLayoutSize(0.7 * map_w, size.height() * 2.2, QgsUnitTypes.LayoutMillimeters))
            size = credit.sizeWithUnits()
        credit.attemptMove(
            QgsLayoutPoint(
                margin + map_w - inset - size.width(),
                top + map_h - inset - size.height(),
                QgsUnitTypes.LayoutMillimeters,
            )
        )
    return layout


def render_map_png(
    heatmap: Optional[QgsRasterLayer] = None,
    boundary: Optional[QgsVectorLayer] = None,
    neighbours: Optional[QgsVectorLayer] = None,
    tracts: Optional[QgsVectorLayer] = None,
    overlays: Sequence[QgsMapLayer] = (),
    attribution: str = "",
    crs: Optional[QgsCoordinateReferenceSystem] = None,
    extent: Optional[QgsRectangle] = None,
    title: str = "",
    width: int = 1000,
    max_height: int = 900,
    dpi: float = 96.0,
    neighbour_label_field: Optional[str] = "name",
    path: Optional[str] = None,
    max_bytes: Optional[int] = 400_000,
) -> bytes:
    """A publishable map for a report, as PNG bytes: the heatmap in reads per km² on a light basemap.

    - ``heatmap``: a density raster (alpr:heatmap's GeoTIFF, or
      :func:`density_layer`'s), drawn with the plugin's ramp, transparent
      where the density is negligible, its legend in reads per km² (see
      :func:`heatmap_layer`).  Optional: without it the map shows the rest.
    - ``boundary``, ``neighbours``, ``tracts`` (optional polygon layers):
      the light basemap; the boundary is also outlined over the heatmap and
      the neighbours are labelled from ``neighbour_label_field`` when they
      have it.
    - ``overlays``: already styled layers drawn over everything (top first),
      e.g. :func:`reference_layers` or :func:`points_layer`; listed in the
      legend under their names.
    - ``attribution``: the data credit, drawn as plain text (never
      evaluated) in the bottom-right corner; ``title`` above the map.
    - ``crs``: the map's CRS (default: the heatmap's, else the boundary's,
      else the first overlay's); ``extent`` in ``crs`` (default: the
      boundary's extent, else the heatmap's, else the overlays', with a 4 %
      margin).
    - The picture is ``width`` pixels wide at ``dpi`` (text sized for a web
      page) and as tall as the extent needs, within 55 %–``max_height``.
      Legend top-left, north arrow top-right, scale bar bottom-left,
      attribution bottom-right (see :func:`build_map_layout`).
    - ``path``: also written there when given.
    - ``max_bytes``: a bigger PNG is stored in 256 colours (an adaptive
      palette, see :func:`png_bytes`); None keeps every colour.

    The layers are styled copies (the caller's layers keep their styles),
    held in a scratch project for the time of the rendering.  Raises
    ``ValueError`` when there is nothing to draw or no extent; runs on the
    main thread (a print layout).
    """
    heat = heatmap_layer(heatmap) if heatmap is not None else None
    outline = basemap_layer(boundary, "Boundary", None, BASEMAP["boundary_line"], 0.6) if boundary else None
    base = [
        outline,
        heat,
        basemap_layer(tracts, "Census tracts", None, BASEMAP["tracts_line"], 0.2) if tracts else None,
        basemap_layer(boundary, "Boundary (area)", BASEMAP["boundary_fill"], BASEMAP["boundary_line"], 0.0)
        if boundary
        else None,
        basemap_layer(
            neighbours,
            "Neighbouring jurisdictions",
            BASEMAP["neighbours_fill"],
            BASEMAP["neighbours_line"],
            0.3,
            label_field=neighbour_label_field,
        )
        if neighbours
        else None,
    ]
    extras = [layer.clone() for layer in overlays if layer is not None and layer.isValid()]
    for clone, layer in zip(extras, [layer for layer in overlays if layer is not None and layer.isValid()]):
        clone.setName(layer.name())
    map_layers = extras + [layer for layer in base if layer is not None]
    if not map_layers:
        raise ValueError("nothing to draw")
    if crs is None or not crs.isValid():
        first = heat or outline or map_layers[0]
        crs = first.crs()
    if extent is None or extent.isEmpty():
        for candidate in ([outline] if outline else []) + ([heat] if heat else []) + extras:
            extent = layer_extent(candidate, crs)
            if extent is not None and not extent.isEmpty():
                break
        if extent is None or extent.isEmpty():
            raise ValueError("no extent to draw")
        extent = QgsRectangle(extent)
        extent.grow(0.04 * max(extent.width(), extent.height()))
    legend_layers = (
        extras
        + ([heat] if heat else [])
        + ([outline] if outline else [])
        + [layer for layer in base[2:] if layer is not None and layer.name() != "Boundary (area)"]
    )

    title_px = int(round(14 * dpi / 25.4)) if title else 0
    ratio = extent.height() / extent.width() if extent.width() > 0 else 1.0
    height = max(int(0.55 * width), min(max_height, int(round(width * ratio)) + title_px))
    page = (width / dpi * 25.4, height / dpi * 25.4)

    project = QgsProject()
    project.setCrs(crs)
    project.setTransformContext(QgsProject.instance().transformContext())
    project.addMapLayers(map_layers, False)
    layout = None
    try:
        layout = build_map_layout(
            project,
            map_layers,
            legend_layers,
            crs,
            extent,
            page,
            title=title,
            attribution=attribution,
            name="Report map",
        )
        image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(width, height), dpi)
    finally:
        layout = None
        project.removeAllMapLayers()
    png = png_bytes(image, max_bytes)
    if path:
        with open(path, "wb") as handle:
            handle.write(png)
    return png
