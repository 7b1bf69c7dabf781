# 『ディープラーニングの心理学的解釈』 — すべての作業はこの Makefile から。
# make book   : 仮想環境を作り、全章を実行して HTML をビルド (_build/html/index.html)
# make test   : テスト一式
# make pdf    : 本全体と章ごとの配布資料 PDF (_build/pdf/)。先に make pdf-deps (Debian の TeX)
# make notebooks / check-notebooks : Colab 用 .ipynb の生成 / 同期の確認
# make browser-check : できた HTML をヘッドレス Chromium で読む。先に make browser-deps
# make a11y-check : 全ページを明るい表示と暗い表示で axe-core にかける (アクセシビリティ)。先に make browser-deps
# make bench  : 各章の実行時間を、同じカーネルで走らせた基準の仕事との比で計測 (予算を超えたら失敗)
# make test-fast : 学習を伴わない速いテストだけ (開発中の内側のループ)
PYTHON ?= python3

# 数値の経路 (DISPATCH): CPU の命令セットが違うと浮動小数点の丸めが変わり、学習したモデルの
# 行き着く先も変わる。pinned (既定、AVX2 のある x86-64 のとき) は PyTorch・oneDNN・MKL の経路を
# AVX2 に固定する (NumPy・SciPy の OpenBLAS も Haswell = AVX2 の核に)。default は最も単純な (ベクトル化なしの) 経路、native は機械まかせ。
# テストのしきい値と本文の主張は、どの経路でも成り立つように、種と経路を振って決めてある。
DISPATCH ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && [ "$$(uname -m)" = x86_64 ] && echo pinned || echo native)
ifeq ($(DISPATCH),pinned)
export ATEN_CPU_CAPABILITY := avx2
export ONEDNN_MAX_CPU_ISA := AVX2
export MKL_CBWR := AVX2
export OPENBLAS_CORETYPE := Haswell
else ifeq ($(DISPATCH),default)
export ATEN_CPU_CAPABILITY := default
export ONEDNN_MAX_CPU_ISA := AVX2
export MKL_CBWR := COMPATIBLE
else ifneq ($(DISPATCH),native)
$(error DISPATCH は pinned、default、native のいずれかです)
endif
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed

.PHONY: venv book book-cold test test-fast test-dispatch bench lint notebooks check-notebooks colab-check pdf pdf-deps browser-deps browser-check a11y-check clean

venv: $(STAMP)
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# 厳格なビルド: 警告 1 つ、失敗したセル 1 つでも終了コードが 0 でなくなる。
# 章は 2 つずつ並行に実行される (book/_ext/package_cache.py)。各章の中は 1 スレッド。
book: $(STAMP)
	@start=$$(date +%s); \
	$(JB) build . --warningiserror --keep-going && \
	$(PY) .ci/check_build.py --wall-seconds $$(( $$(date +%s) - start ))

# キャッシュを使わない、まっさらなビルド (CI と同じ)
book-cold: $(STAMP)
	rm -rf _build
	$(MAKE) book

test: $(STAMP)
	@echo "数値の経路: DISPATCH=$(DISPATCH)"
	$(PY) -m pytest

# CI はテストをもう一度、別の数値の経路で流す
test-dispatch: $(STAMP)
	$(MAKE) test DISPATCH=default

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not book"

# 章を 1 つずつ新しいカーネルで実行し、秒と「基準の仕事との比」を報告する (_build/bench.json)
bench: $(STAMP)
	$(PY) .ci/bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check code tests .ci book/_ext benchmarks
	$(VENV)/bin/ruff format --check code tests .ci book/_ext benchmarks

# 双子の .ipynb は、本のビルドが書き出す番号・文献・glue の値 (_build/twins.json) から作る: 先に make book
notebooks: $(STAMP)
	$(PY) .ci/notebooks.py sync

check-notebooks: $(STAMP)
	$(PY) .ci/notebooks.py check --build

# Colab の読者の道筋: リポジトリのない新しい環境に git から入れて、全章の .ipynb を実行する
colab-check: $(STAMP)
	$(PY) .ci/colab_check.py

# Binder の読者の道筋: binder/ だけから新しい環境を作り、全章の .ipynb を実行する
binder-check: $(STAMP)
	$(PY) .ci/binder_check.py

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

# 全ページを明るい表示と暗い表示で axe-core (axe-playwright-python に同梱) にかけ、serious と critical の
# 違反で失敗する。暗い表示の図が白いカードの上にあること、表示モードの切り替えも確かめる
a11y-check: $(STAMP)
	$(PY) .ci/a11y_check.py

clean:
	rm -rf _build
