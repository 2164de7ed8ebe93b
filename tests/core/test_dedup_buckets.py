"""The duplicate finder parts reads by plate into buckets (files or memory): any bucket count gives the whole layer's flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.cleaning import DuplicateFinder, _flag_duplicates
from alpr_qgis.core.plates import normalised_codes


def layer(n: int, seed: int = 11):
    """Plates in several spellings (nulls, blanks, non-ASCII), devices with nulls, times with ties and NaT."""
    rng = np.random.default_rng(seed)
    pool = ["6TRM913", "6trm-913", "6 TRM 913", "ABC123", "abc.123", "", None, "XYZ9", "ÅÄÖ12", "Q", "7ABC1234"]
    pool += ["P{}".format(i) for i in range(40)]
    plates = pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype=object)
    devices = pd.Series(rng.choice(np.array(["P1", "P2", None, "P 3"], dtype=object), n), dtype=object)
    seconds = rng.integers(0, 3 * 3600, n)
    seconds[rng.random(n) < 0.2] = 3600  # (many reads at one instant: ties keep the layer's order)
    times = pd.Series(pd.Timestamp("2014-07-20") + pd.to_timedelta(seconds, unit="s"))
    times[rng.random(n) < 0.05] = pd.NaT
    return plates, devices, times


def whole_flags(plates, devices, times, seconds=60.0):
    codes, _ = normalised_codes(plates)  # (as classify_reads groups plates)
    return _flag_duplicates(codes, codes >= 0, devices, times, seconds)


def finder_flags(plates, devices, times, chunk: int, folder=None, bucket_reads=0, seconds=60.0):
    finder = DuplicateFinder(seconds, folder, expected_rows=len(plates), bucket_reads=bucket_reads)
    for start in range(0, len(plates), chunk):
        part = slice(start, start + chunk)
        finder.add(plates.iloc[part], devices.iloc[part], times.iloc[part])
    return finder, finder.flags()


@pytest.mark.parametrize("in_files", [False, True])
@pytest.mark.parametrize(("chunk", "bucket_reads"), [(5000, 0), (997, 1), (250, 333), (64, 5000)])
def test_any_buckets_and_chunks_give_the_whole_layers_flags(tmp_path, in_files, chunk, bucket_reads):
    plates, devices, times = layer(5000)
    expected = whole_flags(plates, devices, times)
    assert 300 < expected.sum() < 4000
    finder, flags = finder_flags(plates, devices, times, chunk, str(tmp_path) if in_files else None, bucket_reads)
    assert flags.dtype == bool and flags.tolist() == expected.tolist()
    if bucket_reads == 1:
        assert finder.buckets == 1024  # (as many as it takes, up to the most it makes)
    elif bucket_reads == 333:
        assert finder.buckets == 16
    assert list(tmp_path.iterdir()) == []  # each bucket's files are removed once it is sorted


def test_one_bucket_per_plate_group_keeps_each_plate_and_device_together(tmp_path):
    """A plate spelt differently in different chunks lands in one bucket: its re-read is found across chunks."""
    plates = pd.Series(["6trm-913", "ABC1", "6TRM913", "6 TRM 913", "abc1"], dtype=object)
    devices = pd.Series(["P1", "P1", "P1", "P2", "P1"], dtype=object)
    times = pd.Series(pd.to_datetime(["2014-07-20 08:00:00", "08:00:00", "08:00:59", "08:00:30", "08:02:00"]))
    times = pd.Series(pd.to_datetime("2014-07-20 " + times.dt.strftime("%H:%M:%S")))
    _, flags = finder_flags(plates, devices, times, chunk=1, folder=str(tmp_path), bucket_reads=1)
    assert flags.tolist() == [False, False, True, False, False]
    _, flags = finder_flags(plates, devices, times, chunk=2, folder=None, bucket_reads=1, seconds=120)
    assert flags.tolist() == [False, False, True, False, True]


def test_a_layer_without_reads_to_compare(tmp_path):
    plates = pd.Series([None, "", "A1"], dtype=object)
    devices = pd.Series(["P1", "P1", "P1"], dtype=object)
    times = pd.Series(pd.to_datetime([None, "2014-07-20 08:00", None]))
    _, flags = finder_flags(plates, devices, times, chunk=2, folder=str(tmp_path), bucket_reads=1)
    assert flags.tolist() == [False, False, False]
    finder = DuplicateFinder(60, str(tmp_path))
    assert finder.flags().tolist() == []


def test_unusual_text_survives_the_bucket_files(tmp_path):
    """Non-ASCII plates go through the files as they are; a lone surrogate (broken text) does not stop the run."""
    plates = pd.Series(["Ж1", "ÅÄÖ 12", "Ж1", "åäö12", "Ж1\ud800", "Ж1\ud800"], dtype=object)
    devices = pd.Series(["P1"] * 6, dtype=object)
    times = pd.Series(pd.to_datetime(["2014-07-20 08:00:{:02d}".format(s) for s in (0, 10, 20, 30, 40, 50)]))
    _, flags = finder_flags(plates.iloc[:4], devices.iloc[:4], times.iloc[:4], chunk=1, folder=str(tmp_path))
    assert flags.tolist() == whole_flags(plates.iloc[:4], devices.iloc[:4], times.iloc[:4]).tolist()
    assert flags.tolist() == [False, False, True, True]
    _, flags = finder_flags(plates, devices, times, chunk=1, folder=str(tmp_path), bucket_reads=2)
    assert flags[:4].tolist() == [False, False, True, True] and flags[5]
