# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= ../shared/corpus
OUT    ?= demo
DB     ?= $(OUT)/allegiance.duckdb

.PHONY: install browser demo test bench stress models clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $@

install: $(VENV)/.installed

# Exit code 2 from ingest means "some inputs failed, the rest are stored": the demo goes on.
demo: install
	@mkdir -p $(OUT)
	@$(BIN)/allegiance ingest $(CORPUS) --db $(DB); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 2 ]
	@$(BIN)/allegiance export articles --db $(DB) -o $(OUT)/articles.jsonl
	@$(BIN)/allegiance export mentions --db $(DB) -o $(OUT)/mentions.jsonl
	@$(BIN)/allegiance export events --db $(DB) -o $(OUT)/events.jsonl
	@$(BIN)/allegiance export quotes --db $(DB) -o $(OUT)/quotes.jsonl
	@$(BIN)/allegiance export claims --db $(DB) -o $(OUT)/claims.jsonl
	@$(BIN)/allegiance report --db $(DB) -o $(OUT)/report.html > /dev/null
	@$(BIN)/allegiance report --db $(DB) -f md -o $(OUT)/report.md > /dev/null
	@echo ""
	@echo "Demo outputs:"
	@echo "  database  $(abspath $(DB))"
	@echo "  articles  $(abspath $(OUT)/articles.jsonl)"
	@echo "  mentions  $(abspath $(OUT)/mentions.jsonl)"
	@echo "  events    $(abspath $(OUT)/events.jsonl)"
	@echo "  quotes    $(abspath $(OUT)/quotes.jsonl)"
	@echo "  claims    $(abspath $(OUT)/claims.jsonl)"
	@echo "  report    $(abspath $(OUT)/report.html)  (and report.md)"
	@echo ""
	@echo "Dashboard and JSON API:  $(BIN)/allegiance serve --db $(abspath $(DB))"
	@echo "  then open http://127.0.0.1:8000/  (API documentation: http://127.0.0.1:8000/docs)"

# The report test drives Debian's Chromium through Playwright (which never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "make test needs Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# Unused names and unsorted imports fail the build before the suite runs (`ruff`, pyflakes rules only).
# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
test: install browser
	@$(BIN)/ruff check --quiet --select F,I src tests scripts
	@$(BIN)/pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Retrain the shipped event models on the shared gold (fixed seeds: the same gold gives the same files).
models: install
	$(BIN)/allegiance train

bench: install
	@mkdir -p $(OUT)
	$(BIN)/python scripts/bench_ingest.py
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_scale.py
	$(BIN)/python scripts/bench_serve.py --json $(OUT)/bench-serve.json

# The long reliability runs (docs/reliability.md): 10,000 fuzzed documents, 20 SIGKILLs of a real ingest, and
# a 1 GB file, a 10^6-line JSONL and 100k files ingested with their peak memory measured, and extraction time
# against article length (14k to 203k characters). Figures in $(OUT)/stress-*.json.
stress: install
	@mkdir -p $(OUT)
	ALLEGIANCE_FUZZ_SCALE=27 ALLEGIANCE_FUZZ_REPORT=$(OUT)/stress-fuzz.json $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py
	ALLEGIANCE_CRASH_KILLS=20 ALLEGIANCE_CRASH_REPORT=$(OUT)/stress-crash.json $(BIN)/pytest -q -p no:cacheprovider tests/test_crash.py
	$(BIN)/python scripts/stress_resources.py --json $(OUT)/stress-resources.json
	$(BIN)/python scripts/bench_length.py --json $(OUT)/stress-length.json

clean:
	rm -rf $(OUT) .pytest_cache
