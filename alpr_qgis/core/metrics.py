"""The metrics of ``alpr:summary``: their identifiers, what each one counts, and its label for readers.

The identifiers (``total_reads``, ``rejected_sign_word``...) are data: the
summary table keeps them and scripts read them.  ``LABELS`` and
``REASON_LABELS`` are the words the report shows instead; ``DEFINITIONS``
say what each counts (the report's methods appendix).
"""

from __future__ import annotations

import re
from typing import Dict, Tuple

from alpr_qgis.core.cleaning import REASONS as CLEANING_REASONS

# The cleaner's reasons that mean "the reader's text is not a plate".
MISREAD_REASONS: Tuple[str, ...] = ("empty_plate", "invalid_chars", "sign_word", "overlength")
# The cleaner's reasons, in its order (the first failing rule is a read's reason).
CLEANER_REASONS: Tuple[str, ...] = CLEANING_REASONS
LOCATION_REASONS: Tuple[str, ...] = ("invalid_location", "null_geometry", "null_island")
WEEKDAYS: Tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TOP_PLATES = 10

# What each reason means, in words a reader understands.
REASON_LABELS: Dict[str, str] = {
    "empty_plate": "no plate text",
    "invalid_chars": "characters no plate has",
    "sign_word": "road-sign text read as a plate",
    "overlength": "text too long for a plate",
    "government": "government plates (left out on request)",
    "invalid_location": "location out of range",
    "null_geometry": "no location",
    "null_island": "location at 0,0 (null island)",
}

# The loader's reasons for a record it could not read.
UNREADABLE_LABELS: Dict[str, str] = {
    "too_few_fields": "with too few fields",
    "too_many_fields": "with too many fields",
    "unterminated_quote": "with an unterminated quote",
    "bad_timestamp": "with an unreadable time",
    "missing_timestamp": "without a time",
}

# Definitions, shown in the algorithm's help and in the report's methods section.
DEFINITIONS: Dict[str, str] = {
    "records_in_source": "Every record of the export: the reads analysed, plus the reads the cleaner rejected "
    "(REJECTED), plus the records the loader could not read at all (UNREADABLE).",
    "unreadable_records": "Records of the export the loader could not read (too few or too many fields, a bad "
    "or missing time…); null without UNREADABLE.",
    "rejected_reads": "Reads the cleaner set apart (REJECTED), whatever the reason; null without REJECTED.",
    "misreads": "Rejected reads whose text is not a plate (reasons empty_plate, invalid_chars, sign_word, "
    "overlength); null without REJECTED.",
    "total_reads": "The reads analysed: every feature of the input layer.",
    "unique_plates": "Distinct plates among reads with a plate, compared after normalisation (upper case; "
    "spaces, dashes and dots removed) and paired with the state where a state field is given.",
    "plates_seen_once": "Distinct plates read exactly once.",
    "mean_reads_per_plate": "Reads with a plate divided by the distinct plates.",
    "max_reads_single_plate": "Reads of the most-read plate (the plate itself is never shown).",
    "government_plates": "Distinct plates flagged is_government by alpr:cleanreads, or else matching "
    "GOVERNMENT_PATTERN; null when plates are hashed and no is_government field exists.",
    "government_reads": "Reads of those plates.",
    "duplicate_reads": "Reads flagged is_duplicate by alpr:cleanreads (same plate, same device, within its "
    "window); null without that field.",
    "reads_near_reference": "Reads within REFERENCE_DISTANCE of REFERENCE_POINT, measured on the WGS 84 "
    "ellipsoid (geodesic); null without a reference point.",
    "reads_outside_boundary": "Reads with a location outside BOUNDARY (a read on the border is inside); "
    "null without a boundary.",
    "reads_missing_location": "Reads, analysed or rejected, with no usable location: no geometry, at 0,0 "
    "(null island: the export filled a missing location with zeros), or a latitude/longitude out of range.",
    "devices": "Distinct devices (cameras or cars) among reads with a device.",
    "fixed_cameras": "Devices whose reads (99 %, 10 or more) lie within FIXED_RADIUS_M of one place.",
    "mobile_devices": "Devices that are not fixed cameras: patrol cars.",
    "reads_by_fixed_cameras": "Reads taken by fixed cameras.",
    "reads_by_mobile_devices": "Reads taken by mobile cameras.",
    "days_with_reads": "Distinct calendar days (local time as recorded) with at least one read.",
    "busiest_device_share": "Share of the reads taken by the device with the most reads.",
}
METRICS: Tuple[str, ...] = tuple(DEFINITIONS)

# The metrics under the names a reader understands (the table keeps the identifiers).
LABELS: Dict[str, str] = {
    "records_in_source": "Records in the export",
    "unreadable_records": "Records that could not be read",
    "rejected_reads": "Reads rejected by the cleaning",
    "misreads": "Misreads (text that is not a plate)",
    "total_reads": "Reads analysed",
    "unique_plates": "Distinct plates",
    "plates_seen_once": "Plates read only once",
    "mean_reads_per_plate": "Average reads per plate",
    "max_reads_single_plate": "Reads of the most-read plate",
    "government_plates": "Government plates",
    "government_reads": "Reads of government plates",
    "duplicate_reads": "Repeat reads (same car, same camera, moments apart)",
    "reads_near_reference": "Reads near the reference point",
    "reads_outside_boundary": "Reads outside the boundary",
    "reads_missing_location": "Reads without a usable location",
    "devices": "Cameras (devices)",
    "fixed_cameras": "Fixed cameras",
    "mobile_devices": "Mobile cameras (patrol cars)",
    "reads_by_fixed_cameras": "Reads by fixed cameras",
    "reads_by_mobile_devices": "Reads by mobile cameras",
    "days_with_reads": "Days with reads",
    "busiest_device_share": "Share of reads taken by the busiest camera",
}


def reason_metric(reason: str) -> str:
    """``rejected_<reason>``: the metric of one rejection reason (lower snake case, whatever the text)."""
    text = "" if reason is None or reason != reason else str(reason)
    code = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    return "rejected_" + (code or "no_reason")


def metric_label(metric: str) -> str:
    """The metric's name in words (``rejected_sign_word`` -> ``Rejected: road-sign text read as a plate``)."""
    if metric in LABELS:
        return LABELS[metric]
    if metric.startswith("rejected_"):
        code = metric[len("rejected_") :]
        return "Rejected: {}".format(REASON_LABELS.get(code, code.replace("_", " ")))
    return metric.replace("_", " ").capitalize()


def metric_definition(metric: str) -> str:
    if metric in DEFINITIONS:
        return DEFINITIONS[metric]
    if metric.startswith("rejected_"):
        return "Reads the cleaner rejected whose first failing rule was {}.".format(metric[len("rejected_") :])
    return ""
