"""Shared test set-up: headless Qt, the repository on sys.path."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
