"""Shared test set-up: headless Qt, the repository on sys.path, a private QGIS authentication database."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests that store secrets in QGIS's authentication database use one of their own, never the user's.
os.environ.setdefault("QGIS_AUTH_DB_DIR_PATH", tempfile.mkdtemp(prefix="alpr-test-auth-") + os.sep)
