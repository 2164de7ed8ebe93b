#!/usr/bin/env python3
"""Benchmark: how time and memory grow with the number of reads, step by step and for the shipped model.

What it measures
----------------
For each size N (default 1, 3 and 10 million reads) a synthetic export of N
reads (``_loadreads_data.py``: one week of three patrol cars around the
sample city, plates drawn from a pool of N/3 vehicles — most seen once or
twice, some often, as in real exports) is generated once and cached in
``bench/data/scale_<N>.csv``.  Then, each in a fresh child process
(``bench/_scale_worker.py``), the separate steps run one after another on
files, as a user would run them from the toolbox or ``qgis_process``:

    load -> clean -> anonymize -> heatmap -> hotspots -> census -> crime -> count model
         -> sites -> outside -> tracks -> summary (the report, with every result)

(the model's children, so the two can be compared) and then the shipped model "ALPR accountability pipeline" on the same
export, with the sample city's layers and the demo's parameters (its
intermediate results are QGIS temporary outputs, as in any model).

For every step and size it prints the seconds (the ``processing.run`` call
only) and the child's peak resident memory (``ru_maxrss`` from ``os.wait4``,
which includes QGIS's own start-up, shown apart), then the growth ratios
between sizes: time per read (1.0 = linear) and peak memory net of start-up
(1.0 = flat).  The steps' total and the model are compared on the last line
of each size.  Nothing is asserted; the figures are for the closing note and
``bench/README.md``.

Run it
------
::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/bench_scale.py [--sizes 1000000,3000000,10000000]
        [--steps load,clean,...] [--no-model] [--keep]

Use Debian's ``/usr/bin/python3`` (it has QGIS).  At 10 million reads the
whole run takes about half an hour and needs about 10 GB of disk in a
temporary folder (removed afterwards unless ``--keep``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
WORKER = os.path.join(HERE, "_scale_worker.py")
CITY = os.path.join(REPO, "sample", "city.gpkg")
RESULT_PREFIX = "RESULT "
STEPS = [
    "load",
    "clean",
    "anonymize",
    "heatmap",
    "hotspots",
    "census",
    "crime",
    "countmodel",
    "sites",
    "outside",
    "tracks",
    "summary",
]


@dataclass
class Run:
    seconds: float
    peak_mib: float
    startup_mib: float
    results: Dict[str, float] = field(default_factory=dict)

    @property
    def net_mib(self) -> float:
        return max(self.peak_mib - self.startup_mib, 0.0)


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH", "")) if p)
    return env


def run_child(args: List[str]) -> Run:
    """One child process; its timing from its RESULT line, its peak memory from wait4."""
    command = [sys.executable, WORKER] + args
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=_env(), text=True)
        stdout = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        if code != 0 or not lines:
            errors.seek(0)
            raise RuntimeError(
                "{} failed (exit {}):\n{}{}".format(args[0], code, stdout[-3000:], errors.read()[-3000:])
            )
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return Run(float(result["seconds"]), usage.ru_maxrss / 1024.0, float(result["startup_mib"]), result["results"])


def ensure_export(rows: int) -> str:
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, "scale_{}.csv".format(rows))
    if not os.path.exists(path):
        print("Generating {:,} reads into {} ...".format(rows, os.path.relpath(path, REPO)), flush=True)
        run = run_child(["generate", str(rows), path])
        print("  done in {:.1f} s".format(run.seconds), flush=True)
    return path


def _show(step: str, rows: int, run: Run) -> None:
    print(
        "  {:<10} {:>11,} {:>9.1f} s {:>9.0f} MiB {:>9.0f} MiB".format(
            step, rows, run.seconds, run.peak_mib, run.net_mib
        ),
        flush=True,
    )


def measure(rows: int, steps: List[str], with_model: bool, keep: bool) -> Dict[str, Run]:
    export = ensure_export(rows)
    work = tempfile.mkdtemp(prefix="alpr_scale_{}_".format(rows), dir=os.environ.get("ALPR_BENCH_TMP"))
    runs: Dict[str, Run] = {}
    try:
        os.symlink(export, os.path.join(work, "export.csv"))
        print("\n{:,} reads (work folder {})".format(rows, work), flush=True)
        print("  {:<10} {:>11} {:>11} {:>13} {:>13}".format("step", "reads", "time", "peak", "net of start"))
        for step in steps:
            runs[step] = run_child([step, work, CITY])
            _show(step, rows, runs[step])
        if with_model:
            runs["model"] = run_child(["model", work, CITY])
            _show("model", rows, runs["model"])
        if steps and with_model:
            total = sum(runs[s].seconds for s in steps)
            heaviest = max(steps, key=lambda s: runs[s].peak_mib)
            print(
                "  steps together {:.1f} s, heaviest step {} at {:.0f} MiB; model {:.1f} s ({:.2f}x the steps), "
                "{:.0f} MiB ({:.2f}x the heaviest step)".format(
                    total,
                    heaviest,
                    runs[heaviest].peak_mib,
                    runs["model"].seconds,
                    runs["model"].seconds / total,
                    runs["model"].peak_mib,
                    runs["model"].peak_mib / runs[heaviest].peak_mib,
                ),
                flush=True,
            )
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return runs


def growth(table: Dict[int, Dict[str, Run]]) -> None:
    """Time per read and net peak memory of each size against the smallest (1.0 = linear time, flat memory)."""
    sizes = sorted(table)
    if len(sizes) < 2:
        return
    base = sizes[0]
    print("\nGrowth against {:,} reads: time per read (1.00 = linear) | net peak memory (1.00 = flat)".format(base))
    header = "  {:<10}".format("step") + "".join(" {:>22}".format("{:,}".format(n)) for n in sizes[1:])
    print(header)
    for step in table[base]:
        cells = []
        for n in sizes[1:]:
            a, b = table[base].get(step), table[n].get(step)
            if a is None or b is None or a.seconds <= 0:
                cells.append(" {:>22}".format("-"))
                continue
            per_read = (b.seconds / n) / (a.seconds / base)
            memory = b.net_mib / a.net_mib if a.net_mib > 0 else float("nan")
            cells.append(" {:>22}".format("{:.2f} | {:.2f}".format(per_read, memory)))
        print("  {:<10}".format(step) + "".join(cells))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000", help="comma-separated numbers of reads")
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps (in pipeline order)")
    parser.add_argument("--no-model", action="store_true", help="skip the shipped model")
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    args = parser.parse_args(argv)
    steps = [s for s in args.steps.split(",") if s]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error("unknown steps: {}".format(", ".join(unknown)))
    table: Dict[int, Dict[str, Run]] = {}
    for rows in sorted(int(s) for s in args.sizes.split(",") if s):
        table[rows] = measure(rows, steps, not args.no_model, args.keep)
    growth(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
