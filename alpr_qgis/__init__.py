"""alpr_qgis: ALPR (licence-plate reader) data analysis for QGIS Processing."""


def classFactory(iface):  # noqa: N802, QGS105 (QGIS API)
    """Called by QGIS to load the plugin; imports nothing from QGIS before that."""
    from alpr_qgis.plugin import AlprPlugin

    return AlprPlugin(iface)
