"""Provider and algorithm compliance, and the plugin's load/unload cycle."""

from __future__ import annotations

from qgis.core import QgsApplication, QgsProcessingModelAlgorithm, QgsProcessingParameterDefinition

from alpr_qgis.algorithms.base import GROUPS


def test_provider_identity(alpr_provider):
    assert alpr_provider.id() == "alpr"
    assert alpr_provider.name() == "ALPR analysis"
    assert not alpr_provider.icon().isNull()
    assert alpr_provider.svgIconPath() == ":/plugins/alpr_qgis/icons/alpr.svg"


def test_every_algorithm_is_complete(alpr_provider):
    algs = alpr_provider.algorithms()
    assert {a.id() for a in algs} >= {"alpr:loadreads"}
    for alg in algs:
        if isinstance(alg, QgsProcessingModelAlgorithm):  # the shipped models: tests/algorithms/test_pipeline_model.py
            continue
        assert alg.name() == alg.name().lower() and " " not in alg.name()
        assert alg.groupId() in GROUPS and alg.group() == GROUPS[alg.groupId()]
        assert alg.displayName()[0].isupper()
        assert len(alg.shortHelpString()) > 200
        assert alg.helpUrl().endswith("#" + alg.name())
        assert alg.tags()
        copy = alg.createInstance()
        assert type(copy) is type(alg) and copy is not alg
        for param in alg.parameterDefinitions():
            assert param.description(), (alg.id(), param.name())
            if not param.isDestination():
                assert param.help(), (alg.id(), param.name())
            assert isinstance(param, QgsProcessingParameterDefinition)
        for output in alg.outputDefinitions():
            assert output.description(), (alg.id(), output.name())


#: The algorithms that do their work in the database when INPUT is a PostGIS table (issue 16).
PUSHED_DOWN = {
    "alpr:heatmap": "pixel grid in SQL",
    "alpr:hotspots": "counted per hexagon in SQL",
    "alpr:joincensus": "counted per unit",
    "alpr:joincrime": "counted per zone",
    "alpr:jurisdiction": "found, named and measured there",
    "alpr:sites": "only counts per site",
    "alpr:cleanreads": "Only the distinct plates come back",
    "alpr:anonymizeplates": "pgcrypto",
    "alpr:summary": "at most a row per device, date and hour",
    "alpr:devicetracks": "window functions per device",
}


def test_help_says_what_is_done_in_postgis(alpr_provider):
    for alg in alpr_provider.algorithms():
        help_text = alg.shortHelpString()
        if alg.id() in PUSHED_DOWN:
            paragraph = help_text.split("<p><b>PostGIS</b>: ")[1].split("</p>")[0]
            assert paragraph.startswith("when INPUT is a plain PostGIS table"), alg.id()
            assert "python3-psycopg2" in paragraph and PUSHED_DOWN[alg.id()] in paragraph, alg.id()
        elif alg.id() != "alpr:loadreads":  # (its PostGIS paragraph is about its OUTPUT)
            assert "<b>PostGIS</b>" not in help_text, alg.id()


def test_plugin_registers_and_removes_provider(qgis_iface, alpr_provider):
    """classFactory -> initGui registers "alpr"; unload removes it (runs last: it replaces the provider)."""
    from alpr_qgis import classFactory

    registry = QgsApplication.processingRegistry()
    registry.removeProvider(alpr_provider)  # the session's provider, so the plugin can add its own
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    assert registry.providerById("alpr") is not None
    assert registry.algorithmById("alpr:loadreads") is not None
    plugin.unload()
    assert registry.providerById("alpr") is None
    plugin.initProcessing()  # leave a provider registered for any later test
    assert registry.algorithmById("alpr:loadreads") is not None
    _KEEP.append(plugin)


_KEEP = []
