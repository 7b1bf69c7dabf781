"""本の版をただ 1 か所 (code/deeppsych/__init__.py の __version__) から取る Sphinx 拡張。

pyproject.toml も同じ属性を読む (dynamic version)。_config.yml のフッターの ``{version}`` は
ここで版に置き換わり、PDF の表紙の版 (release) もここで決まる。
"""

from __future__ import annotations


def set_release(app, config) -> None:
    import deeppsych

    release = deeppsych.__version__
    config.release = release
    config.version = ".".join(release.split(".")[:2])
    options = dict(config.html_theme_options or {})
    if "extra_footer" in options:
        options["extra_footer"] = options["extra_footer"].replace("{version}", release)
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", set_release)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
