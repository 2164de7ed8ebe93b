"""The HTML report of ``alpr:summary``: one self-contained file that tells the whole story.

``page`` lays out the report (title, funnel, findings, numbers, time,
plates, devices, map, methods); ``findings`` builds one section per result
input (hotspots, census, crime, sites, outside, tracks, audit, model);
``inputs`` says which fields each result input must hold; ``charts`` draws;
``html`` escapes and formats.
"""

from alpr_qgis.core.report.charts import plate_frequency_bins
from alpr_qgis.core.report.html import Section, format_value
from alpr_qgis.core.report.page import ReportContext, build_report, default_title, zone_label

__all__ = [
    "ReportContext",
    "Section",
    "build_report",
    "default_title",
    "format_value",
    "plate_frequency_bins",
    "zone_label",
]
