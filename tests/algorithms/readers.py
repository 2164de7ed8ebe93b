"""A bare Processing algorithm with one source parameter, for tests that call the readers as an algorithm would."""

from qgis.core import QgsProcessingAlgorithm, QgsProcessingParameterFeatureSource


class SourceReader(QgsProcessingAlgorithm):
    def name(self):
        return "reader"

    def createInstance(self):
        return SourceReader()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "input"))

    def processAlgorithm(self, parameters, context, feedback):
        return {}
