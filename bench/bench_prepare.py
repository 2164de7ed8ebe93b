#!/usr/bin/env python3
"""Benchmark: alpr:cleanreads and alpr:anonymizeplates against what QGIS alone does.

What it measures
----------------
Preparing a layer of N plate reads (default 1,000,000) for analysis and for
publication.  The input is one GeoPackage of N point reads (fields read_id,
plate, read_time, device, state, ID, Location, ImageFile; EPSG:4326), made
once by ``alpr:loadreads`` from the synthetic export of
``bench_loadreads.py`` (``_loadreads_data.py``) and cached.  Each method is
one ``processing.run`` writing GeoPackages into a temporary directory:

* ``cleanreads``   - the plugin's ``alpr:cleanreads``, the whole job: every
  rule (empty, invalid characters, sign words, over-length, government,
  locations), duplicate flagging (DEDUP_SECONDS 60), clean and rejected
  outputs.
* ``extract``      - what a QGIS user does for the over-length rule alone:
  ``native:extractbyexpression`` with
  ``length(regexp_replace("plate", '[ .-]', '')) <= 7`` -> OUTPUT.
* ``extract_fail`` - the same, also writing FAIL_OUTPUT (the misreads), as
  cleanreads writes its rejected reads.
* ``anonymize``    - the plugin's ``alpr:anonymizeplates``, the whole job:
  keyed HMAC ids (KEY_FILE), times floored to the hour, places snapped to a
  200 m grid, plate-bearing fields cleared (ImageFile), re-identification
  audit table.
* ``fieldcalc``    - what a QGIS user does for the ids alone:
  ``native:fieldcalculator`` adding ``plate_id = sha256("plate")`` (an
  unkeyed hash, which the plugin warns against, but the nearest native step).

The two ratios reported are native seconds / alpr seconds (extract /
cleanreads, fieldcalc / anonymize): above 1x the plugin, doing more, is
still faster than the single native step.

Every method runs in its own fresh child process
(``bench/_prepare_worker.py``).  The child times only ``processing.run``
(not the start-up of QGIS/Processing); the parent takes the child's peak
resident memory from ``os.wait4`` (``ru_maxrss``), so the memory column
includes the interpreter and QGIS start-up (shown as "start-up").  With
``--repeat R`` the methods run round-robin R times and medians are printed.
The input GeoPackage is read from the page cache after the first run.

The outputs are checked (with sqlite3), else the script exits non-zero:
cleanreads' CLEAN_COUNT + REJECTED_COUNT = N, each output holds its count,
the per-reason counts add up and the rejected reads listing ``overlength``
are exactly the plates longer than 7 once spaces, dots and dashes are gone;
extract keeps exactly those of 7 or fewer (and FAIL_OUTPUT the rest);
anonymize's READ_COUNT = N = its output's features, which hold only the
allow-listed fields, with 4 unicity rows in the audit;
fieldcalc's output holds N features whose plate_id is the sha256 of the
plate.  There are no timing assertions.

``--profile`` (optionally a comma-separated list of methods) runs the alpr
methods whose ratio is below 1x once more under cProfile in a child and
prints their top functions.

The input is generated deterministically and cached in ``bench/data/``
(git-ignored) as ``reads_<N>.gpkg``; it is rebuilt when missing or when the
generator changed.

Run it
------
::

    /usr/bin/python3 bench/bench_prepare.py [--rows N] [--repeat R] [--methods ...] [--profile [METHODS]]

Use Debian's ``/usr/bin/python3`` (it has QGIS); headless runs need
``QT_QPA_PLATFORM=offscreen`` (set here when missing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")
WORKER = os.path.join(HERE, "_prepare_worker.py")
GENERATOR = os.path.join(HERE, "_loadreads_data.py")
RESULT_PREFIX = "RESULT "
PROFILE_BEGIN, PROFILE_END = "PROFILE-BEGIN", "PROFILE-END"

FIELDS = ("read_id", "plate", "read_time", "device", "state", "ID", "Location", "ImageFile")
MAX_PLATE_LENGTH = 7
# The plate with spaces, dots and dashes removed, in SQLite: what both the
# plugin's normalisation and the native expression's regexp_replace measure.
NORMAL_LENGTH_SQL = "length(replace(replace(replace(\"plate\", ' ', ''), '.', ''), '-', ''))"
HASH_CHECK_ROWS = 1000
REASONS = (  # alpr:cleanreads' reasons, each with a <REASON>_COUNT result
    "empty_plate",
    "invalid_chars",
    "sign_word",
    "overlength",
    "government",
    "invalid_location",
    "null_geometry",
    "null_island",
)

ALL_METHODS = ("cleanreads", "extract", "extract_fail", "anonymize", "fieldcalc")
ALPR_METHODS = ("cleanreads", "anonymize")
LABELS = {
    "cleanreads": "alpr:cleanreads (all rules, 2 outputs)",
    "extract": "native:extractbyexpression (length)",
    "extract_fail": "  the same + FAIL_OUTPUT",
    "anonymize": "alpr:anonymizeplates (+ audit)",
    "fieldcalc": "native:fieldcalculator sha256(plate)",
}
# (native method, alpr method, what the issue calls it)
RATIOS = (
    ("extract", "cleanreads", "native extractbyexpression / alpr:cleanreads"),
    ("fieldcalc", "anonymize", "native fieldcalculator / alpr:anonymizeplates"),
    ("extract_fail", "cleanreads", "  (extractbyexpression with FAIL_OUTPUT / alpr:cleanreads)"),
)


# ------------------------------------------------------------- GeoPackages


def _quote(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect("file:{}?mode=ro".format(path), uri=True)


def gpkg_table(conn: sqlite3.Connection) -> str:
    """The one data table of a GeoPackage: its feature table, else its attribute table (not layer_styles)."""
    rows = conn.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') "
        "AND lower(table_name) != 'layer_styles' ORDER BY data_type = 'attributes', rowid"
    ).fetchall()
    if not rows:
        raise RuntimeError("no feature or attribute table")
    return rows[0][0]


def gpkg_count(path: str, where: str = "") -> int:
    """Rows of the GeoPackage's data table (matching ``where``, SQL, when given)."""
    conn = _connect(path)
    try:
        sql = "SELECT COUNT(*) FROM {}".format(_quote(gpkg_table(conn)))
        return int(conn.execute(sql + (" WHERE " + where if where else "")).fetchone()[0])
    finally:
        conn.close()


