"""テスト全体の設定: 印 (make test-fast はどちらも飛ばす)。

* book: 本のファイルを調べるテスト (tests/test_book.py, test_docs.py, test_reader_paths.py)
* slow: 1 つ 0.3 秒を超えるテストには各ファイルで @pytest.mark.slow をつける。学習済みモデルを
  作るフィクスチャ (下の SLOW_FIXTURES) を使うテストは、ここで自動的に slow になる。
"""

import pytest

BOOK_MODULES = {"test_book.py", "test_docs.py", "test_reader_paths.py"}
SLOW_FIXTURES = {"trained", "mlp_runs", "skipgram", "chapter_features"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in BOOK_MODULES:
            item.add_marker(pytest.mark.book)
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
