"""A connection to a PostGIS database, through psycopg2 or through QGIS's own provider.

Two paths, one interface (:meth:`execute` returning rows):

* :class:`PsycopgConnection` — Debian's ``python3-psycopg2`` (libpq): bound
  parameters, one transaction across statements, ``COPY FROM STDIN`` and
  server-side cursors.  The bulk loader and every push-down need it.
* :class:`QgisConnection` — ``QgsProviderRegistry.providerMetadata("postgres")
  .createConnection(uri, {})``: no extra package, but each ``executeSql`` may
  take another pooled connection (no transaction across calls), it binds no
  values and returns every row as a Python list.  It serves parameterless
  catalogue and aggregate queries when psycopg2 is missing.

:func:`connect` takes psycopg2 when it can be imported (``bench/bench_postgis_load.py``
measures both).  The plugin itself loads without psycopg2: it is imported
only here, on first use.

Credentials come from the URI (user, password, service, sslmode) or from its
``authcfg`` through QGIS's authentication manager.  They are passed to libpq
as keywords and never logged; every error names the connection with
:func:`database_label` / :meth:`PgTable.label` and is scrubbed of the
password and of socket paths.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager, suppress
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from qgis.core import QgsApplication, QgsDataSourceUri, QgsException, QgsProviderRegistry

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.sql import qualified
from alpr_qgis.qgis_io.postgis.uri import database_label

APPLICATION_NAME = "alpr_qgis"
CONNECT_TIMEOUT_S = 15

_SOCKET_PATH = re.compile(r'"?(/[^"\s]*)?/\.s\.PGSQL\.\d+"?')
_PASSWORD_ITEM = re.compile(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# QGIS puts the whole connection string in its messages: its items are dropped (the label names the database).
_CONNINFO_ITEM = re.compile(
    r"\b(?:dbname|host|hostaddr|port|user|sslmode|authcfg|service)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)\s*", re.IGNORECASE
)


class PostgisError(AlprInputError):
    """A database that cannot be reached or used; the message names it without secrets."""


def _psycopg2():
    """psycopg2, or None when it is not installed (the plugin works without it, slower)."""
    try:
        import psycopg2  # noqa: PLC0415 (optional, imported on first use)
        import psycopg2.errorcodes  # noqa: F401, PLC0415
        import psycopg2.extensions  # noqa: F401, PLC0415
    except ImportError:
        return None
    return psycopg2


def has_psycopg2() -> bool:
    return _psycopg2() is not None


def scrub(text: str, uri: Optional[QgsDataSourceUri] = None) -> str:
    """``text`` (a driver's error) without the URI's password, ``password=`` items or socket paths."""
    text = str(text or "").strip()
    if uri is not None:
        for secret in (uri.password(), uri.host() if uri.host().startswith("/") else ""):
            if secret:
                text = text.replace(secret, "***" if secret == uri.password() else "<socket>")
    text = _SOCKET_PATH.sub("a local socket", text)
    text = _PASSWORD_ITEM.sub("", text)
    return _CONNINFO_ITEM.sub("", text).strip()


def _reason(error: BaseException, uri: QgsDataSourceUri) -> str:
    """A driver error, scrubbed: the server's primary message (its DETAIL can quote row values), else the first lines."""
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if primary:
        return scrub(primary, uri)
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return scrub(" ".join(lines[:2]), uri) or type(error).__name__


def libpq_parameters(uri: QgsDataSourceUri) -> Dict[str, Any]:
    """libpq keywords for ``uri``: the URI's own credentials, completed from its ``authcfg``."""
    if uri.authConfigId():
        uri = QgsDataSourceUri(uri.uri(False))  # a copy: the caller's URI is not filled in
        manager = QgsApplication.authManager()
        # One item (quoted values may hold spaces); the method appends user= and password= items, which win.
        ok, items = manager.updateDataSourceUriItems([uri.connectionInfo(False)], uri.authConfigId(), "postgres")
        if not ok or not items:
            raise PostgisError(
                QT_TRANSLATE_NOOP(
                    "alpr_core", "The authentication configuration {authcfg} of {connection} could not be used"
                ),
                args={"authcfg": uri.authConfigId(), "connection": database_label(uri)},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Check it in QGIS's Authentication settings."),
            )
        filled = QgsDataSourceUri(" ".join(items))
        uri.setUsername(filled.username())
        uri.setPassword(filled.password())
    keywords = {
        "host": uri.host(),
        "port": uri.port(),
        "dbname": uri.database(),
        "user": uri.username(),
        "password": uri.password(),
        "service": uri.service(),
    }
    params = {key: value for key, value in keywords.items() if value}
    if uri.sslMode() != QgsDataSourceUri.SslPrefer:  # libpq's own default otherwise
        params["sslmode"] = QgsDataSourceUri.encodeSslMode(uri.sslMode())
    params["application_name"] = APPLICATION_NAME
    params["connect_timeout"] = CONNECT_TIMEOUT_S
    return params


class PsycopgConnection:
    """psycopg2 (libpq) under the plugin's interface: bound values, transactions, COPY."""

    driver = "psycopg2"

    def __init__(self, uri: QgsDataSourceUri) -> None:
        psycopg2 = _psycopg2()
        if psycopg2 is None:
            raise PostgisError(QT_TRANSLATE_NOOP("alpr_core", "psycopg2 is not installed"))
        self.uri = uri
        self.label = database_label(uri)
        self.module = psycopg2
        try:
            self.raw = psycopg2.connect(**libpq_parameters(uri))
        except psycopg2.Error as error:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "Could not connect to {connection}: {reason}"),
                args={"connection": self.label, "reason": _reason(error, uri)},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Check the host, port, database name and credentials."),
            ) from None
        self.raw.autocommit = True  # one statement, one transaction, unless inside transaction()

    def execute(self, sql: str, params: Optional[Sequence[Any]] = None) -> List[tuple]:
        """Run one statement, ``%s`` in it standing for each of ``params`` (bound, never pasted); its rows, if any."""
        try:
            with self.raw.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description is not None else []
        except self.module.Error as error:
            raise self.error(error) from None

    def reason(self, error: BaseException) -> str:
        """A driver error's text, scrubbed of secrets and socket paths."""
        return _reason(error, self.uri)

    def error(self, error: BaseException) -> PostgisError:
        """A driver error as a :class:`PostgisError` naming the connection, scrubbed."""
        return PostgisError(
            QT_TRANSLATE_NOOP("alpr_core", "{connection}: {reason}"),
            args={"connection": self.label, "reason": self.reason(error)},
        )

    def begin(self):
        """Open a transaction; its psycopg2 cursor.  End it with :meth:`commit` or :meth:`rollback`."""
        self.raw.autocommit = False
        return self.raw.cursor()

    def commit(self) -> None:
        try:
            self.raw.commit()
        finally:
            if not self.raw.closed:
                self.raw.autocommit = True

    def rollback(self) -> None:
        """Roll the open transaction back; quiet when the connection is already gone (the server rolled back)."""
        if self.raw.closed:
            return
        with suppress(self.module.Error):
            self.raw.rollback()
        if not self.raw.closed:
            self.raw.autocommit = True

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A psycopg2 cursor inside one transaction: committed at the end, rolled back on any exception."""
        cursor = self.begin()
        try:
            yield cursor
        except BaseException:
            self.rollback()
            raise
        else:
            self.commit()
        finally:
            cursor.close()

    def close(self) -> None:
        if not self.raw.closed:
            self.raw.close()

    def __enter__(self) -> PsycopgConnection:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class QgisConnection:
    """QGIS's own provider connection: parameterless statements only, no transaction, no COPY."""

    driver = "qgis"

    def __init__(self, uri: QgsDataSourceUri) -> None:
        self.uri = uri
        self.label = database_label(uri)
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        if metadata is None:
            raise PostgisError(QT_TRANSLATE_NOOP("alpr_core", "QGIS's PostgreSQL provider is not available"))
        try:
            self.raw = metadata.createConnection(uri.uri(False), {})
        except QgsException as error:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "Could not connect to {connection}: {reason}"),
                args={"connection": self.label, "reason": _reason(error, uri)},
            ) from None
        try:
            self.execute("SELECT 1")  # connect now, so that a bad connection fails here
        except PostgisError as error:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "Could not connect to {connection}: {reason}"),
                args={"connection": self.label, "reason": error.template_args["reason"]},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Check the host, port, database name and credentials."),
            ) from None

    def execute(self, sql: str, params: Optional[Sequence[Any]] = None) -> List[tuple]:
        """Run one statement without values; its rows as tuples (QGIS converts them from QVariants)."""
        if params:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{connection}: this step binds values, which needs python3-psycopg2"),
                args={"connection": self.label},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Install python3-psycopg2 (Debian) and run again."),
            )
        try:
            rows = self.raw.executeSql(sql)
        except QgsException as error:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{connection}: {reason}"),
                args={"connection": self.label, "reason": _reason(error, self.uri)},
            ) from None
        return [tuple(row) for row in rows]

    def close(self) -> None:
        self.raw = None

    def __enter__(self) -> QgisConnection:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


