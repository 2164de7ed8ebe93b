"""Processing set-up for algorithm tests (pytest-qgis): the fixtures of ``tests/processing_fixtures.py``."""

from tests.processing_fixtures import RecordingFeedback, alpr_provider, feedback, sample_loaded

__all__ = ["RecordingFeedback", "alpr_provider", "feedback", "sample_loaded"]
