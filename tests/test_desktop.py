"""The plugin in the real QGIS desktop: scripts/desktop_check.py under Xvfb (one QGIS start).

It loads the plugin, runs alpr:loadreads and the shipped pipeline model on the sample from Python
inside the desktop, maps the outputs and takes a screenshot; a Python error in QGIS's log fails it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "desktop_check.py"


@pytest.mark.skipif(
    not (shutil.which("xvfb-run") and shutil.which("qgis")),
    reason="needs the QGIS desktop and xvfb-run (make deps installs them)",
)
def test_plugin_loads_in_qgis_desktop(tmp_path):
    screenshot = tmp_path / "desktop.png"
    result_json = tmp_path / "result.json"
    # The script only needs the standard library; it starts QGIS itself (with its own Python).
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--screenshot",
            str(screenshot),
            "--result-json",
            str(result_json),
            "--model",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output

    assert screenshot.is_file(), output
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 10_000 < screenshot.stat().st_size < 300_000  # a real window, not a blank image; small for docs/

    result = json.loads(result_json.read_text(encoding="utf-8"))
    assert result["passed"], result["failures"]
    assert result["plugin_loaded"] and result["plugin_active"]
    assert result["provider_found"] and result["provider_name"]
    assert result["algorithm_found"] and "alpr:loadreads" in result["algorithms"]
    assert result["icon_ok"]
    assert result["toolbox_opened"]
    assert result["loadreads"]["ok"], result["loadreads"]
    assert result["loadreads"]["read_count"] == 3
    # The shipped model, run from Python inside the desktop on the sample.
    model = result["model"]
    assert model["ok"], model
    assert model["is_model"] and model["children_resolved"] and model["valid"]
    assert model["toolbox_dialog"] and model["designer_opened"]  # its toolbox dialog and the Model Designer open
    assert model["children"] == sorted(
        [
            "alpr:loadreads",
            "alpr:cleanreads",
            "alpr:heatmap",
            "alpr:hotspots",
            "alpr:devicetracks",
            "alpr:joincensus",
            "alpr:joincrime",
            "alpr:countmodel",
            "alpr:sites",
            "alpr:jurisdiction",
            "alpr:summary",
            "alpr:anonymizeplates",
        ]
    )
    assert model["clean_count"] == model["total_reads"] == 62303  # the sample: 62,511 records, 208 rejected
    assert model["unique_plates"] > 40_000
    assert "alpr:ALPR accountability pipeline" in result["algorithms"]
    assert not result["dialogs_seen"]
    assert not result["errors"]