def gpkg_fields(path: str) -> List[str]:
    """Attribute columns of the data table (not the fid nor the geometry)."""
    conn = _connect(path)
    try:
        table = gpkg_table(conn)
        geom = conn.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (table,)
        ).fetchone()
        columns = conn.execute("PRAGMA table_info({})".format(_quote(table))).fetchall()
    finally:
        conn.close()
    return [c[1] for c in columns if not c[5] and (geom is None or c[1] != geom[0])]


# ------------------------------------------------------------- the data


@dataclass
class Inputs:
    gpkg: str
    rows: int
    short_plates: int  # normalised length <= 7 (what the native extract keeps)
    overlength: int  # normalised length > 7
    null_plates: int
    null_geometries: int


def _generator_digest() -> str:
    with open(GENERATOR, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _child_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-{}".format(os.getuid()))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    return env


def ensure_data(rows: int) -> Inputs:
    """The cached input GeoPackage of ``rows`` reads, built when missing or stale.

    It is built in a child process (generator, pandas and QGIS never enter
    this parent process, whose resident size a child's ru_maxrss starts from);
    the counts the checks need are taken here with sqlite3 and cached with it.
    """
    os.makedirs(DATA_DIR, exist_ok=True)
    gpkg = os.path.join(DATA_DIR, "reads_{}.gpkg".format(rows))
    meta_path = os.path.join(DATA_DIR, "reads_{}.json".format(rows))
    digest = _generator_digest()
    try:
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        fresh = (
            meta.get("rows") == rows
            and meta.get("generator") == digest
            and os.path.getsize(gpkg) == meta.get("gpkg_bytes")
            and tuple(meta.get("fields", ())) == FIELDS
        )
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        print(
            "Generating {:,} reads and loading them with alpr:loadreads into {} ...".format(
                rows, os.path.relpath(gpkg)
            ),
            flush=True,
        )
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, WORKER, "prepare", str(rows), gpkg],
            check=True,
            stdout=subprocess.PIPE,
            env=_child_env(),
            text=True,
        ).stdout
        lines = [ln for ln in out.splitlines() if ln.startswith(RESULT_PREFIX)]
        result = json.loads(lines[-1][len(RESULT_PREFIX) :])
        fields = gpkg_fields(gpkg)
        if tuple(fields) != FIELDS:
            raise RuntimeError("{} has fields {}, expected {}".format(gpkg, fields, list(FIELDS)))
        meta = {
            "rows": rows,
            "generator": digest,
            "gpkg_bytes": os.path.getsize(gpkg),
            "fields": fields,
            "loadreads": result["results"],
            "features": gpkg_count(gpkg),
            "short_plates": gpkg_count(gpkg, "{} <= {}".format(NORMAL_LENGTH_SQL, MAX_PLATE_LENGTH)),
            "overlength": gpkg_count(gpkg, "{} > {}".format(NORMAL_LENGTH_SQL, MAX_PLATE_LENGTH)),
            "null_plates": gpkg_count(gpkg, '"plate" IS NULL'),
            "null_geometries": gpkg_count(gpkg, '"geom" IS NULL'),
        }
        with open(meta_path, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=1)
        print(
            "  done in {:.1f} s (generate {:.1f} s, alpr:loadreads {:.1f} s)".format(
                time.perf_counter() - start, result["generate_seconds"], result["load_seconds"]
            ),
            flush=True,
        )
    if meta["features"] != rows:
        raise RuntimeError("{} holds {:,} features, expected {:,}".format(gpkg, meta["features"], rows))
    return Inputs(gpkg, rows, meta["short_plates"], meta["overlength"], meta["null_plates"], meta["null_geometries"])


