# alpr_qgis — see README.md.  The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY      := /usr/bin/python3
VENV    := .venv
VPY     := $(VENV)/bin/python
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
PROFILE_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
PLUGIN_DIR  := $(PROFILE_DIR)/python/plugins/alpr_qgis
DEMO_DIR    ?= $(CURDIR)/demo-output
ZIP     := dist/alpr_qgis-$(VERSION).zip
QGIS_PROCESS := qgis_process.bin
export QT_QPA_PLATFORM ?= offscreen
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

APT_PACKAGES := qgis python3-qgis qgis-providers python3-pandas python3-shapely python3-scipy python3-statsmodels \
	python3-matplotlib python3-venv python3-pip pyqt5-dev-tools qttools5-dev-tools xvfb xauth \
	zip unzip git postgresql-15-postgis-3 python3-psycopg2

# Only for `make docs` (the picture of the HTML report), never for tests or the demo.
DOCS_APT_PACKAGES := python3-pyqt5.qtwebkit

# Offline time-zone lookup for alpr:loadreads; no Debian package, so from PyPI, pinned, no dependencies.
TZFPY := tzfpy==2.1.1

.PHONY: help deps docs-deps venv resources transup transcompile test test-core lint package install \
	deploy demo docs model bench desktop-check sample clean

help:
	@echo "make demo     run the pipeline on the bundled sample data (installs what it needs)"
	@echo "make test     run the test suite (installs what it needs)"
	@echo "make install  install the plugin into the QGIS profile and enable it"
	@echo "make package  build $(ZIP) for QGIS's plugin manager"
	@echo "make lint     ruff + flake8-qgis"
	@echo "make bench    speed comparisons with QGIS's own algorithms"
	@echo "make desktop-check  load the plugin in the real QGIS desktop under Xvfb and run the model there"
	@echo "make docs     regenerate docs/heatmap.png, docs/report.png, docs/desktop.png from the demo"
	@echo "make model    rebuild alpr_qgis/models/*.model3 with scripts/make_model.py"

# Debian's QGIS 3.22 and the scientific stack, from apt (root, or sudo when available).
deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "Installing Debian packages: $(APT_PACKAGES)"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@$(PY) -c "import qgis.core, pandas, numpy, shapely, scipy, matplotlib, statsmodels" || \
	  { echo "Debian's QGIS/pandas stack is not importable with $(PY)"; exit 1; }
	@$(PY) -c "import tzfpy" 2>/dev/null || \
	  $(PY) -m pip install -q --user --break-system-packages --no-deps $(TZFPY)

