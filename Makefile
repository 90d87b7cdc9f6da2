# Classification Guard - everything a fresh Debian 12 (or 13) machine needs is installed from here.
#   make run                QGIS with the plugin and the demo project (under Xvfb when there is no display)
#   make test               unit, pytest-qgis and end-to-end rings on every QGIS of the matrix
#   make test QGIS=3.40     the same on one version (3.22, 3.40 or 3.44)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PLUGIN   := classification_plugin
VERSION  := $(shell sed -n 's/^version=//p' metadata.txt)
ZIP      := dist/$(PLUGIN)-$(VERSION).zip
VENV     ?= .venv
PY       := $(VENV)/bin/python
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LRELEASE := $(shell command -v lrelease 2>/dev/null || echo /usr/lib/qt5/bin/lrelease)
APT_PACKAGES := qgis qgis-providers python3-qgis python3-pyqt5 python3-venv xvfb xauth \
                qttools5-dev-tools postgresql fonts-wqy-microhei python3-pil
# only for the tests: QGIS Server, a real OGC client, nginx + spawn-fcgi to deploy it as users do,
# and PostGIS for the PostgreSQL tables whose labels QGIS keeps in their database
TEST_APT_PACKAGES := qgis-server python3-owslib nginx spawn-fcgi postgresql-postgis
# The version matrix: each QGIS is the one a Debian release ships. The release this machine runs
# is tested here; the others in a chroot built once under build/chroots (scripts/qgis_chroot.sh).
SUITE_3.22 := bookworm
SUITE_3.40 := trixie
SUITE_3.44 := sid
MATRIX     := 3.22 3.40 3.44
QGIS       ?= $(MATRIX)
HOST_SUITE := $(shell . /etc/os-release 2>/dev/null; echo $${VERSION_CODENAME:-sid})
# Debian 12's shapely is 1.8: pinned shapely 2 and numpy < 2 (its GDAL is built against numpy 1)
# come from pip there. Debian 13 and later ship shapely 2 and the numpy their GDAL is built
# against: those are used, and pip adds only the test tools.
ifeq ($(HOST_SUITE),bookworm)
RUNTIME_REQUIREMENTS := -r requirements.txt
else
APT_PACKAGES += python3-shapely python3-numpy
RUNTIME_REQUIREMENTS :=
endif
# make deploy: the QGIS profile to install into (QGIS's own default unless overridden)
QGIS_PROFILES ?= $(HOME)/.local/share/QGIS/QGIS3/profiles
PROFILE       ?= default
# make run: a private QGIS folder, so the user's own profile is left alone unless RUN_QGIS_DIR is set
RUN_QGIS_DIR  ?= $(CURDIR)/build/run-qgis
# pyproj (3.7, Debian 13+) looks for its data under sys.prefix, which in a venv is not /usr
PYTEST_ENV    := QT_QPA_PLATFORM=offscreen QGIS_AUTH_DB_DIR_PATH=$(CURDIR)/build/qgis-auth \
                 $(if $(wildcard /usr/share/proj/proj.db),PROJ_DATA=/usr/share/proj)

.PHONY: help deps test-deps venv i18n package deploy run demo test rings test-unit test-qgis test-e2e lint bench screenshots clean
# (test-qgis-VERSION and chroot-VERSION are pattern rules: make skips those for .PHONY names)

help:
	@echo "make run      start QGIS with the plugin and a demo project"
	@echo "make test     run all three test rings on QGIS $(MATRIX) (installs what is missing)"
	@echo "              make test QGIS=3.40: on one version only"
	@echo "make package  build $(ZIP) for QGIS's 'Install from ZIP'"
	@echo "make deploy   install into the QGIS profile PROFILE=$(PROFILE)"
	@echo "make lint     ruff and flake8-qgis"
	@echo "make bench    benchmarks, side by side with QGIS's own tools"

