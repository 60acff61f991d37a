# make run   set up (system packages, .venv, the package) and start the app
# make test  set up and run every test, then the layering contract
# make bench set up and print the benchmark figures
# make lint  ruff and the layering contract
# make package        build the desktop bundle into dist/musicstudio/ (PyInstaller) and print its size
# make package-check  run the built bundle: startup time, open, convert, export WAV, generate with each model
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The CPU build of torch (under 1 GB); `make TORCH=torch` takes the default CUDA-enabled build. Set-up
# says which build is installed and whether this machine has a GPU it could use (packaging/torch_check.py).
TORCH  ?= torch==2.13.0
TORCH_STAMP := $(VENV)/.torch-$(shell printf '%s' '$(TORCH)' | cksum | cut -d' ' -f1)
# make bench BENCH_DEVICE=cuda runs the generation benchmarks on a GPU (default: the CPU the targets are for)
BENCH_DEVICE ?= cpu

.PHONY: setup system-deps run test bench lint clean package package-check

system-deps:
	@WITH_SOUNDFONT=$(WITH_SOUNDFONT) packaging/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# A different TORCH= installs that build over the one there (and says so).
$(TORCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet "$(TORCH)"
	rm -f $(VENV)/.torch-* && touch $@

# The polyphonic VAE's compiled loops (numba) are built here, once per install (30-45 s), and read from numba's
# disk cache after (about 2 s), so the app's first studio job does not wait for the compiler.
setup: system-deps $(STAMP) $(TORCH_STAMP)
	@$(BIN)/python packaging/torch_check.py
	@$(BIN)/python -m musicstudio.generators.vae_poly.kernel

run: WITH_SOUNDFONT = 1
run: setup
	$(BIN)/musicstudio $(ARGS)

# After a crash (the process killed by a signal), say which test was running: tests/conftest.py notes it.
test: setup
	@rm -f .pytest-running
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q || { status=$$?; \
		test ! -f .pytest-running || echo "pytest died (exit $$status) during $$(cat .pytest-running)"; exit $$status; }
	$(BIN)/lint-imports

# Two benchmarks read held-out tunes from built corpora (the transcriber's melodies, the saliency view's seed):
# a fresh machine builds them first, once, as the model pages say (the full corpus took 12.5 minutes on a 2-core
# machine; the clean one reads two of its five collections).
CORPUS       := cache/corpus/manifest.json
CLEAN_CORPUS := cache/corpus-clean/manifest.json
$(CORPUS): | $(STAMP)
	$(BIN)/musicstudio corpus build --quiet
$(CLEAN_CORPUS): | $(STAMP)
	$(BIN)/musicstudio corpus build --quiet --collections oneills1850,ryansMammoth --cache cache/corpus-clean

bench: setup $(CORPUS) $(CLEAN_CORPUS)
	QT_QPA_PLATFORM=offscreen MUSICSTUDIO_BENCH_DEVICE=$(BENCH_DEVICE) $(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check musicstudio tests benchmarks
	$(BIN)/lint-imports

PKG_STAMP := $(VENV)/.installed-package
$(PKG_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[package]'
	touch $@

package: setup $(PKG_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/musicstudio.spec
	@echo "bundle: dist/musicstudio, $$(du -sh dist/musicstudio | cut -f1) ($$(find dist/musicstudio -type f | wc -l) files)"
	@dist/musicstudio/musicstudio --version > dist/musicstudio/ABOUT.txt && \
		echo "bundle carries: $$(grep '^torch' dist/musicstudio/ABOUT.txt) (dist/musicstudio/ABOUT.txt)"

package-check: setup
	@test -x dist/musicstudio/musicstudio || $(MAKE) package
	$(BIN)/python packaging/check_bundle.py dist/musicstudio

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
