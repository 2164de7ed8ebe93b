"""Loading the plugin imports neither pandas nor scipy nor shapely: they load with the first algorithm that needs them.

pandas alone adds about 28 MiB to the process and scipy.fft 12 MiB; QGIS
loads every provider at start-up, whether or not its algorithms run.  A
fresh interpreter starts QGIS, registers the provider (which creates every
algorithm and calls its ``initAlgorithm``) and lists what got imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "scipy", "scipy.fft", "shapely")

CODE = """
import json, sys
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
import alpr_qgis.provider as provider
after_import = [m for m in {heavy!r} if m in sys.modules]
alpr = provider.AlprProvider()
QgsApplication.processingRegistry().addProvider(alpr)
print(json.dumps({{"import": after_import, "loaded": [m for m in {heavy!r} if m in sys.modules],
                  "algorithms": len(alpr.algorithms())}}))
"""


def test_registering_the_provider_imports_no_heavy_library():
    env = {k: v for k, v in os.environ.items() if k != "QGIS_CUSTOM_CONFIG_PATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, "-c", CODE.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(REPO),
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["algorithms"] >= 10
    assert result["import"] == []
    assert result["loaded"] == []
