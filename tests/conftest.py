"""テスト全体の設定: 本のファイルを調べるテストに book の印をつける (make test-fast で飛ばす)。"""

import pytest

BOOK_MODULES = {"test_book.py", "test_docs.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in BOOK_MODULES:
            item.add_marker(pytest.mark.book)
