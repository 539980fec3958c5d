# report-build: the development loop.
#   make preview    the report live in the browser (http://127.0.0.1:8000/), rebuilt on every save
#   make pdf        the screen PDF of $(MANUSCRIPT) (creates .venv on first use)
#   make print      the print PDF (PDF/X-4, bleed, crop marks)
#   make epub       the ePub                 make all     PDF, ePub and web edition
#   make web        the web edition (output/web/; WEB_DIR to change)
#   make brief      the policy brief (--profile brief: content-hidden when-profile="brief" left out), as a PDF
#   make docx       the Word edition (for reviewers; `report-build docx --changes-since 1.0` for a redline)
#   make check      validate the latest outputs (EPUBCheck, Ace, PDF structure)
#   make release    file PDF, ePub and web edition as an immutable release with a downloads page
#   make fetch      download the manuscript's remote images (the only step using the network)
#   make watch      rebuild the PDF on every save
#   make test       install what the tests need, then run them
#   make test-fast  the fast tests only: no PDF layout, Java, browser or subprocess build (under 20 s)
#   make new DIR=../my-report [TITLE="..."] [LANGUAGE=ar]   start a new report in a new folder
#   make wheel-check  build the wheel and sdist, install the wheel elsewhere, build reports with it
#   make lint       ruff                     make clean   remove outputs
#   make bench      the speed benchmark (see docs/performance.md)
#   make corpus     build and check every real-world document of ../shared/realworld, as a table
#   make pdf TRANSLATION=ar   any build target, for the edition translated by translations/ar.po
#   make all-editions  every edition the front matter's languages lists; make translate-status  how complete
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
MANUSCRIPT ?= manuscript/report.md
RB := $(BIN)/report-build
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

STAMPS ?= output/.stamps
# A translated edition (translations/$(TRANSLATION).po beside the manuscript): `make pdf TRANSLATION=ar`.
TRANSLATION ?=
LANG_FLAG := $(if $(TRANSLATION),--language $(TRANSLATION))
KEY := $(subst /,_,$(MANUSCRIPT))$(if $(TRANSLATION),-$(TRANSLATION))
# Every input of a build, so that `make pdf` with nothing changed does nothing: the source files the
# last build read (REPORT_SOURCES, written by its --depfile: manuscript, chapters, includes, variables,
# bibliography, catalogs, chart specs and data, images, layout overrides, the list release fingerprints),
# else, before a first build, every file beside the manuscript; and the tool's own files.
DEPFILE := $(STAMPS)/$(KEY).sources.mk
-include $(DEPFILE)
REPORT_SOURCES ?= $(shell find $(dir $(MANUSCRIPT)) -type f -not -path '*/output/*' 2>/dev/null)
INPUTS := $(REPORT_SOURCES) $(shell find layouts src -type f -not -path '*/__pycache__/*' \
            -not -path '*.egg-info/*' 2>/dev/null) pyproject.toml
# A stamp records the path it built; when that file has gone, the stamp is out of date.
missing = $(if $(wildcard $(shell cat $(1) 2>/dev/null)),,FORCE)

.PHONY: help setup system-deps font-deps ace-deps web-check-deps pdf print epub brief web all all-editions check \
        translate-status \
        release watch fetch test test-fast new wheel-check lint clean bench bench-deps corpus docx docx-check-deps FORCE

help:
	@sed -n '2,20p' Makefile

$(VENV_STAMP): pyproject.toml setup.py src/report_build/__init__.py src/report_build/version.py  # packaging and the version
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(VENV_STAMP)

# The package's bytecode, compiled as pip compiles an installed package's: an editable install
# leaves it to Python, which cannot keep it where PYTHONDONTWRITEBYTECODE is set, and every command
# would then compile the package anew (0.15 s before a build starts). Recompiled when a file changes.
# The default layouts' templates are compiled with it (theme.keep_installed: a tenth of a second).
BYTECODE := $(VENV)/.bytecode
$(BYTECODE): $(shell find src/report_build -name '*.py' 2>/dev/null) $(shell find layouts -name '*.html' -o -name '*.xhtml' -o -name '*.xml' -o -name '*.jinja' 2>/dev/null) | $(VENV_STAMP)
	@$(BIN)/python -m compileall -q src/report_build
	@$(BIN)/python -c 'from report_build.theme import keep_installed; keep_installed()'
	@touch $@
# What every command needs: the virtual environment, with the package's bytecode.
TOOL := $(VENV_STAMP) $(BYTECODE)

WEB_DIR ?= output/web$(if $(TRANSLATION),/$(TRANSLATION))

