"""With the French catalogue installed, a core error raised through a real algorithm run reads in French."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from tests.algorithms.test_count_model import grid_layer, grid_rows

TS_FILE = Path(__file__).resolve().parents[2] / "alpr_qgis" / "i18n" / "alpr_qgis_fr.ts"


@pytest.fixture
def french(tmp_path):
    """The French catalogue compiled from the .ts (as ``make transcompile`` does) and installed, then removed."""
    if shutil.which("lrelease") is None:
        pytest.skip("lrelease (qttools5-dev-tools) is not installed")
    qm = tmp_path / "alpr_qgis_fr.qm"
    subprocess.run(["lrelease", "-silent", str(TS_FILE), "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    assert QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def run_error(algorithm: str, params: dict) -> str:
    with pytest.raises(QgsProcessingException) as info:
        processing.run(algorithm, params)
    return str(info.value)


def test_loadreads_names_the_file_and_field_in_french(tmp_path, french):
    src = tmp_path / "lectures.csv"
    src.write_text(
        "plate,when,where\nA1,2014-07-20 08:01:02,MAIN ST\nB2,2014-07-20 08:01:03,ELM ST\n", encoding="utf-8"
    )
    params = {
        "INPUT": str(src),
        "LOCATION_FIELD": "where",
        "OUTPUT": str(tmp_path / "out.gpkg"),
        "REJECTED": str(tmp_path / "rej.gpkg"),
    }
    message = run_error("alpr:loadreads", params)
    assert message == (
        'lectures.csv, champ « where » : ne contient pas de coordonnées (comme "(37.80, -122.27)" ou '
        "POINT(-122.27 37.80)). Elle contient peut-être des codes de secteur ou des adresses. "
        'Champs trouvés : "plate", "when", "where". Indiquez plutôt LAT_FIELD et LON_FIELD.'
    )
    assert not (tmp_path / "out.gpkg").exists()


def test_countmodel_names_the_row_field_and_value_in_french(tmp_path, french):
    rows = grid_rows()
    rows[4][1] = -3
    message = run_error(
        "alpr:countmodel", {"INPUT": grid_layer(rows), "PREDICTORS": ["income"], "OUTPUT_MODEL": "TEMPORARY_OUTPUT"}
    )
    assert message == (
        "tracts, ligne 5, champ « read_count » : « -3.0 » est négatif : un modèle de comptage demande des "
        "effectifs de 0 ou plus. Choisissez un COUNT_FIELD d’effectifs, par exemple read_count"
    )


def test_without_the_catalogue_the_same_error_is_english(tmp_path):
    rows = grid_rows()
    rows[4][1] = -3
    message = run_error(
        "alpr:countmodel", {"INPUT": grid_layer(rows), "PREDICTORS": ["income"], "OUTPUT_MODEL": "TEMPORARY_OUTPUT"}
    )
    assert message == (
        'tracts, row 5, field "read_count": "-3.0" is negative: a count model needs counts of 0 or more. '
        "Choose a COUNT_FIELD of counts, e.g. read_count"
    )