# ------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float
    peak_mib: float
    startup_mib: float
    results: Dict[str, float]
    outputs: Dict[str, str]
    versions: Dict[str, str] = field(default_factory=dict)
    profile: str = ""
    features: Optional[int] = None  # of OUTPUT, counted by verify()


def run_child(method: str, gpkg: str, out_dir: str, profile: bool = False) -> Run:
    """Run one method in a fresh process; its timing from its JSON, its peak memory from wait4."""
    command = [sys.executable, WORKER, method, gpkg, out_dir] + (["--profile"] if profile else [])
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=_child_env(), text=True)
        stdout = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        if proc.returncode != 0 or not lines:
            errors.seek(0)
            raise RuntimeError(
                "{} failed (exit status {}):\n{}{}".format(
                    method, proc.returncode, stdout[-3000:], errors.read()[-3000:]
                )
            )
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    profile_text = ""
    if PROFILE_BEGIN in stdout:
        profile_text = stdout.split(PROFILE_BEGIN, 1)[1].split(PROFILE_END, 1)[0].strip("\n")
    return Run(
        seconds=float(result["seconds"]),
        peak_mib=usage.ru_maxrss / 1024.0,  # Linux: KiB
        startup_mib=float(result["startup_mib"]),
        results=result.get("results", {}),
        outputs=result.get("outputs", {}),
        versions=result.get("versions", {}),
        profile=profile_text,
    )


# ------------------------------------------------------------- checking


def _check_hashes(path: str, rows: int) -> Optional[str]:
    """None when the first ``rows`` plate_id values are the sha256 of their plate, else the first mismatch."""
    conn = _connect(path)
    try:
        sample = conn.execute(
            'SELECT "plate", "plate_id" FROM {} ORDER BY rowid LIMIT {}'.format(_quote(gpkg_table(conn)), rows)
        ).fetchall()
    finally:
        conn.close()
    for plate, plate_id in sample:
        expected = None if plate is None else hashlib.sha256(plate.encode("utf-8")).hexdigest()
        if plate_id != expected:
            return "plate_id {!r} for plate {!r}, expected {!r}".format(plate_id, plate, expected)
    return None if sample else "no rows"


