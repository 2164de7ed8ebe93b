"""core.plates: the one grouping of plates every algorithm uses."""

from __future__ import annotations

import pandas as pd

from alpr_qgis.core.plates import normalised_codes


def test_normalised_codes_group_every_form_of_a_plate():
    plates = pd.Series(["6trm-913", "6TRM913", None, "6 TRM.913", "", " ", "ABC123", 1234567], dtype=object)
    codes, unique = normalised_codes(plates)
    assert [unique[c] if c >= 0 else None for c in codes] == [
        "6TRM913",
        "6TRM913",
        None,
        "6TRM913",
        None,
        None,
        "ABC123",
        "1234567",
    ]
    assert codes.dtype.kind == "i" and list(unique) == ["6TRM913", "ABC123", "1234567"]