#: Seconds between two looks at the run's cancel flag while a statement runs.
CANCEL_POLL_S = 0.2


@contextmanager
def cancel_watch(connection, cancelled: Callable[[], bool], poll: float = CANCEL_POLL_S):
    """While the block runs a statement, cancel it on the server as soon as ``cancelled()`` says so.

    A thread looks at ``cancelled()`` every ``poll`` seconds and calls
    libpq's cancel; the statement then fails with ``QUERY_CANCELED``
    (57014), which the caller turns into a cancel.  ``cancelled`` must be
    safe to call from another thread (``QgsFeedback.isCanceled`` is).
    """
    done = threading.Event()

    def watch() -> None:
        while not done.wait(poll):
            try:
                stop = cancelled()
            except Exception:  # (a caller's callback failing here must not kill the statement)
                return
            if stop:
                with suppress(Exception):
                    connection.raw.cancel()
                return

    watcher = threading.Thread(target=watch, name="alpr-cancel-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


@contextmanager
def cancelled_in_server(connection, cancelled: Callable[[], bool], poll: float = CANCEL_POLL_S) -> Iterator[None]:
    """:func:`cancel_watch`, and the error of a statement it cancelled raised as ``Cancelled``."""
    try:
        with cancel_watch(connection, cancelled, poll):
            yield
    except Exception:
        if cancelled():
            raise Cancelled() from None
        raise


def connect(uri: QgsDataSourceUri, driver: Optional[str] = None, require_postgis: bool = True):
    """A connection to ``uri``'s database: psycopg2 when installed (or ``driver="psycopg2"``), else QGIS's.

    With ``require_postgis`` a database without the PostGIS extension is a
    clear :class:`PostgisError` naming it.
    """
    if driver is None:
        driver = "psycopg2" if has_psycopg2() else "qgis"
    connection = PsycopgConnection(uri) if driver == "psycopg2" else QgisConnection(uri)
    if require_postgis:
        try:
            postgis_version(connection)
        except BaseException:
            connection.close()
            raise
    return connection


def postgis_version(connection) -> str:
    """The PostGIS extension's version in the connected database; a clear error when it is not installed."""
    rows = connection.execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'postgis'")
    if not rows or not rows[0][0]:
        raise PostgisError(
            QT_TRANSLATE_NOOP("alpr_core", "{connection} has no PostGIS extension"),
            args={"connection": connection.label},
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Ask its administrator to run CREATE EXTENSION postgis in that database."
            ),
        )
    return str(rows[0][0])


def table_exists(connection, schema: str, table: str) -> bool:
    """Whether ``schema.table`` exists (names compared exactly, as quoted identifiers)."""
    if getattr(connection, "driver", "") == "psycopg2":
        rows = connection.execute(
            "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND tablename = %s", (schema, table)
        )
        return bool(rows)
    try:  # QGIS's path binds no values: ask for the table itself, by its quoted name
        connection.execute("SELECT 1 FROM {} LIMIT 0".format(qualified(schema, table)))
    except PostgisError:
        return False
    return True


def columns(connection, schema: str, table: str) -> List[tuple]:
    """(column name, data type) of ``schema.table`` from information_schema, in order (psycopg2 only)."""
    return connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    )
