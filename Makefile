# Voorproef: `make run` serves the demo essay; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode compiled when installed, not at each start: where Python may not write it (a
# read-only install, PYTHONDONTWRITEBYTECODE) every process compiled some 1,800 modules when it
# started, 3.8 against 1.5 s before Django is ready (README, Operations).
export UV_COMPILE_BYTECODE := 1

.PHONY: install run serve test lint check browser nginx wrk system messages bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock Makefile | $(BIN)/uv
	$(BIN)/uv sync --frozen --quiet
	touch $@

# Translations are compiled in the build; only the .po files are kept in git.
messages: $(VENV)/.synced
	@cd voorproef && ../$(BIN)/python ../manage.py compilemessages -v0

# Pango for WeasyPrint's PDFs and HarfBuzz's subsetter for their fonts, from Debian when they
# are missing and we may install them. Without the subsetter WeasyPrint subsets with fontTools,
# ten times slower (195 against 20 ms a personal copy): a warning, not a stop.
SYSTEM_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $(SYSTEM_PACKAGES) >/dev/null; \
	  elif ! ldconfig -p | grep -q libpangoft2-1.0; then \
	    echo "Install Pango (apt-get install $(SYSTEM_PACKAGES))." >&2; exit 1; \
	  else echo "Install HarfBuzz's subsetter (apt-get install libharfbuzz-subset0):" \
	    "without it each personal PDF takes ten times as long." >&2; fi; \
	fi

install: system $(VENV)/.synced messages
	@$(BIN)/python -m compileall -q voorproef

run: install
	$(BIN)/python manage.py run

serve: install
	DEBUG=0 $(BIN)/python manage.py run --production

# Debian's Chromium for the browser tests; Playwright's own browser downloads are not used.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (apt-get install chromium) to run the browser tests." >&2; exit 1; fi; \
	fi

# Debian's nginx, to test the shipped config (deploy/nginx/) in front of the app; wrk for the
# load scenarios of `make bench`.
nginx:
	@if [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl >/dev/null; \
	  else echo "Install Debian's nginx (apt-get install nginx-light) to run the deploy tests." >&2; exit 1; fi; \
	fi

wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install wrk (apt-get install wrk) to run the benchmark." >&2; exit 1; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run -v1

# pytest imports the settings without manage.py: var/test's secret and folders come first.
test: install browser nginx lint check
	VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m voorproef.core.bootstrap
	VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

# Measurements, not tests: see bench/. Results land in var/bench/.
bench: install nginx wrk
	VAR_DIR=$(CURDIR)/var/bench-run $(BIN)/python -m voorproef.core.bootstrap
	VAR_DIR=$(CURDIR)/var/bench-run $(BIN)/python bench/stamp.py
	VAR_DIR=$(CURDIR)/var/bench-run $(BIN)/python bench/enumeration.py
	VAR_DIR=$(CURDIR)/var/bench-run $(BIN)/python bench/webhooks.py
	$(BIN)/python bench/wordpress_import.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var/test var/static var/cache
