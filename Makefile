# 『ディープラーニングの心理学的解釈』 — すべての作業はこの Makefile から。
# make book   : 仮想環境を作り、全章を実行して HTML をビルド (_build/html/index.html)
# make test   : テスト一式
# make pdf    : 本全体と章ごとの配布資料 PDF (_build/pdf/)。先に make pdf-deps (Debian の TeX)
# make notebooks / check-notebooks : Colab 用 .ipynb の生成 / 同期の確認
# make browser-check : できた HTML をヘッドレス Chromium で読む。先に make browser-deps
PYTHON ?= python3
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed

.PHONY: venv book book-cold test lint notebooks check-notebooks colab-check pdf pdf-deps browser-deps browser-check clean

venv: $(STAMP)
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# 厳格なビルド: 警告 1 つ、失敗したセル 1 つでも終了コードが 0 でなくなる。
book: $(STAMP)
	$(JB) build . --warningiserror --keep-going
	$(PY) .ci/check_build.py html

# キャッシュを使わない、まっさらなビルド (CI と同じ)
book-cold: $(STAMP)
	rm -rf _build
	$(MAKE) book

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check code tests .ci book/_ext benchmarks
	$(VENV)/bin/ruff format --check code tests .ci book/_ext benchmarks

notebooks: $(STAMP)
	$(PY) .ci/notebooks.py sync

check-notebooks: $(STAMP)
	$(PY) .ci/notebooks.py check

# Colab の読者の道筋: リポジトリのない新しい環境に git から入れて、全章の .ipynb を実行する
colab-check: $(STAMP)
	$(PY) .ci/colab_check.py

pdf-deps:
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	  texlive-lang-japanese texlive-latex-recommended texlive-latex-extra \
	  texlive-fonts-recommended latexmk tex-gyre poppler-utils

pdf: $(STAMP)
	$(PY) .ci/pdf.py

# ブラウザでの検査: Debian の chromium と、スクリーンショットの日本語用のフォント
browser-deps:
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	  chromium fonts-ipaexfont

# _build/html を localhost で配信し、全ページを読み込んで検査する (スクリーンショットは _build/screenshots/)
browser-check: $(STAMP)
	$(PY) .ci/browser_check.py

clean:
	rm -rf _build
