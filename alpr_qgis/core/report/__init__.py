"""The HTML report of ``alpr:summary``: one self-contained file that tells the whole story.

The package's rooms:

* ``page``: the whole page (title, funnel, findings, numbers, time, plates,
  devices, map, methods);
* ``findings``: one section per result input, in the report's order;
* ``patrol``: the sections on what the cameras did (hot spots, sensitive
  sites, reads outside, tracks, the release audit);
* ``areas``: the sections comparing areas (census, crime, the count model);
* ``common``: what every section shares (facts about the reads, words for
  statistics, caveats);
* ``inputs``: which fields each result input must hold;
* ``charts``: the matplotlib figures; ``html``: escaping, formats, markup.
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
