"""alpr:countmodel through processing.run: statsmodels' numbers, outputs, Moran's I, bad input, the sample and its report."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from qgis import processing
from qgis.core import QgsFeature, QgsProcessingException, QgsVectorLayer
from statsmodels.discrete.discrete_model import NegativeBinomial

from alpr_qgis.core import countmodel as cm
from tests.algorithms.test_jurisdiction import CITY, box_wkt, polygons_layer

REPO = Path(__file__).resolve().parents[2]
FIELDS = (("name", "string"), ("read_count", "integer"), ("population", "double"), ("income", "double"),
          ("share", "double"), ("label", "string"))  # fmt: skip
ROWS, COLS = 6, 5


def grid_rows(seed: int = 11):
    """A 6 × 5 grid of 1 km tracts: NB2 counts on population, income (in dollars) and a share; one without people."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(ROWS * COLS):
        population = float(rng.integers(800, 6000))
        income = float(rng.uniform(15_000, 80_000))
        share = float(rng.uniform(0, 1))
        mu = population * np.exp(-1.5 - 0.00002 * income + 1.0 * share)
        count = int(rng.negative_binomial(2.0, 2.0 / (2.0 + mu)))
        rows.append(["T{}".format(i), count, population, income, share, "x{}".format(i)])
    rows[7][2] = 0.0  # no residents: left out
    return rows


def grid_layer(rows=None, kind="polygons"):
    rows = rows if rows is not None else grid_rows()
    if kind == "table":
        spec = "&".join("field={}:{}".format(n, k) for n, k in FIELDS)
        layer = QgsVectorLayer("None?" + spec, "units", "memory")
        features = []
        for row in rows:
            f = QgsFeature(layer.fields())
            f.setAttributes(list(row))
            features.append(f)
        assert layer.dataProvider().addFeatures(features)
        return layer
    wkts = [box_wkt(1000 * c, 1000 * r, 1000 * (c + 1), 1000 * (r + 1)) for r in range(ROWS) for c in range(COLS)]
    return polygons_layer(wkts, fields=FIELDS, rows=rows, name="tracts")


def run(params, feedback=None):
    base = {"OUTPUT_MODEL": "TEMPORARY_OUTPUT"}
    return processing.run("alpr:countmodel", {**base, **params}, feedback=feedback)


def model_rows(layer):
    return [{f.name(): feat[f.name()] for f in layer.fields()} for feat in layer.getFeatures()]


def reference(rows, family):
    used = [r for r in rows if r[2] > 0]
    y = np.array([r[1] for r in used], float)
    x = sm.add_constant(np.array([[r[3], r[4]] for r in used], float))
    off = np.log([r[2] for r in used])
    poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    if family == "poisson":
        return poisson.params, poisson.bse, poisson.pvalues, None
    nb = NegativeBinomial(y, x, loglike_method="nb2", offset=off)
    res = nb.fit(start_params=np.append(poisson.params, 0.5), method="newton", maxiter=200, disp=0)
    assert res.mle_retvals["converged"]
    return res.params[:-1], res.bse[:-1], res.pvalues[:-1], res.params[-1]


