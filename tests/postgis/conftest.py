"""A throw-away PostgreSQL 15 + PostGIS cluster for the PostGIS tests (one per session).

Tests in this folder take ``pg`` (a :class:`tests.postgis.cluster.Connection`: socket
directory, port, database, user) or ``pg_cluster`` (the running :class:`TempCluster`).
They skip, saying why, only when PostgreSQL's server binaries or PostGIS are missing.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.postgis.cluster import ClusterUnavailableError, Connection, TempCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TempCluster]:
    """Started once; stopped and removed at the end of the session, failed tests or not (and at exit)."""
    try:
        cluster = TempCluster()
    except ClusterUnavailableError as why:
        pytest.skip(str(why))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg(pg_cluster) -> Connection:
    return pg_cluster.connection


# The processing fixtures (provider, loaded sample, recording feedback), shared with tests/algorithms.
from tests.processing_fixtures import RecordingFeedback, alpr_provider, feedback, sample_loaded  # noqa: E402, F401


@pytest.fixture(scope="session")
def sample_pair(pg, sample_loaded) -> dict:  # noqa: F811 (the imported fixture)
    """The loaded sample week twice: ``gpkg`` (the file path's input) and ``pg`` (the same rows in PostGIS)."""
    from tests.postgis.pairs import gpkg_to_postgis

    return {"gpkg": sample_loaded["OUTPUT"], "pg": gpkg_to_postgis(pg, sample_loaded["OUTPUT"], "sample_reads")}
