"""One report section per result input, in the report's order.

Each builder takes the result layer's table (columns under the canonical
names of ``inputs.SPECS``, a ``label``/``type`` column when the layer names
its features) and returns a ``Section``: a headline in plain words with its
number, a chart and a table, the method in a paragraph, and the caveats.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import pandas as pd

from alpr_qgis.core.report.areas import census_section, crime_section, model_section
from alpr_qgis.core.report.common import Facts
from alpr_qgis.core.report.html import Section
from alpr_qgis.core.report.patrol import (
    audit_section,
    hotspots_section,
    outside_section,
    sites_section,
    tracks_section,
)

# The report's order of result sections (CENSUS and CENSUS_STATS make one section).
ORDER = ("HOTSPOTS", "CENSUS", "CRIME_STATS", "SITES", "OUTSIDE", "TRACKS", "MODEL", "AUDIT")
BUILDERS = {
    "HOTSPOTS": hotspots_section,
    "CRIME_STATS": crime_section,
    "SITES": sites_section,
    "OUTSIDE": outside_section,
    "TRACKS": tracks_section,
    "MODEL": model_section,
    "AUDIT": audit_section,
}

__all__ = ["BUILDERS", "ORDER", "Facts", "build_sections", "census_section"]


def build_sections(tables: Dict[str, Tuple[pd.DataFrame, str]], facts: Facts) -> List[Section]:
    """The sections for the result inputs given: ``{parameter: (table, layer name)}``, in ``ORDER``."""
    sections = []
    for key in ORDER:
        if key == "CENSUS":
            units, stats = tables.get("CENSUS"), tables.get("CENSUS_STATS")
            if units is not None or stats is not None:
                names = [t[1] for t in (units, stats) if t is not None]
                sections.append(census_section(units[0] if units else None, stats[0] if stats else None, names, facts))
        elif key in tables:
            table, name = tables[key]
            sections.append(BUILDERS[key](table, name, facts))
    return sections
