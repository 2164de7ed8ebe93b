"""Pure-Python core of alpr_qgis: pandas, numpy, shapely, scipy only.

Nothing in this package imports ``qgis`` or Qt; the algorithms in
``alpr_qgis.algorithms`` turn Processing parameters into calls to it.
"""