def verify(inputs: Inputs, method: str, run: Run) -> List[str]:
    """Problems with one run's results and outputs (empty when every count is right)."""
    n = inputs.rows
    res, outs = run.results, run.outputs
    problems: List[str] = []

    def expect(what: str, got: float, wanted: float) -> None:
        if got != wanted:
            problems.append("{}: {} is {:,}, expected {:,}".format(method, what, got, wanted))

    if method == "cleanreads":
        clean, rejected = int(res["CLEAN_COUNT"]), int(res["REJECTED_COUNT"])
        expect("CLEAN_COUNT + REJECTED_COUNT", clean + rejected, n)
        expect("the sum of the per-reason counts", sum(int(res[r.upper() + "_COUNT"]) for r in REASONS), rejected)
        run.features = gpkg_count(outs["OUTPUT"])
        expect("OUTPUT's features", run.features, clean)
        expect("REJECTED's features", gpkg_count(outs["REJECTED"]), rejected)
        listed = gpkg_count(outs["REJECTED"], "'|' || \"reasons\" || '|' LIKE '%|overlength|%'")
        expect("rejected reads listing overlength (vs. plates longer than 7 in SQLite)", listed, inputs.overlength)
    elif method in ("extract", "extract_fail"):
        run.features = gpkg_count(outs["OUTPUT"])
        expect("OUTPUT's features (vs. plates of 7 or fewer in SQLite)", run.features, inputs.short_plates)
        if "FAIL_OUTPUT" in outs:
            expect("FAIL_OUTPUT's features", gpkg_count(outs["FAIL_OUTPUT"]), n - inputs.short_plates)
    elif method == "anonymize":
        expect("READ_COUNT", int(res["READ_COUNT"]), n)
        run.features = gpkg_count(outs["OUTPUT"])
        expect("OUTPUT's features", run.features, n)
        expect("AUDIT's unicity rows", gpkg_count(outs["AUDIT"], "kind = 'unicity'"), 4)
        kept = gpkg_fields(outs["OUTPUT"])
        if kept != ["plate_id", "read_time", "device", "state"]:
            problems.append("{}: OUTPUT's fields are {}, not the allow-list".format(method, ", ".join(kept)))
    elif method == "fieldcalc":
        run.features = gpkg_count(outs["OUTPUT"])
        expect("OUTPUT's features", run.features, n)
        mismatch = _check_hashes(outs["OUTPUT"], HASH_CHECK_ROWS)
        if mismatch:
            problems.append("{}: {}".format(method, mismatch))
    return problems


# ------------------------------------------------------------- reporting


def describe_machine(runs: Dict[str, List[Run]]) -> str:
    versions: Dict[str, str] = {}
    for method_runs in runs.values():
        if method_runs:
            versions.update(method_runs[-1].versions)
    names = ("QGIS", "GDAL", "pandas", "numpy")
    return "{} cores (nproc), Python {}, {}".format(
        os.cpu_count(),
        sys.version.split()[0],
        ", ".join("{} {}".format(n, versions[n]) for n in names if n in versions),
    )


def median_seconds(runs: Dict[str, List[Run]], method: str) -> Optional[float]:
    return statistics.median(r.seconds for r in runs[method]) if runs.get(method) else None


def ratios(runs: Dict[str, List[Run]]) -> List[Tuple[str, str, str, float]]:
    """(native, alpr, label, native seconds / alpr seconds) for the pairs that ran."""
    out = []
    for native, alpr, label in RATIOS:
        a, b = median_seconds(runs, native), median_seconds(runs, alpr)
        if a is not None and b:
            out.append((native, alpr, label, a / b))
    return out