setup: $(TOOL) system-deps ace-deps web-check-deps

# The fonts of the layouts' fallback chain (layouts/fonts/fallback.yaml), one family per writing
# system: Noto for every script, CJK and colour emoji, found through fontconfig. A package is
# missing when fontconfig knows none of its families.
FONT_PACKAGES = \
	command -v fc-list >/dev/null || missing="$$missing fontconfig"; \
	fc-list -q "Noto Serif Devanagari" 2>/dev/null || missing="$$missing fonts-noto-core"; \
	fc-list -q "Noto Serif CJK SC" 2>/dev/null || missing="$$missing fonts-noto-cjk"; \
	fc-list -q "Noto Color Emoji" 2>/dev/null || missing="$$missing fonts-noto-color-emoji";

# System packages: HarfBuzz's subsetter (font embedding), the fallback fonts, poppler (pdftotext,
# pdffonts for the tests), qpdf (`qpdf --check` on the real-world documents' PDFs), a Java
# runtime (EPUBCheck), Cairo (CairoSVG draws the PNG fallbacks of SVG figures in the Word
# edition) and gettext (`msgfmt --check` on the translation catalogs, as Poedit-style tools read
# them). Installed with apt-get only when missing.
system-deps:
	@missing=""; \
	ldconfig -p | grep -q libharfbuzz-subset.so.0 || missing="$$missing libharfbuzz-subset0"; \
	$(FONT_PACKAGES) \
	command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	ldconfig -p | grep -q libcairo.so.2 || missing="$$missing libcairo2"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# What a PDF build needs beyond Python packages: the font subsetting library and the fallback fonts.
font-deps:
	@missing=""; \
	ldconfig -p | grep -q libharfbuzz-subset.so.0 || missing="$$missing libharfbuzz-subset0"; \
	$(FONT_PACKAGES) \
	if [ -n "$$missing" ]; then \
	  echo "installing fonts and font subsetting:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# DAISY Ace, the EPUB accessibility checker: Debian's Chromium, and the npm packages pinned in
# tools/ace/package-lock.json, without puppeteer's own browser download (it fails here; puppeteer
# starts /usr/bin/chromium through tools/ace/chromium-no-sandbox instead). Chromium only when it
# is missing; npm ci only when node_modules is missing or older than the lock file.
ace-deps:
	@test -x /usr/bin/chromium || { \
	  echo "installing chromium (for DAISY Ace)"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends chromium >/dev/null; }
	@test tools/ace/node_modules/.package-lock.json -nt tools/ace/package-lock.json || { \
	  echo "installing DAISY Ace (npm ci in tools/ace)"; \
	  cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; }

# The web edition's browser checks (tests/checks): axe-core and puppeteer-core, pinned in
# tools/web-check/package-lock.json, driving Debian's Chromium (installed by ace-deps).
web-check-deps: ace-deps
	@test tools/web-check/node_modules/.package-lock.json -nt tools/web-check/package-lock.json || { \
	  echo "installing the web edition's browser checks (npm ci in tools/web-check)"; \
	  cd tools/web-check && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; }

$(STAMPS)/$(KEY).pdf: $(INPUTS) $(call missing,$(STAMPS)/$(KEY).pdf) | $(TOOL) font-deps
	@mkdir -p $(STAMPS)
	$(RB) pdf --depfile $(DEPFILE) $(MANUSCRIPT) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

$(STAMPS)/$(KEY).print: $(INPUTS) $(call missing,$(STAMPS)/$(KEY).print) | $(TOOL) font-deps
	@mkdir -p $(STAMPS)
	$(RB) pdf --depfile $(DEPFILE) --edition print $(MANUSCRIPT) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

$(STAMPS)/$(KEY).epub: $(INPUTS) $(call missing,$(STAMPS)/$(KEY).epub) | $(TOOL) font-deps
	@mkdir -p $(STAMPS)
	$(RB) epub --depfile $(DEPFILE) $(MANUSCRIPT) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

# The web edition offers the PDF and ePub of the same version, so it is built after them.
$(STAMPS)/$(KEY).web: $(INPUTS) $(STAMPS)/$(KEY).pdf $(STAMPS)/$(KEY).epub $(call missing,$(STAMPS)/$(KEY).web) | $(TOOL)
	@mkdir -p $(STAMPS)
	$(RB) web --depfile $(DEPFILE) $(MANUSCRIPT) -o $(WEB_DIR) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

$(STAMPS)/$(KEY).brief: $(INPUTS) $(call missing,$(STAMPS)/$(KEY).brief) | $(TOOL) font-deps
	@mkdir -p $(STAMPS)
	$(RB) pdf --depfile $(DEPFILE) --profile brief $(MANUSCRIPT) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