# System packages: installed only when missing (sudo when not root).
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# nginx is only the tests' proxy: its install must not start it as this machine's web server, so
# services stay off while these install (policy-rc.d, unless the machine has one of its own)
test-deps: | deps
	@missing=$$(for p in $(TEST_APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:" $$missing; \
	  created=""; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null; $(SUDO) chmod +x /usr/sbin/policy-rc.d; created=1; fi; \
	  status=0; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $$missing || status=$$?; \
	  if [ -n "$$created" ]; then $(SUDO) rm -f /usr/sbin/policy-rc.d; fi; exit $$status; \
	fi

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt | deps
	test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(RUNTIME_REQUIREMENTS) -r requirements-dev.txt
	touch $@

i18n: | deps
	@for ts in i18n/*.ts; do $(LRELEASE) -silent $$ts -qm $${ts%.ts}.qm; done

package: i18n
	rm -rf build/package && mkdir -p build/package/$(PLUGIN) dist
	cp -r $(PLUGIN)/. build/package/$(PLUGIN)/
	cp -r metadata.txt resources build/package/$(PLUGIN)/
	mkdir -p build/package/$(PLUGIN)/i18n && cp i18n/*.qm i18n/*.ts build/package/$(PLUGIN)/i18n/
	cp LICENSE README.md build/package/$(PLUGIN)/
	find build/package -name __pycache__ -prune -exec rm -rf {} +
	rm -f $(ZIP) && cd build/package && /usr/bin/python3 -m zipfile -c ../../$(ZIP) $(PLUGIN)
	@echo "Built $(ZIP)"

deploy: package
	mkdir -p "$(QGIS_PROFILES)/$(PROFILE)/python/plugins"
	rm -rf "$(QGIS_PROFILES)/$(PROFILE)/python/plugins/$(PLUGIN)"
	cd "$(QGIS_PROFILES)/$(PROFILE)/python/plugins" && /usr/bin/python3 -m zipfile -e $(CURDIR)/$(ZIP) .
	/usr/bin/python3 scripts/enable_plugin.py "$(QGIS_PROFILES)/$(PROFILE)" $(PLUGIN)
	@echo "Installed into $(QGIS_PROFILES)/$(PROFILE)"

demo: venv
	$(PYTEST_ENV) $(PY) scripts/make_demo.py build/demo

run: venv demo
	$(MAKE) --no-print-directory deploy QGIS_PROFILES=$(RUN_QGIS_DIR)/profiles PROFILE=default
	$(PY) scripts/run_qgis.py --profiles "$(RUN_QGIS_DIR)" --project build/demo/demo.qgz

# The matrix: every version is run even when an earlier one failed; the summary says which failed.
test:
	@failed=""; summary=""; for version in $(QGIS); do \
	  start=$$(date +%s); \
	  if $(MAKE) --no-print-directory test-qgis-$$version; then result=passed; else result=FAILED; failed="$$failed $$version"; fi; \
	  summary="$$summary== QGIS $$version: $$result in $$(( $$(date +%s) - start )) s\n"; \
	done; \
	printf "$$summary"; \
	if [ -n "$$failed" ]; then echo "== the matrix failed on QGIS$$failed"; exit 1; fi

# One version: here when this machine's Debian ships it, else in that release's chroot.
test-qgis-%:
	@suite="$(SUITE_$*)"; [ -n "$$suite" ] || { echo "unknown QGIS version $* (the matrix: $(MATRIX))"; exit 2; }; \
	if [ "$$suite" = "$(HOST_SUITE)" ]; then \
	  $(MAKE) --no-print-directory rings; \
	else \
	  $(MAKE) --no-print-directory chroot-$*; \
	  scripts/qgis_chroot.sh run "$$suite" "build/chroots/$$suite" make --no-print-directory rings VENV=build/venv-$$suite; \
	fi

chroot-%: | deps
	@command -v mmdebstrap >/dev/null || { $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends mmdebstrap; }
	scripts/qgis_chroot.sh build "$(SUITE_$*)" "build/chroots/$(SUITE_$*)"

# The three rings on the QGIS of the machine (or chroot) they run on.
rings: venv package test-deps
	@echo "== QGIS $$(/usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null) on $$(. /etc/os-release; echo $$PRETTY_NAME)"
	$(MAKE) --no-print-directory -k test-unit test-qgis test-e2e

test-unit: venv
	$(PY) -m pytest -p no:qgis -p no:cacheprovider tests/unit

test-qgis: venv
	mkdir -p build/qgis-auth
	$(PYTEST_ENV) $(PY) -m pytest -p no:cacheprovider tests/qgis

test-e2e: venv package test-deps
	$(PY) -m pytest -p no:qgis -p no:cacheprovider tests/e2e

lint: venv
	$(VENV)/bin/ruff check $(PLUGIN) tests scripts bench
	$(VENV)/bin/flake8 --select=QGS $(PLUGIN)

bench: venv package
	$(PYTEST_ENV) $(PY) bench/run_all.py $(BENCH)

# README images: copied from what the end-to-end tests and make run last saved
SCREENSHOTS := labels/classify_dialog labels/classification_panel labels/labelled_secret mandatory/options_page \
               chinese/chinese_ui protected/protected_warning access_log/access_log_main_window
screenshots:
	mkdir -p docs/screenshots
	for shot in $(SCREENSHOTS); do cp tests/e2e/output/$$shot.png docs/screenshots/; done
	cp build/screenshots/make_run.png docs/screenshots/demo_project.png

clean:
	rm -rf build dist i18n/*.qm