@pytest.mark.parametrize("family", ["negative_binomial", "poisson"])
def test_polygons_give_statsmodels_numbers_and_moran(family, feedback):
    rows = grid_rows()
    res = run(
        {"INPUT": grid_layer(rows), "PREDICTORS": ["income", "share"], "FAMILY": family, "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback,
    )
    params, bse, pvalues, alpha = reference(rows, family)
    table = model_rows(res["OUTPUT_MODEL"])
    assert [r["term"] for r in table] == ["Intercept", "income", "share"]
    assert [k for k in table[0] if k != "fid"] == list(cm.MODEL_FIELDS)
    np.testing.assert_allclose([r["estimate"] for r in table], params, rtol=1e-6)
    np.testing.assert_allclose([r["std_error"] for r in table], bse, rtol=1e-6)
    np.testing.assert_allclose([r["p_value"] for r in table], pvalues, rtol=1e-6)
    np.testing.assert_allclose([r["rate_ratio"] for r in table], np.exp(params), rtol=1e-6)
    np.testing.assert_allclose([r["rate_ratio_low"] for r in table], np.exp(params - 1.959964 * bse), rtol=1e-6)
    np.testing.assert_allclose([r["rate_ratio_high"] for r in table], np.exp(params + 1.959964 * bse), rtol=1e-6)
    assert (res["N_UNITS"], res["EXCLUDED_COUNT"]) == (29, 1)
    if alpha is None:
        assert res["ALPHA"] is None
    else:
        assert res["ALPHA"] == pytest.approx(alpha, rel=1e-6)
    units = res["OUTPUT"]
    assert [f.name() for f in units.fields() if f.name() != "fid"] == [n for n, _ in FIELDS] + [
        "fitted",
        "pearson_residual",
    ]
    feats = sorted(units.getFeatures(), key=lambda f: int(f["name"][1:]))
    assert units.featureCount() == 30 and all(f.hasGeometry() for f in feats)
    assert str(feats[7]["fitted"]) == "NULL" and str(feats[7]["pearson_residual"]) == "NULL"
    resid = np.array([np.nan if i == 7 else feats[i]["pearson_residual"] for i in range(30)])
    fitted = np.array([feats[i]["fitted"] for i in range(30) if i != 7])
    counts = np.array([r[1] for i, r in enumerate(rows) if i != 7], float)
    variance = fitted if alpha is None else fitted + alpha * fitted**2
    np.testing.assert_allclose(resid[np.isfinite(resid)], (counts - fitted) / np.sqrt(variance), rtol=1e-6)
    # Moran's I: queen contiguity on the grid, the tract without people left out.
    nb = [
        [rr * COLS + cc for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
         if (rr, cc) != (r, c) and 0 <= rr < ROWS and 0 <= cc < COLS and rr * COLS + cc != 7]
        for r in range(ROWS) for c in range(COLS)
    ]  # fmt: skip
    keep = [i for i in range(30) if i != 7]
    w = np.zeros((29, 29))
    for a, i in enumerate(keep):
        for j in nb[i]:
            w[a, keep.index(j)] = 1.0 / len(nb[i])
    z = resid[keep] - resid[keep].mean()
    assert res["MORAN_I"] == pytest.approx((z @ w @ z) / (z @ z), rel=1e-9)
    assert 0 < res["MORAN_P"] <= 1
    text = feedback.text()
    assert "29 units in the model, 1 left out (population null or ≤ 0: 1)" in text
    assert "Moran's I of the residuals" in text
    if family == "poisson":
        assert "Use FAMILY=negative_binomial" in text  # these counts are overdispersed


def test_file_outputs_are_styled_and_rerun_gives_the_same_numbers(tmp_path):
    params = {"INPUT": grid_layer(), "PREDICTORS": ["income", "share"], "OUTPUT_MODEL": str(tmp_path / "model.gpkg"),
              "OUTPUT": str(tmp_path / "units.gpkg")}  # fmt: skip
    first = run(params)
    conn = sqlite3.connect(first["OUTPUT"])
    try:
        styles = conn.execute("SELECT styleName, styleQML FROM layer_styles WHERE useAsDefault").fetchall()
    finally:
        conn.close()
    assert styles and styles[0][0] == "countmodel" and "pearson_residual" in styles[0][1]
    layer = QgsVectorLayer(first["OUTPUT"], "units", "ogr")
    assert layer.renderer().type() == "graduatedSymbol"
    second = run(dict(params, OUTPUT_MODEL="TEMPORARY_OUTPUT", OUTPUT="TEMPORARY_OUTPUT"))
    assert (first["MORAN_I"], first["MORAN_P"], first["ALPHA"]) == (
        second["MORAN_I"],
        second["MORAN_P"],
        second["ALPHA"],
    )


def test_a_table_without_geometry(feedback):
    rows = grid_rows()
    res = run({"INPUT": grid_layer(rows, "table"), "PREDICTORS": ["income", "share"], "FAMILY": "poisson",
               "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)  # fmt: skip
    params, *_ = reference(rows, "poisson")
    np.testing.assert_allclose([r["estimate"] for r in model_rows(res["OUTPUT_MODEL"])], params, rtol=1e-6)
    assert res["MORAN_I"] is None and res["MORAN_P"] is None and res["OUTPUT"].featureCount() == 30
    assert "Moran" not in feedback.text()


def test_the_output_is_optional():
    res = run({"INPUT": grid_layer(), "PREDICTORS": ["income"]})
    assert res["OUTPUT"] is None and res["N_UNITS"] == 29
    assert [r["term"] for r in model_rows(res["OUTPUT_MODEL"])] == ["Intercept", "income"]


@pytest.mark.parametrize(
    ("change", "params", "match"),
    [
        (None, {"PREDICTORS": ["label"]}, r'tracts, row \d+, field "label": "x0" is not a number'),
        (lambda r: [row[:2] + [0.0] + row[3:] for row in r], {"PREDICTORS": ["income"]},
         r'field "population": has no positive value'),
        (lambda r: [row[:2] + [0.0 if i > 2 else row[2]] + row[3:] for i, row in enumerate(r)],
         {"PREDICTORS": ["income", "share"]}, r"3 unit\(s\) can enter the model.*3 parameter\(s\) needs at least 4"),
        (None, {"PREDICTORS": ["income"], "COUNT_FIELD": "share"}, r'field "share".*not a whole number'),
        (None, {"PREDICTORS": ["income"], "EXPOSURE_FIELD": "nope"}, r"nope"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_error_and_nothing_is_written(tmp_path, change, params, match):
    rows = grid_rows()
    layer = grid_layer(change(rows) if change else rows)
    out = tmp_path / "model.gpkg"
    with pytest.raises(QgsProcessingException, match=match):
        run(dict(params, INPUT=layer, OUTPUT_MODEL=str(out), OUTPUT=str(tmp_path / "units.gpkg")))
    assert not out.exists() and not (tmp_path / "units.gpkg").exists()


def test_non_convergence_is_an_error_not_a_result(tmp_path):
    """Counts exactly at their Poisson mean: no overdispersion to estimate, so NB2 stops and says to use poisson."""
    rows = grid_rows()
    for row in rows:
        row[1] = int(round(row[2] * 0.01))
    out = tmp_path / "model.gpkg"
    with pytest.raises(QgsProcessingException, match=r"negative binomial fit did not converge.*FAMILY=poisson"):
        run({"INPUT": grid_layer(rows), "OUTPUT_MODEL": str(out)})
    assert not out.exists()
    assert run({"INPUT": grid_layer(rows), "FAMILY": "poisson"})["N_UNITS"] == 29


def test_without_statsmodels_running_says_how_to_install(monkeypatch):
    for name in ("statsmodels", "statsmodels.api", "statsmodels.discrete.discrete_model"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(QgsProcessingException, match=r"apt install python3-statsmodels.*pip install statsmodels"):
        run({"INPUT": grid_layer(), "PREDICTORS": ["income"]})


def test_without_statsmodels_the_provider_still_loads():
    code = (
        "import json, sys\n"
        "sys.modules['statsmodels'] = None\n"
        "from qgis.core import QgsApplication\n"
        "app = QgsApplication([], False)\n"
        "app.initQgis()\n"
        "from alpr_qgis.provider import AlprProvider\n"
        "p = AlprProvider()\n"
        "QgsApplication.processingRegistry().addProvider(p)\n"
        "print(json.dumps([a.id() for a in p.algorithms()]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "QGIS_CUSTOM_CONFIG_PATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(REPO),
                         timeout=120, check=True)  # fmt: skip
    assert "alpr:countmodel" in json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the sample city, and its report


@pytest.fixture(scope="module")
def sample_model(sample_loaded, tmp_path_factory):
    """Reads per tract on income, the Black residents' share (%) and auto crimes, population as exposure."""
    folder = tmp_path_factory.mktemp("countmodel_sample")
    clean = processing.run(
        "alpr:cleanreads",
        {"INPUT": sample_loaded["OUTPUT"], "OUTPUT": str(folder / "clean.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    tracts = CITY + "|layername=census_tracts"
    crime = processing.run(
        "alpr:joincrime",
        {"INPUT": clean["OUTPUT"], "CRIMES": CITY + "|layername=crimes", "CATEGORY_FIELD": "category",
         "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE", "ZONES": tracts, "OUTPUT": str(folder / "crime.gpkg"),
         "OUTPUT_STATS": "TEMPORARY_OUTPUT"},
    )  # fmt: skip
    units = processing.run(
        "native:fieldcalculator",
        {"INPUT": crime["OUTPUT"], "FIELD_NAME": "pct_black", "FIELD_TYPE": 0, "FIELD_LENGTH": 0,
         "FIELD_PRECISION": 0, "FORMULA": '100.0 * "pop_black" / "population"', "OUTPUT": str(folder / "units.gpkg")},
    )  # fmt: skip
    model = run(
        {"INPUT": units["OUTPUT"], "COUNT_FIELD": "read_count", "EXPOSURE_FIELD": "population",
         "PREDICTORS": ["per_capita_income", "pct_black", "crime_count"], "FAMILY": "negative_binomial",
         "OUTPUT_MODEL": str(folder / "model.gpkg"), "OUTPUT": str(folder / "model_units.gpkg")},
    )  # fmt: skip
    summary = processing.run(
        "alpr:summary",
        {"INPUT": clean["OUTPUT"], "MODEL": model["OUTPUT_MODEL"], "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
         "OUTPUT_HTML": str(folder / "report.html")},
    )  # fmt: skip
    return units, model, summary


def test_sample_model_is_statsmodels_own(sample_model):
    units, model, _ = sample_model
    layer = QgsVectorLayer(units["OUTPUT"], "units", "ogr")
    data = [(f["read_count"], f["population"], f["per_capita_income"], f["pct_black"], f["crime_count"])
            for f in layer.getFeatures()]  # fmt: skip
    arr = np.array(data, float)
    y, x, off = arr[:, 0], sm.add_constant(arr[:, 2:]), np.log(arr[:, 1])
    poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    nb = NegativeBinomial(y, x, loglike_method="nb2", offset=off)
    ref = nb.fit(start_params=np.append(poisson.params, 0.5), method="newton", maxiter=200, disp=0)
    table = model_rows(QgsVectorLayer(model["OUTPUT_MODEL"], "model", "ogr"))
    assert [r["term"] for r in table] == ["Intercept", "per_capita_income", "pct_black", "crime_count"]
    np.testing.assert_allclose([r["estimate"] for r in table], ref.params[:-1], rtol=1e-6)
    np.testing.assert_allclose([r["std_error"] for r in table], ref.bse[:-1], rtol=1e-6)
    assert model["ALPHA"] == pytest.approx(ref.params[-1], rel=1e-6)
    assert (model["N_UNITS"], model["EXCLUDED_COUNT"]) == (len(y), 0)
    assert model["MORAN_I"] is not None and 0 < model["MORAN_P"] <= 1


def test_sample_report_shows_the_model(sample_model):
    _, model, summary = sample_model
    table = model_rows(QgsVectorLayer(model["OUTPUT_MODEL"], "model", "ogr"))
    html = Path(summary["OUTPUT_HTML"]).read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])
    section = root.find(".//section[@id='model']")
    assert section is not None
    best = min(table[1:], key=lambda r: r["p_value"])
    headline = section.find("p[@class='headline']").text
    assert headline.startswith(
        "Holding the other factors fixed, each one-unit increase in {} multiplies the expected reads by".format(
            best["term"]
        )
    )
    cells = [[td.text for td in tr] for tr in section.find("table").findall("tr")[1:]]
    assert [c[0] for c in cells] == ["Intercept", "per_capita_income", "pct_black", "crime_count"]
    for row, cell in zip(table, cells):
        assert float(cell[1]) == pytest.approx(row["rate_ratio"], rel=1e-2, abs=1e-6)


def test_units_with_a_null_are_left_out_and_counted(feedback):
    rows = grid_rows()
    rows[3][4] = None  # share unknown
    rows[5][1] = None  # count unknown
    res = run({"INPUT": grid_layer(rows), "PREDICTORS": ["income", "share"], "FAMILY": "poisson",
               "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)  # fmt: skip
    assert (res["N_UNITS"], res["EXCLUDED_COUNT"]) == (27, 3)
    assert "27 units in the model, 3 left out (read_count null: 1; population null or ≤ 0: 1; share null: 1)" in (
        feedback.text()
    )
    left_out = {f["name"] for f in res["OUTPUT"].getFeatures() if str(f["fitted"]) == "NULL"}
    assert left_out == {"T3", "T5", "T7"}


def test_group_counts_enter_as_shares_of_the_exposure(tmp_path):
    """SHARE_PREDICTORS=pop_black is the same model as a pop_black_pct field made by hand."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    n = 40
    population = rng.integers(800, 6000, n)
    black = (population * rng.uniform(0.02, 0.6, n)).astype(int)
    income = rng.uniform(15_000, 90_000, n)
    reads = rng.poisson(population / 1000 * np.exp(1.5 + 1.2 * black / population - income / 100_000))
    layer = QgsVectorLayer(
        "None?field=read_count:integer&field=population:integer&field=pop_black:integer&field=income:double",
        "units",
        "memory",
    )
    feats = []
    for r, p, b, i in zip(reads, population, black, income):
        f = QgsFeature(layer.fields())
        f.setAttributes([int(r), int(p), int(b), float(i)])
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)
    res = processing.run(
        "alpr:countmodel",
        {
            "INPUT": layer,
            "PREDICTORS": ["income"],
            "SHARE_PREDICTORS": ["pop_black"],
            "FAMILY": "poisson",
            "OUTPUT_MODEL": "TEMPORARY_OUTPUT",
        },
    )
    rows = {f["term"]: f["estimate"] for f in res["OUTPUT_MODEL"].getFeatures()}
    assert list(rows) == ["Intercept", "income", "pop_black_pct"]
    design = sm.add_constant(pd.DataFrame({"income": income, "pop_black_pct": 100.0 * black / population}))
    fit = sm.GLM(reads, design, family=sm.families.Poisson(), offset=np.log(population)).fit()
    for term, value in fit.params.items():
        assert rows["Intercept" if term == "const" else term] == pytest.approx(value, rel=1e-6)
