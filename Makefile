# SoScience: `make run` serves the site with demo data, `make test` runs the whole suite.
# Both work on a fresh machine: they install what they need, then skip it while nothing
# changed (stamps named after the content of pyproject.toml and package.json).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
export PORT

PY_HASH := $(shell sha256sum pyproject.toml | cut -c1-12)
JS_HASH := $(shell sha256sum package.json | cut -c1-12)
RUN_STAMP := $(VENV)/.installed-run-$(PY_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(PY_HASH)
NPM_STAMP := node_modules/.installed-$(JS_HASH)
HTMX := var/assets/vendor/htmx.min.js

# What the tests need from Debian: the PostgreSQL server, the browser, msgfmt, WeasyPrint's
# libraries and fonts, and pdftotext for PDF tests.
TEST_DEBIAN_PACKAGES := postgresql chromium gettext libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 fonts-dejavu-core poppler-utils
# What `make run` needs from Debian: WeasyPrint's libraries and a font (PDF certificates and
# reports). Without them (and without root to install them) the rest of the site still runs.
RUN_DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# makemessages and compilemessages must not walk into installed packages.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=.git --ignore=.pgtest \
	--ignore=tests

.PHONY: help run test bench lint fmt messages clean assets translations debian-test-packages \
	debian-run-packages audit backup restore bench-national bench-load cluster-demo \
	bench-weight bench-lighthouse

help:
	@echo "make run       install, migrate, load demo data, serve http://127.0.0.1:$(PORT) with the task worker"
	@echo "make test      install test tools, run the suite on SQLite, on PostgreSQL, then the browser tests"
	@echo "make bench     run the benchmarks and print their figures: matching (100,000 volunteers); platform (outbox,"
	@echo "               impact figures, exports); pages at the small size on PostgreSQL; load (gunicorn + wrk);"
	@echo "               page weight and Lighthouse"
	@echo "make bench-national  the pages at the national size (500,000 volunteers; generated once into var/bench-pg)"
	@echo "make bench-load      throughput under load only: gunicorn + wrk, the floor is a trivial view"
	@echo "make bench-weight    page weight of the main pages in Chromium (var/bench/weight.json)"
	@echo "make bench-lighthouse  Lighthouse on the public pages (var/bench/lighthouse/)"
	@echo "make cluster-demo    production shape on one machine: 2 app servers behind nginx, 2 workers, shared media; no mail twice"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make audit     bandit, pip-audit (where its data is reachable) and the SBOM var/sbom.json"
	@echo "make fmt       fix what ruff can and format the code"
	@echo "make backup    back up the database and the uploaded files into var/backups/<UTC time>/"
	@echo "make restore BACKUP=var/backups/<time>  restore one (FORCE=1 to replace a database that is not empty)"
	@echo "make messages  update the French and English catalogues (soscience/locale)"
	@echo "make assets    install the front-end packages and copy them into var/assets (for collectstatic)"
	@echo "make clean     remove .venv, node_modules and built files (keeps var/db.sqlite3 and var/media)"

run: debian-run-packages $(RUN_STAMP) $(HTMX) translations
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo_data
	scripts/run.sh

test: debian-test-packages $(TEST_STAMP) $(HTMX) translations
	scripts/test.sh

bench: debian-test-packages $(TEST_STAMP) $(NPM_STAMP) $(HTMX) translations
	bench/run.sh

bench-national: debian-test-packages $(TEST_STAMP) $(HTMX) translations
	bench/pages.sh national

bench-load: debian-test-packages $(TEST_STAMP) $(HTMX) translations
	bench/load.sh

cluster-demo: debian-test-packages $(TEST_STAMP) $(HTMX) translations
	bench/cluster_demo.sh

# Page weight and Lighthouse (docs/performance.md): Debian's Chromium (in the test packages),
# Lighthouse and htmx from npm, the catalogues compiled (the pages are weighed in French).
bench-weight: debian-test-packages $(TEST_STAMP) $(HTMX) translations
	$(PY) bench/weight.py

bench-lighthouse: debian-test-packages $(TEST_STAMP) $(NPM_STAMP) $(HTMX) translations
	bench/lighthouse.sh

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Supply chain (docs/supply-chain.md): bandit must be clean (exceptions justified in place with
# # nosec), pip-audit fails on a known vulnerability and skips without its data, and a
# CycloneDX SBOM of the installed environment is written to var/sbom.json.
audit: $(TEST_STAMP)
	$(VENV)/bin/bandit -c pyproject.toml -r soscience --quiet --severity-level low
	@echo "bandit: no issue in soscience/"
	$(PY) scripts/pip_audit.py
	@mkdir -p var
	$(VENV)/bin/cyclonedx-py environment --pyproject pyproject.toml --of JSON \
		--output-reproducible -o var/sbom.json $(VENV)
	@echo "SBOM (CycloneDX JSON): var/sbom.json"

# Backups (docs/operations.md): the database with its own tool and MEDIA_ROOT, checked by a
# manifest. A restore checks the checksums first and refuses a database that is not empty
# unless FORCE=1.
backup: $(RUN_STAMP)
	$(MANAGE) backup

restore: $(RUN_STAMP)
	@if [ -z "$(BACKUP)" ]; then \
		echo "Say which backup: make restore BACKUP=var/backups/<time> (FORCE=1 to replace a database that is not empty)"; \
		exit 2; \
	fi
	$(MANAGE) restore "$(BACKUP)" $(if $(filter 1 yes true,$(FORCE)),--force)

fmt: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(RUN_STAMP)
	@command -v msgfmt >/dev/null || scripts/system_packages.sh gettext
	mkdir -p soscience/locale
	$(MANAGE) makemessages -l fr -l en --no-obsolete $(I18N_IGNORE)

clean:
	rm -rf $(VENV) node_modules var/assets var/static .pgtest test-results .ruff_cache
	find . -path ./.git -prune -o \( -name __pycache__ -o -name '*.mo' \) -print0 \
		| xargs -0 rm -rf

# --- installation -------------------------------------------------------------------------

# The test extra includes everything `make run` needs, so a test install serves both.
$(RUN_STAMP):
	@scripts/ensure_venv.sh $(VENV)
	@if [ -e $(TEST_STAMP) ]; then exit 0; fi; \
		echo "Installing SoScience and its dependencies into $(VENV)..."; \
		$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(TEST_STAMP):
	@scripts/ensure_venv.sh $(VENV)
	@echo "Installing SoScience with its test tools into $(VENV)..."
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-test-*
	@touch $@

# Versions are pinned in package.json; no lock file is written (it would record registry
# addresses, which are never committed).
$(NPM_STAMP):
	@command -v npm >/dev/null || scripts/system_packages.sh nodejs npm
	@echo "Installing front-end packages (package.json)..."
	npm install --no-audit --no-fund --no-package-lock --no-update-notifier --loglevel=error
	@rm -f node_modules/.installed-*
	@touch $@

assets: $(HTMX)

$(HTMX): $(NPM_STAMP)
	mkdir -p $(dir $@) var/static
	cp node_modules/htmx.org/dist/htmx.min.js $@

# .mo files are built, not committed. compilemessages skips catalogues already up to date.
translations: $(RUN_STAMP)
	@if ! find soscience -name '*.po' -path '*/LC_MESSAGES/*' | grep -q .; then \
		echo "No translation catalogues yet (make messages creates them)."; \
	elif ! command -v msgfmt >/dev/null && [ "$$(id -u)" -ne 0 ]; then \
		echo "msgfmt not found: pages stay in English. Install gettext: sudo apt-get install gettext"; \
	else \
		command -v msgfmt >/dev/null || scripts/system_packages.sh gettext; \
		$(MANAGE) compilemessages -v 0 $(I18N_IGNORE) \
			|| $(MANAGE) compilemessages $(I18N_IGNORE); \
	fi

debian-test-packages:
	@scripts/system_packages.sh $(TEST_DEBIAN_PACKAGES)

debian-run-packages:
	@scripts/system_packages.sh $(RUN_DEBIAN_PACKAGES) \
		|| echo "(Without them PDF certificates and reports cannot be made; the rest of the site works.)"
