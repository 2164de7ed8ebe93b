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
