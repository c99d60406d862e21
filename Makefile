# The two commands of the README: `make demo` and `make test`. Both build .venv/ themselves.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean browser

$(STAMP): pyproject.toml scripts/find-python
	@test -x $(PY) || { python=$$(scripts/find-python) || exit 1; echo "creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@$(MAKE) --no-print-directory browser
	@touch $(STAMP)

# Debian's chromium for the report browser test (tests/report/test_browser.py); playwright never downloads one.
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && { echo "installing chromium for the report browser test"; \
	       apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium not installed: the report browser tests will be skipped"; }

# The demo, then the night: load the scenario's watchlists and run detect twice (the second finds nothing new).
LG := $(VENV)/bin/linkgraph --store demo-out/store
demo: $(STAMP)
	@$(VENV)/bin/linkgraph demo -o demo-out
	@echo; echo "the night: watchlists, then detect twice (the second run finds nothing new)"
	@$(LG) watchlist load demo-out/data/watchlists/sltd.csv --kind documents --mapping sltd-csv --name sltd
	@$(LG) watchlist load demo-out/data/watchlists/notices.csv --kind persons --mapping notices-csv --name notices
	@$(LG) detect --out demo-out/alerts
	@$(LG) detect --out demo-out/alerts
	@echo "open the newest demo-out/alerts/alerts-*.html in a browser: the alert summary (offline)"

# Two workers (pytest-xdist) on the 2-core machines, each with its own Neo4j: 9 to 13 minutes for 1,597 tests
# (December 2026, as busy as the shared machine was; `--durations=40` shows no test above 30 s).
test: $(STAMP)
	@$(PY) -m pytest -q -p no:cacheprovider -n auto --maxprocesses 4 tests

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-out linkgraph-data bench-out
