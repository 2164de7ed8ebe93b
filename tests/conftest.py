"""Shared test set-up: headless Qt, the repository on sys.path, a private QGIS authentication database."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests that store secrets in QGIS's authentication database use one of their own, never the user's.
os.environ.setdefault("QGIS_AUTH_DB_DIR_PATH", tempfile.mkdtemp(prefix="alpr-test-auth-") + os.sep)


import pytest  # noqa: E402 (after the environment above, which must come first)


def _layers_in(value, depth: int = 0):
    """The QGIS layers in a fixture's value (nested dicts, lists and tuples, as ``processing.run`` results)."""
    from qgis.core import QgsMapLayer

    if isinstance(value, QgsMapLayer):
        yield value
    elif depth < 4 and isinstance(value, dict):
        for v in value.values():
            yield from _layers_in(v, depth + 1)
    elif depth < 4 and isinstance(value, (list, tuple)):
        for v in value:
            yield from _layers_in(v, depth + 1)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Layers a fixture hands out are owned by the project, not by Python.

    A temporary output of ``processing.run`` is a GeoPackage layer owned by
    Python; held in a fixture's value, it is destroyed when pytest drops
    that value, outside any test, and GDAL may crash there (pytest-qgis
    does the same for fixtures named after layers).  The project deletes
    them when QGIS exits.
    """
    outcome = yield
    try:
        value = outcome.get_result()
    except BaseException:  # the fixture failed: nothing to adopt
        return
    from qgis.core import QgsProject
    from qgis.PyQt import sip

    for layer in _layers_in(value):
        if not sip.isdeleted(layer) and layer.id() not in QgsProject.instance().mapLayers():
            QgsProject.instance().addMapLayer(layer, False)


@pytest.fixture(autouse=True, scope="session")
def _layers_gone_before_qgis_exits(qgis_app):
    """Layers the tests left (in the project, or in garbage) are deleted while QGIS still runs.

    One still alive after ``exitQgis()`` (pytest-qgis calls it at the end of
    the session) would be destroyed after GDAL has shut down, at the
    interpreter's exit, and the process would die there.  This fixture's
    teardown runs before pytest-qgis's.
    """
    yield
    import gc

    from qgis.core import QgsProject

    gc.collect()
    QgsProject.instance().removeAllMapLayers()
    gc.collect()


def pytest_sessionfinish(session, exitstatus):
    session.config._alpr_exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without the interpreter's own teardown, once pytest has reported everything.

    What is left then is QGIS objects that Python still wraps (a layer in a
    traceback kept by a finished test, say): destroyed after ``exitQgis()``,
    after GDAL is gone, they can crash the process (exit 139) although
    every test passed.  The exit status is pytest's own.
    """
    status = getattr(config, "_alpr_exit_status", None)
    if status is None:
        return
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