pdf: $(STAMPS)/$(KEY).pdf
	@cat $<

print: $(STAMPS)/$(KEY).print
	@cat $<

epub: $(STAMPS)/$(KEY).epub
	@cat $<

web: $(STAMPS)/$(KEY).web
	@cat $<

brief: $(STAMPS)/$(KEY).brief
	@cat $<

$(STAMPS)/$(KEY).docx: $(INPUTS) $(call missing,$(STAMPS)/$(KEY).docx) | $(TOOL)
	@mkdir -p $(STAMPS)
	$(RB) docx --depfile $(DEPFILE) $(MANUSCRIPT) $(LANG_FLAG) > $@.tmp && mv $@.tmp $@

docx: $(STAMPS)/$(KEY).docx
	@cat $<

# Optional, not part of setup (about 85 MB to download, 250 MB installed): LibreOffice, with which
# tests/writers/test_docx.py also converts the Word edition to PDF (the test skips without it).
docx-check-deps:
	@command -v soffice >/dev/null || { echo "installing LibreOffice Writer (to open the Word edition in tests)"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; }

all: pdf epub web

# Every edition of the report: the source's, then each translation the front matter's `languages`
# lists (translations/<language>.po), its site in output/web/<language>/; the source's site last,
# so that its language switch links them all.
all-editions: $(TOOL)
	@$(MAKE) --no-print-directory all
	@for language in $$($(RB) translate languages $(MANUSCRIPT)); do \
	  $(MAKE) --no-print-directory all TRANSLATION=$$language WEB_DIR=output/web/$$language || exit 1; done
	$(RB) web -q $(MANUSCRIPT) -o output/web  # again, now that it can link the other editions

# How complete each translated edition is, overall and per chapter, with every stale passage.
translate-status: $(TOOL)
	$(RB) translate status --list $(MANUSCRIPT)

check: pdf print epub web ace-deps web-check-deps
	$(RB) check $(MANUSCRIPT) $(LANG_FLAG) --site $(WEB_DIR)

release: $(TOOL) font-deps
	$(RB) release $(MANUSCRIPT) $(LANG_FLAG)

# Remote images into images/remote/ beside the manuscript, recorded in its remote-images.lock.
fetch: $(TOOL)
	$(RB) fetch $(MANUSCRIPT)

watch: $(TOOL) font-deps
	$(RB) watch $(MANUSCRIPT)

# The live preview: the web edition served from memory on 127.0.0.1, rebuilt on every save, with
# the last build's faults on the page and the PDF's pages (made in the background) beside it.
# PORT=8001 for another port, OPEN=1 to open the browser; Ctrl-C stops it.
.PHONY: preview
preview: $(TOOL) font-deps
	$(RB) preview $(MANUSCRIPT) $(if $(PORT),--port $(PORT)) $(if $(OPEN),--open)

# The suite runs on every core (pytest-xdist; a file's tests stay together on one worker,
# so a fixture shared by a file is built once: tests/conftest.py). TEST_JOBS=1: one after another.
TEST_JOBS ?= auto
test: setup
	$(BIN)/pytest -q -n $(TEST_JOBS) --dist loadgroup --durations=25

# The tests marked e2e lay out PDFs, run EPUBCheck (Java), DAISY Ace (Chromium) or a build in a
# subprocess; the others run in memory and need nothing but the virtual environment.
test-fast: $(TOOL)
	$(BIN)/pytest -q -m "not e2e"

new: $(TOOL)
	@test -n "$(DIR)" || { echo 'usage: make new DIR=../my-report [TITLE="..."] [LANGUAGE=ar]' >&2; exit 2; }
	$(RB) new "$(DIR)" $(if $(TITLE),--title "$(TITLE)") $(if $(LANGUAGE),--language "$(LANGUAGE)")

wheel-check: $(TOOL) system-deps font-deps ace-deps web-check-deps
	tools/wheel-check $(BIN)/python

lint: $(TOOL)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench-deps:
	@command -v pandoc >/dev/null || { echo "installing pandoc (for the benchmark)"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends pandoc >/dev/null; }

bench: $(TOOL) font-deps bench-deps
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The real-world documents (../shared/realworld): PDF pages, qpdf, EPUBCheck, time, warnings.
corpus: $(TOOL) system-deps
	$(BIN)/python bench/corpus.py $(CORPUS_ARGS)

clean:
	rm -rf output .pytest_cache .ruff_cache

FORCE:
