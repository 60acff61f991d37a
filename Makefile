# make run   set up (system packages, .venv, the package) and start the app
# make test  set up and run every test, then the layering contract
# make bench set up and print the benchmark figures
# make lint  ruff and the layering contract
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The CPU build of torch (under 1 GB); `make TORCH=torch` takes the default CUDA-enabled build.
TORCH  ?= torch==2.13.0

.PHONY: setup system-deps run test bench lint clean

system-deps:
	@WITH_SOUNDFONT=$(WITH_SOUNDFONT) packaging/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: system-deps $(STAMP)

run: WITH_SOUNDFONT = 1
run: setup
	$(BIN)/musicstudio $(ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q
	$(BIN)/lint-imports

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check musicstudio tests benchmarks
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
