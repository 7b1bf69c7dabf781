"""ブラウザの開発者コンソールにエラーを出さないための、HTML 出力の小さな修正 (make browser-check が検査する)。

* sphinx-thebe の設定スクリプト (const THEBE_JS_URL = …) がページに 2 回入り、2 回目が
  「すでに宣言されている」という例外になる。同じスクリプトは 1 回だけにする。
* pydata-sphinx-theme は表示モードの既定値が空だと、初めての読者に「invalid theme mode」の
  エラーを出す。既定を明るい表示 (図の背景と同じ白) にする。
"""

from __future__ import annotations


def unique_scripts(scripts):
    seen, unique = set(), []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", {}) or {})
        attributes.pop("priority", None)  # 同じスクリプトが別の優先度で 2 度登録されている
        filename = (
            getattr(script, "filename", str(script)) or ""
        )  # None と "" は同じ (本体だけのスクリプト)
        key = (filename, tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = unique_scripts(context["script_files"])


def light_mode_by_default(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")  # pydata-sphinx-theme はここから読む
    config.html_context = context


def setup(app):
    app.connect("config-inited", light_mode_by_default)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
