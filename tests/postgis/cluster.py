"""A throw-away PostgreSQL 15 + PostGIS cluster for tests and benchmarks (no QGIS, no alpr_qgis).

``TempCluster`` runs Debian's ``initdb``/``pg_ctl`` from ``/usr/lib/postgresql/15/bin`` in a
private temporary directory, listening on a Unix socket in that directory only (no TCP), and
creates a database with the ``postgis`` and ``pgcrypto`` extensions.  PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` system user (the directory is
handed to it).  ``stop()`` stops the server and removes the directory; it is idempotent and
also registered with ``atexit``, so a crashed test run leaves no server behind.

Speed over safety: ``fsync=off``, no full-page writes, small shared buffers — the data is
thrown away anyway.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from typing import List, Optional

PG_BIN = os.environ.get("ALPR_PG_BIN", "/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"  # the system user that runs the server when we are root
DB_USER = "alpr"  # the superuser role created by initdb (owner of the test database)
DB_NAME = "alpr"


class ClusterUnavailableError(RuntimeError):
    """PostgreSQL's server binaries (or PostGIS) are not installed: tests skip with this reason."""


@dataclass(frozen=True)
class Connection:
    """Where the cluster listens: pass ``host`` (the socket directory) and ``port`` to libpq."""

    host: str
    port: int
    dbname: str
    user: str

    def dsn(self, dbname: Optional[str] = None) -> str:
        return "host={} port={} dbname={} user={}".format(self.host, self.port, dbname or self.dbname, self.user)

    def qgis_uri(self, table: str, schema: str = "public", geometry: Optional[str] = "geom") -> str:
        """A QGIS ``postgres`` provider URI for ``schema.table`` (plain names only)."""
        text = "dbname='{}' host={} port={} user='{}' table=\"{}\".\"{}\"".format(
            self.dbname, self.host, self.port, self.user, schema, table
        )
        return text + (" ({})".format(geometry) if geometry else "")


def missing_binaries() -> Optional[str]:
    """Why a cluster cannot start here, or None when it can."""
    for tool in ("initdb", "pg_ctl", "postgres", "psql"):
        if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
            return "PostgreSQL 15 server binaries not found in {} (apt-get install postgresql-15-postgis-3)".format(
                PG_BIN
            )
    share = subprocess.run(
        [os.path.join(PG_BIN, "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if share and not os.path.exists(os.path.join(share, "extension", "postgis.control")):
        return "PostGIS for PostgreSQL 15 is not installed (apt-get install postgresql-15-postgis-3)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return "running as root and there is no '{}' user to run the server".format(SERVER_USER)
    return None


def _free_port() -> int:
    """A port number no other server here is likely to use (the socket file's name carries it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TempCluster:
    """A PostgreSQL cluster in a temporary directory, for the life of a test session or a benchmark."""

    def __init__(self, *, shared_buffers: str = "64MB", extra_settings: Optional[List[str]] = None) -> None:
        reason = missing_binaries()
        if reason:
            raise ClusterUnavailableError(reason)
        self.root = tempfile.mkdtemp(prefix="alpr-pg-")
        self.data = os.path.join(self.root, "data")
        self.log = os.path.join(self.root, "server.log")
        self.port = _free_port()
        self._running = False
        self._as_root = os.geteuid() == 0
        atexit.register(self.stop)
        settings = [
            "listen_addresses=''",
            "unix_socket_directories='{}'".format(self.root),
            "port={}".format(self.port),
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "shared_buffers={}".format(shared_buffers),
            "max_wal_size=2GB",
            "max_connections=20",
        ] + list(extra_settings or [])
        try:
            if self._as_root:
                os.chmod(self.root, 0o755)
                entry = pwd.getpwnam(SERVER_USER)
                os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._run(
                [
                    "initdb",
                    "-D",
                    self.data,
                    "-U",
                    DB_USER,
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
            with open(os.path.join(self.data, "postgresql.auto.conf"), "a", encoding="utf-8") as conf:
                conf.write("\n".join(settings) + "\n")
            self._run(["pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"])
            self._running = True
            self.psql("CREATE DATABASE {}".format(DB_NAME), dbname="postgres")
            self.psql("CREATE EXTENSION postgis; CREATE EXTENSION pgcrypto;")
        except BaseException:
            self.stop()
            raise

    @property
    def connection(self) -> Connection:
        return Connection(host=self.root, port=self.port, dbname=DB_NAME, user=DB_USER)

    def _command(self, args: List[str]) -> List[str]:
        tool = [os.path.join(PG_BIN, args[0])] + args[1:]
        return ["runuser", "-u", SERVER_USER, "--"] + tool if self._as_root else tool

    def _run(self, args: List[str]) -> str:
        done = subprocess.run(self._command(args), capture_output=True, text=True, check=False, cwd=self.root)
        if done.returncode != 0:
            log = ""
            if os.path.exists(self.log):
                with open(self.log, encoding="utf-8", errors="replace") as handle:
                    log = handle.read()[-2000:]
            raise RuntimeError(
                "{} failed ({}):\n{}\n{}\n{}".format(args[0], done.returncode, done.stdout, done.stderr, log)
            )
        return done.stdout

    def psql(self, sql: str, dbname: str = DB_NAME) -> str:
        """Run SQL with psql as the superuser; returns its unaligned output."""
        args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.root, "-p", str(self.port)]
        return self._run(args + ["-U", DB_USER, "-d", dbname, "-c", sql])

    def create_database(self, name: str, postgis: bool = True) -> None:
        """A further database (``postgis=False``: one without the extension, to test that error)."""
        self.psql('CREATE DATABASE "{}"'.format(name), dbname="postgres")
        if postgis:
            self.psql("CREATE EXTENSION postgis; CREATE EXTENSION pgcrypto;", dbname=name)

    def stop(self) -> None:
        """Stop the server (fast) and remove its directory; safe to call twice."""
        if self._running:
            self._running = False
            subprocess.run(
                self._command(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                check=False,
                cwd="/",
            )
        if os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempCluster:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