$(VENV)/.installed: requirements-dev.txt | deps
	$(PY) -m venv --system-site-packages $(VENV)
	$(VPY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@$(VPY) -c "import numpy, sys; sys.exit(0 if numpy.__file__.startswith('/usr/lib/python3/') else 'numpy does not come from Debian: ' + numpy.__file__)"
	@touch $@

venv: $(VENV)/.installed

alpr_qgis/resources_rc.py: resources.qrc alpr_qgis/icons/alpr.svg | deps
	pyrcc5 -o $@ resources.qrc

resources: alpr_qgis/resources_rc.py

TS_FILES := $(wildcard alpr_qgis/i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

transup: | deps
	pylupdate5 -noobsolete $$(git ls-files --cached --others --exclude-standard 'alpr_qgis/*.py') -ts alpr_qgis/i18n/alpr_qgis_fr.ts

alpr_qgis/i18n/%.qm: alpr_qgis/i18n/%.ts | deps
	lrelease -silent $< -qm $@

transcompile: $(QM_FILES)

test: venv resources transcompile
	$(VPY) -m pytest -q tests

test-core: venv
	$(VPY) -m pytest -q -p no:pytest_qgis tests/core

lint: venv
	$(VENV)/bin/ruff check alpr_qgis tests bench sample
	$(VENV)/bin/ruff format --check alpr_qgis tests bench sample
	$(VENV)/bin/flake8 --select=QGS --extend-ignore=QGS402 --exclude=alpr_qgis/resources_rc.py alpr_qgis

# The plugin zip: one top folder with metadata.txt, built from the files git knows
# (tracked or new, never ignored ones), plus the generated resources and translations.
package: resources transcompile
	@rm -rf build/package && mkdir -p build/package dist
	@git ls-files --cached --others --exclude-standard -z alpr_qgis | \
	  xargs -0 -I{} sh -c 'test -f "{}" && mkdir -p "build/package/$$(dirname "{}")" && cp "{}" "build/package/{}"'
	@cp alpr_qgis/resources_rc.py build/package/alpr_qgis/
	@for qm in $(QM_FILES); do cp $$qm build/package/$$qm; done
	@cp metadata.txt LICENSE build/package/alpr_qgis/ 2>/dev/null || cp metadata.txt build/package/alpr_qgis/
	@rm -f $(ZIP) && cd build/package && zip -qr ../../$(ZIP) alpr_qgis -x '*__pycache__*'
	@echo "Built $(ZIP)"

# Install the packaged plugin into the QGIS profile and enable it (desktop and qgis_process).
install: package
	@rm -rf "$(PLUGIN_DIR)" && mkdir -p "$(dir $(PLUGIN_DIR))"
	@unzip -q -o $(ZIP) -d "$(dir $(PLUGIN_DIR))"
	@$(QGIS_PROCESS) plugins enable alpr_qgis >/dev/null 2>&1 || true
	@$(QGIS_PROCESS) list 2>/dev/null | grep -q "alpr:loadreads" || \
	  { echo "alpr_qgis did not register with qgis_process"; exit 1; }
	@echo "Installed and enabled in $(PLUGIN_DIR)"

# Developer install: a symlink to the working tree.
deploy: resources transcompile
	@mkdir -p "$(dir $(PLUGIN_DIR))" && rm -rf "$(PLUGIN_DIR)"
	@cp metadata.txt alpr_qgis/metadata.txt && ln -s "$(CURDIR)/alpr_qgis" "$(PLUGIN_DIR)"
	@$(QGIS_PROCESS) plugins enable alpr_qgis >/dev/null 2>&1 || true
	@echo "Linked $(PLUGIN_DIR) -> $(CURDIR)/alpr_qgis"

demo: install
	@$(PY) scripts/demo.py --out "$(DEMO_DIR)"

# The shipped graphical model, rebuilt from scripts/make_model.py (after changing a parameter).
model: resources
	$(PY) scripts/make_model.py

docs-deps: | deps
	@if ! dpkg -s $(DOCS_APT_PACKAGES) >/dev/null 2>&1; then \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DOCS_APT_PACKAGES) >/dev/null; \
	fi

# README's pictures: the demo's heatmap and report, and the desktop with the model's outputs.
docs: demo docs-deps
	$(PY) scripts/demo_project.py "$(DEMO_DIR)" --heatmap-png docs/heatmap.png --report-png docs/report.png
	$(PY) scripts/desktop_check.py --profile-dir "$(PROFILE_DIR)" --model --screenshot docs/desktop.png

bench: install
	$(PY) bench/bench_loadreads.py
	$(PY) bench/bench_prepare.py
	$(PY) bench/bench_compare.py
	$(PY) bench/bench_heatmap.py
	$(PY) bench/bench_summary.py --rows 100000
	$(PY) bench/bench_summary_tracks.py
	$(PY) bench/bench_postgis_load.py
	$(PY) bench/bench_scale.py --sizes 1000000,3000000

desktop-check: install
	$(PY) scripts/desktop_check.py --profile-dir "$(PROFILE_DIR)" --model --screenshot build/desktop.png

sample:
	$(PY) sample/make_sample.py

clean:
	rm -rf build dist $(VENV) .pytest_cache alpr_qgis/resources_rc.py alpr_qgis/i18n/*.qm demo-output
