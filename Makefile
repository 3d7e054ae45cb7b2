# make setup: .venv with the package and its extras; Debian packages when run as root.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXTRAS ?= server,dev,ray,trl
DEBS := bubblewrap chromium fonts-liberation2 fonts-noto-cjk fonts-dejavu-core texlive-latex-base \
        texlive-latex-recommended texlive-latex-extra poppler-utils
STAMP := $(VENV)/.setup-done
# torch==2.13.0 (the trl extra) comes from the CPU wheel on disk where the machine has one.
PIP_FLAGS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  command -v npm >/dev/null || missing="$$missing npm"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  fi; \
	else echo "not root: skipping Debian packages ($(DEBS))"; fi
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(PIP_FLAGS) -e ".[$(EXTRAS)]"
	$(BIN)/visual-erm setup
	touch $(STAMP)

demo: setup
	$(BIN)/visual-erm demo --out demo-out

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python benchmarks/render_throughput.py
	$(BIN)/python benchmarks/judge_speed.py
	$(BIN)/python benchmarks/server_load.py
	$(BIN)/visual-erm bench build --task chart --out bench-out/chart --n 40 --seed 0
	$(BIN)/visual-erm bench build --task svg --out bench-out/svg --n 40 --seed 0
	$(BIN)/visual-erm bench build --task table --out bench-out/table --n 24 --seed 0
	$(BIN)/visual-erm bench run bench-out/chart --judge embedded --judge ssim --judge mse --judge edge_iou --judge ocr_f1
	$(BIN)/visual-erm bench run bench-out/svg --judge embedded --judge ssim --judge mse --judge edge_iou
	$(BIN)/visual-erm bench run bench-out/table --judge embedded --judge ssim --judge mse --judge edge_iou --judge teds --judge teds_s

clean:
	rm -rf $(VENV) demo-out bench-out .pytest_cache
