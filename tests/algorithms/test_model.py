"""The algorithms chained in a graphical model, as the modeler builds one."""

from __future__ import annotations

from qgis import processing
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsVectorLayer,
)

from tests.helpers import export_csv


def child(alg_id: str, child_id: str, sources: dict, outputs: dict = None) -> QgsProcessingModelChildAlgorithm:
    step = QgsProcessingModelChildAlgorithm(alg_id)
    step.setChildId(child_id)
    for name, source in sources.items():
        step.addParameterSources(name, [source])
    for param in step.algorithm().parameterDefinitions():  # the modeler's dialog fills in the defaults
        if param.name() not in sources and not param.isDestination() and param.defaultValue() is not None:
            step.addParameterSources(
                param.name(), [QgsProcessingModelChildParameterSource.fromStaticValue(param.defaultValue())]
            )
    model_outputs = {}
    for name, (child_output, description) in (outputs or {}).items():
        out = QgsProcessingModelOutput(name, description)
        out.setChildId(child_id)
        out.setChildOutputName(child_output)
        model_outputs[name] = out
    step.setModelOutputs(model_outputs)
    return step


def test_load_clean_anonymize_model(tmp_path):
    model = QgsProcessingModelAlgorithm("ALPR prepare", "tests")
    model.addModelParameter(QgsProcessingParameterFile("export", "ALPR export"), QgsProcessingModelParameter("export"))
    static = QgsProcessingModelChildParameterSource.fromStaticValue
    model.addChildAlgorithm(
        child("alpr:loadreads", "load", {"INPUT": QgsProcessingModelChildParameterSource.fromModelParameter("export")})
    )
    model.addChildAlgorithm(
        child(
            "alpr:cleanreads",
            "clean",
            {
                "INPUT": QgsProcessingModelChildParameterSource.fromChildOutput("load", "OUTPUT"),
                "DEDUP_SECONDS": static(60),
            },
            {"clean": ("OUTPUT", "Clean reads")},
        )
    )
    model.addChildAlgorithm(
        child(
            "alpr:anonymizeplates",
            "anonymize",
            {
                "INPUT": QgsProcessingModelChildParameterSource.fromChildOutput("clean", "OUTPUT"),
                "KEY": static("model key of 16+ bytes"),
                "TIME_PRECISION": static("hour"),
            },
            {"public": ("OUTPUT", "Publishable reads")},
        )
    )
    for step in ("load", "clean", "anonymize"):
        assert model.childAlgorithm(step).algorithm() is not None, step  # every child algorithm resolves
    ok, errors = model.validate()
    assert ok, errors
    context = QgsProcessingContext()
    res = processing.run(
        model,
        {
            "export": export_csv(tmp_path),
            "clean:clean": str(tmp_path / "clean.gpkg"),
            "anonymize:public": str(tmp_path / "public.gpkg"),
        },
        context=context,
        feedback=QgsProcessingFeedback(),
    )
    clean = QgsVectorLayer(res["clean:clean"])
    public = QgsVectorLayer(res["anonymize:public"])
    # 5 reads: CAUT10N is a sign word, one read lies at 0,0 and one has no location.
    assert clean.featureCount() == 2 and public.featureCount() == 2
    names = [f.name() for f in public.fields()]
    assert "plate_id" in names and "plate" not in names
    assert {f["read_time"].toString("mm:ss") for f in public.getFeatures()} == {"00:00"}


def test_compare_algorithms_in_a_model(tmp_path):
    from pathlib import Path

    city = Path(__file__).resolve().parents[2] / "sample" / "city.gpkg"
    static = QgsProcessingModelChildParameterSource.fromStaticValue
    from_child = QgsProcessingModelChildParameterSource.fromChildOutput
    model = QgsProcessingModelAlgorithm("ALPR compare", "tests")
    model.addModelParameter(QgsProcessingParameterFile("export", "ALPR export"), QgsProcessingModelParameter("export"))
    model.addChildAlgorithm(
        child("alpr:loadreads", "load", {"INPUT": QgsProcessingModelChildParameterSource.fromModelParameter("export")})
    )
    model.addChildAlgorithm(child("alpr:cleanreads", "clean", {"INPUT": from_child("load", "OUTPUT")}))
    model.addChildAlgorithm(
        child(
            "alpr:jurisdiction",
            "outside",
            {
                "INPUT": from_child("clean", "OUTPUT"),
                "BOUNDARY": static(f"{city}|layername=city_boundary"),
                "NEIGHBOURS": static(f"{city}|layername=neighbours"),
                "NEIGHBOUR_NAME_FIELD": static("name"),
            },
            {"outside": ("OUTPUT", "Reads outside")},
        )
    )
    model.addChildAlgorithm(
        child(
            "alpr:sites",
            "sites",
            {
                "INPUT": from_child("clean", "OUTPUT"),
                "SITES": static(f"{city}|layername=sensitive_sites"),
                "RADIUS": static(150),
            },
            {"sites": ("OUTPUT", "Sites")},
        )
    )
    ok, errors = model.validate()
    assert ok, errors
    rows = [
        '1,7ABC123,07/20/2014 08:01:02 AM,"(37.80123, -122.27456)",PATROL 1,CA,x',
        '2,7ABC124,07/20/2014 08:02:02 AM,"(37.573, -122.026)",PATROL 2,CA,y',
    ]
    res = processing.run(
        model,
        {
            "export": export_csv(tmp_path, rows=rows),
            "outside:outside": str(tmp_path / "outside.gpkg"),
            "sites:sites": str(tmp_path / "sites.gpkg"),
        },
    )
    outside = QgsVectorLayer(res["outside:outside"])
    assert outside.featureCount() == 1  # the read at the far-away mall
    assert next(outside.getFeatures())["jurisdiction"] == "unnamed"
    assert QgsVectorLayer(res["sites:sites"]).featureCount() == 7
