"""The bridge between QGIS and the pure core: layers <-> DataFrames, rasters, styles."""
