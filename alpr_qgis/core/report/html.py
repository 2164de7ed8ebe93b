"""The report's HTML pieces: escaping, number formats, tables, figures and sections.

Every string that comes from the data or the user goes through ``e()``
(``html.escape``); markup is built only here and in ``page.py``, and stays
well-formed XML (HTML5 polyglot) so that any XML parser can check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Dict, List, Optional, Sequence

import numpy as np


def e(value: object) -> str:
    """``value`` as text, HTML-escaped (quotes included)."""
    return escape(str(value), quote=True)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and not math.isfinite(value)) or value != value
    except (TypeError, ValueError):
        return False


def format_value(value: Optional[float]) -> str:
    """How a metric value reads in the report (integers without decimals, null as 'not available')."""
    if _missing(value) or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        return "not available"
    if float(value).is_integer():
        return "{:,}".format(int(value))
    if abs(value) < 1:
        return "{:.3f}".format(value)
    return "{:,.2f}".format(value)


def number(value: object, digits: int = 0) -> str:
    """``12,345`` or ``1.23`` (``digits`` decimals); a dash when missing."""
    if _missing(value):
        return "–"
    return "{:,.{}f}".format(float(value), digits)


def share(value: object, digits: int = 1) -> str:
    """A fraction as a percentage (``0.123`` -> ``12.3%``); a dash when missing."""
    if _missing(value):
        return "–"
    return "{:.{}%}".format(float(value), digits)


def p_value(value: object) -> str:
    """A p-value as reporters write it (``p < 0.001``, ``p = 0.04``); ``p not available`` when missing."""
    if _missing(value):
        return "p not available"
    value = float(value)
    if value < 0.001:
        return "p < 0.001"
    return "p = {:.3f}".format(value) if value < 0.01 else "p = {:.2f}".format(value)


def plural(count: object, one: str, many: Optional[str] = None) -> str:
    """``1 read``, ``2 reads``: the count with thousands separators and the right noun."""
    shown = number(count)
    try:
        single = float(count) == 1
    except (TypeError, ValueError):
        single = False
    return "{} {}".format(shown, one if single else (many or one + "s"))


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[bool] = (),
    row_attrs: Optional[Sequence[Dict[str, str]]] = None,
    css: str = "",
) -> str:
    """A table of escaped cells; ``numeric`` columns are right-aligned, ``row_attrs`` become ``data-*``."""
    out = ["<table{}>".format(' class="{}"'.format(e(css)) if css else "")]
    out.append("<tr>" + "".join("<th>{}</th>".format(e(h)) for h in header) + "</tr>")
    for i, row in enumerate(rows):
        attrs = ""
        if row_attrs is not None and i < len(row_attrs):
            attrs = "".join(' data-{}="{}"'.format(e(k), e(v)) for k, v in row_attrs[i].items())
        cells = []
        for j, cell in enumerate(row):
            cls = ' class="n"' if j < len(numeric) and numeric[j] else ""
            cells.append("<td{}>{}</td>".format(cls, e(cell)))
        out.append("<tr{}>".format(attrs) + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def figure(png_b64: str, alt: str, caption: str) -> str:
    """An embedded PNG (base64 text) with its caption."""
    return '<figure><img src="data:image/png;base64,{}" alt="{}" /><figcaption>{}</figcaption></figure>'.format(
        png_b64, e(alt), e(caption)
    )


def paragraph(text: str, css: str = "") -> str:
    return "<p{}>{}</p>".format(' class="{}"'.format(css) if css else "", e(text))


@dataclass
class Section:
    """One finding of the report: a headline with its number, a chart or table, the method, the caveats.

    ``body`` holds markup already built with the helpers above (escaped);
    every other field is plain text, escaped when rendered.
    """

    id: str
    title: str
    headline: str
    body: List[str] = field(default_factory=list)
    method: str = ""
    caveats: List[str] = field(default_factory=list)
    source: str = ""  # the layer it came from (its name only)

    def render(self) -> str:
        parts = ['<section id="{}" class="finding">'.format(e(self.id)), "<h2>{}</h2>".format(e(self.title))]
        parts.append(paragraph(self.headline, "headline"))
        parts.extend(self.body)
        if self.method:
            parts.append('<p class="method"><b>How it was measured.</b> {}</p>'.format(e(self.method)))
        if self.caveats:
            parts.append(
                '<div class="caveats"><b>Caveats</b><ul>'
                + "".join("<li>{}</li>".format(e(c)) for c in self.caveats)
                + "</ul></div>"
            )
        if self.source:
            parts.append('<p class="muted">Source layer: {}.</p>'.format(e(self.source)))
        parts.append("</section>")
        return "\n".join(parts)