def print_table(inputs: Inputs, methods: Sequence[str], runs: Dict[str, List[Run]], repeat: int) -> None:
    size = os.path.getsize(inputs.gpkg) / 2**20
    print()
    print(
        "alpr prepare benchmark: {:,} reads in {} ({:.1f} MiB); {:,} plates longer than {} "
        "(spaces, dots, dashes removed), {:,} without geometry".format(
            inputs.rows,
            os.path.relpath(inputs.gpkg),
            size,
            inputs.overlength,
            MAX_PLATE_LENGTH,
            inputs.null_geometries,
        )
    )
    print("machine: " + describe_machine(runs))
    print(
        "{} run(s) per method{}; seconds = processing.run only (not start-up); peak = the child's " "ru_maxrss".format(
            repeat, ", medians" if repeat > 1 else ""
        )
    )
    print()
    header = "{:<40} {:>9} {:>10} {:>13} {:>12}".format("method", "seconds", "peak MiB", "start-up MiB", "features")
    print(header)
    print("-" * len(header))
    for method in methods:
        seconds = median_seconds(runs, method)
        peak = statistics.median(r.peak_mib for r in runs[method])
        startup = statistics.median(r.startup_mib for r in runs[method])
        features = runs[method][-1].features
        print(
            "{:<40} {:>9.2f} {:>10.0f} {:>13.0f} {:>12}".format(
                LABELS[method], seconds, peak, startup, "{:,}".format(features) if features is not None else "-"
            )
        )
    if repeat > 1:
        print()
        for method in methods:
            print(
                "  {:<12} all runs (s): {}".format(method, ", ".join("{:.2f}".format(r.seconds) for r in runs[method]))
            )
    found = ratios(runs)
    if found:
        print()
        print("ratios (native seconds / alpr seconds; target >= 1x):")
        for _, _, label, ratio in found:
            print("  {:<62} {:>6.2f}x{}".format(label, ratio, "" if ratio >= 1 else "   below target"))


# ------------------------------------------------------------- main


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reads in the input (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; medians are printed (default 1)")
    parser.add_argument(
        "--methods",
        default=",".join(ALL_METHODS),
        help="comma-separated, from {} (default all)".format(", ".join(ALL_METHODS)),
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="auto",
        default=None,
        metavar="METHODS",
        help="afterwards, run under cProfile and print the top functions of the given methods "
        "(default: the alpr methods whose ratio is below 1x)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the output GeoPackages (the directory is printed)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ALL_METHODS]
    profiled = [] if args.profile in (None, "auto") else [m.strip() for m in args.profile.split(",") if m.strip()]
    unknown += [m for m in profiled if m not in ALL_METHODS]
    if unknown or not methods or args.rows < 1 or args.repeat < 1:
        parser.error("unknown method(s) {}".format(", ".join(unknown)) if unknown else "nothing to run")

    inputs = ensure_data(args.rows)
    out_root = tempfile.mkdtemp(prefix="bench_prepare_")
    runs: Dict[str, List[Run]] = {m: [] for m in methods}
    try:
        for i in range(args.repeat):
            for method in methods:
                out_dir = os.path.join(out_root, method)
                shutil.rmtree(out_dir, ignore_errors=True)
                print("run {}/{}: {} ...".format(i + 1, args.repeat, method), end=" ", flush=True)
                try:
                    run = run_child(method, inputs.gpkg, out_dir)
                except RuntimeError as err:
                    print("\nFAILED: {}".format(err), file=sys.stderr)
                    return 1
                print("{:.2f} s, peak {:.0f} MiB".format(run.seconds, run.peak_mib), flush=True)
                runs[method].append(run)
                problems = verify(inputs, method, run)
                if problems:
                    print("\n".join(["FAILED:"] + problems), file=sys.stderr)
                    return 1
                if not args.keep:
                    shutil.rmtree(out_dir, ignore_errors=True)
        print_table(inputs, methods, runs, args.repeat)

        if args.profile == "auto":
            profiled = [alpr for _, alpr, _, ratio in ratios(runs) if ratio < 1]
            profiled = list(dict.fromkeys(profiled))
        for method in profiled:
            out_dir = os.path.join(out_root, "profile_" + method)
            try:
                run = run_child(method, inputs.gpkg, out_dir, profile=True)
            except RuntimeError as err:
                print("\nFAILED: {}".format(err), file=sys.stderr)
                return 1
            print()
            print("=== cProfile of {} ({} rows) ===".format(method, inputs.rows))
            print(run.profile)
            shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        if args.keep:
            print("outputs kept in {}".format(out_root))
        else:
            shutil.rmtree(out_root, ignore_errors=True)
    print("OK: every output holds the expected features.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
