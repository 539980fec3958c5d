# report-build: the development loop.
#   make pdf       build the default report's PDF (creates .venv on first use)
#   make epub      build the ePub          make all    both
#   make test      install what the tests need, then run them
#   make lint      ruff                    make clean  remove outputs
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANUSCRIPT ?= manuscript/report.md
RB := $(BIN)/report-build
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: help setup system-deps font-deps pdf print epub all test lint clean

help:
	@sed -n '2,6p' Makefile

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP) system-deps

# System packages: HarfBuzz's subsetter (font embedding), poppler (pdftotext, pdffonts for the
# tests) and a Java runtime (EPUBCheck). Installed with apt-get only when missing.
system-deps:
	@missing=""; \
	ldconfig -p | grep -q libharfbuzz-subset.so.0 || missing="$$missing libharfbuzz-subset0"; \
	command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Font subsetting library only: what a PDF build needs beyond Python packages.
font-deps:
	@ldconfig -p | grep -q libharfbuzz-subset.so.0 || { \
	  echo "installing libharfbuzz-subset0 (font subsetting)"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends libharfbuzz-subset0 >/dev/null; }

pdf: $(STAMP) font-deps
	$(RB) pdf $(MANUSCRIPT)

print: $(STAMP) font-deps
	$(RB) pdf --edition print $(MANUSCRIPT)

epub: $(STAMP)
	$(RB) epub $(MANUSCRIPT)

all: $(STAMP) font-deps
	$(RB) all $(MANUSCRIPT)

test: setup
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf output .pytest_cache .ruff_cache
