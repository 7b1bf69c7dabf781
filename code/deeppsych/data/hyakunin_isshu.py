"""小倉百人一首 (``book/05_transformer.md`` の記憶課題)。

歌のデータは PyPI のパッケージ ``ogura`` (MIT ライセンス) に同梱された ``ogura.json`` を読む
(インストール済みのファイルを読むだけで、何もダウンロードしない)。``ogura`` には漢字かな交じりの本文と
ローマ字の読みがあるが、ひらがなの読みはない。そこでローマ字から読みのかなを作る
(:func:`romaji_to_kana`)。ローマ字は長音を書かない方式 (Yu sareba = 夕されば、Osaka = 逢坂) なので、
かるたの読みとずれる語は :data:`LONG_VOWELS` で補う。読みは歴史的仮名遣いではなく、読み上げる音
(は → わ、ふ → う など) である。

決まり字 (:func:`kimariji`) は、上の句の読みの先頭から何文字聞けば 100 首のうち 1 首に決まるか、
その最短の先頭部分である。
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata

import numpy as np

from .._checks import one_of, positive_int

#: ローマ字の長音の補い (ogura のローマ字 → 読みのかな)。語 (小文字) ごとに置き換える。
LONG_VOWELS = {
    "yu": "ゆう",  # 夕されば
    "osaka": "おうさか",  # 逢坂の関
    "osakayama": "おうさかやま",
    "okenaku": "おおけなく",
    "oeyama": "おおえやま",
    "ou": "おおう",  # おほふかな
    "kyo": "きょう",
    "cho": "ちょう",  # てふ
    "yunagi": "ゆうなぎ",
    "yugure": "ゆうぐれ",
    "mayoo": "まよう",
}

_SYLLABLES = {
    **{v: k for k, v in zip("あいうえお", "aiueo", strict=True)},
    "ka": "か", "ki": "き", "ku": "く", "ke": "け", "ko": "こ",
    "ga": "が", "gi": "ぎ", "gu": "ぐ", "ge": "げ", "go": "ご",
    "sa": "さ", "shi": "し", "su": "す", "se": "せ", "so": "そ",
    "za": "ざ", "ji": "じ", "zu": "ず", "ze": "ぜ", "zo": "ぞ",
    "ta": "た", "chi": "ち", "tsu": "つ", "te": "て", "to": "と",
    "da": "だ", "de": "で", "do": "ど",
    "na": "な", "ni": "に", "nu": "ぬ", "ne": "ね", "no": "の",
    "ha": "は", "hi": "ひ", "fu": "ふ", "he": "へ", "ho": "ほ",
    "ba": "ば", "bi": "び", "bu": "ぶ", "be": "べ", "bo": "ぼ",
    "pa": "ぱ", "pi": "ぴ", "pu": "ぷ", "pe": "ぺ", "po": "ぽ",
    "ma": "ま", "mi": "み", "mu": "む", "me": "め", "mo": "も",
    "ya": "や", "yu": "ゆ", "yo": "よ",
    "ra": "ら", "ri": "り", "ru": "る", "re": "れ", "ro": "ろ",
    "wa": "わ", "wo": "お",  # 助詞の「を」は読みの音で「お」
    "kya": "きゃ", "kyu": "きゅ", "kyo": "きょ", "gyo": "ぎょ",
    "sha": "しゃ", "shu": "しゅ", "sho": "しょ", "ja": "じゃ", "ju": "じゅ", "jo": "じょ",
    "cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "nya": "にゃ", "nyo": "にょ",
    "hya": "ひゃ", "hyo": "ひょ", "mya": "みゃ", "ryo": "りょ", "ryu": "りゅ",
}  # fmt: skip

#: 歌の番号を限った補い: 60 番「とほければ」の To (ほかの歌の to は助詞の「と」)
LONG_VOWELS_IN_POEM = {60: {"to": "とお"}}


def romaji_to_kana(text: str) -> str:
    """ヘボン式のローマ字 (空白・ハイフン・アポストロフィつき) を、空白のないひらがなにする。

    n は母音と y の前以外で「ん」、同じ子音の重なりは「っ」。読めない文字列があれば ValueError。
    """
    if not isinstance(text, str):
        raise TypeError(f"text は文字列でなければなりません ({text!r})")
    s = re.sub(r"[\s\-]", "", text.lower())
    out, i = [], 0
    while i < len(s):
        if s[i] == "'":
            i += 1
            continue
        if s[i] == "n" and (i + 1 == len(s) or s[i + 1] not in "aiueoy"):
            out.append("ん")
            i += 1
            continue
        if i + 1 < len(s) and s[i] == s[i + 1] and s[i] not in "aiueon":
            out.append("っ")
            i += 1
            continue
        for size in (3, 2, 1):
            if s[i : i + size] in _SYLLABLES:
                out.append(_SYLLABLES[s[i : i + size]])
                i += size
                break
        else:
            raise ValueError(f"ローマ字として読めません: {text!r} の {s[i:]!r}")
    if not out:
        raise ValueError("空の文字列は読めません")
    return "".join(out)


def _fix_word(word: str, number: int) -> str:
    key = word.lower().replace("-", "")
    if key in LONG_VOWELS_IN_POEM.get(number, {}):
        return LONG_VOWELS_IN_POEM[number][key]
    if key in LONG_VOWELS:
        return LONG_VOWELS[key]
    return romaji_to_kana(word)


def reading_of(romaji_part: str, number: int = 0) -> str:
    """歌の 1 句のローマ字を読みのかなにする (長音の補いつき)。"""
    return "".join(_fix_word(w, number) for w in romaji_part.split())


@dataclass(frozen=True)
class Poem:
    """1 首の歌。parts は漢字かな交じりの 5 句、romaji はそのローマ字、kana は読みのかな。"""

    number: int
    poet: str
    parts: tuple[str, ...]
    romaji: tuple[str, ...]
    kana: tuple[str, ...]

    def upper(self, form: str = "kana") -> str:
        """上の句 (はじめの 3 句) を空白なしでつないだもの。"""
        return "".join(_form(self, form)[:3])

    def lower(self, form: str = "kana") -> str:
        """下の句 (あとの 2 句)。"""
        return "".join(_form(self, form)[3:])


def _form(poem: Poem, form: str) -> tuple[str, ...]:
    """form は "kana" (読み) か "text" (漢字かな交じり)。"""
    return poem.kana if one_of(form, ("kana", "text"), "form") == "kana" else poem.parts


def _data_file() -> str:
    """インストールされた ogura パッケージの ogura.json の場所 (パッケージを import せずに探す)。"""
    try:
        dist = metadata.distribution("ogura")
    except metadata.PackageNotFoundError as err:
        raise ImportError(
            "百人一首のデータには PyPI のパッケージ ogura が必要です: pip install ogura==0.0.6"
        ) from err
    return str(dist.locate_file("ogura/ogura.json"))


@cache
def _load() -> tuple[Poem, ...]:
    with open(_data_file(), encoding="utf-8") as f:
        data = json.load(f)
    poems = []
    for number, (jp, ro) in enumerate(zip(data["japanese"], data["romaji"], strict=True), 1):
        poet, text = jp["line"].strip().split("\n")
        romaji = tuple(p.strip() for p in ro["line"].strip().split("\n")[1].split(" / "))
        parts = tuple(text.split())
        if len(parts) != 5 or len(romaji) != 5:
            raise ValueError(f"{number} 番の歌が 5 句に分かれていません")
        kana = tuple(reading_of(p, number) for p in romaji)
        poems.append(Poem(number, poet, parts, romaji, kana))
    return tuple(poems)


def load_poems() -> list[Poem]:
    """100 首を番号順に返す。"""
    return list(_load())


def kimariji(readings) -> list[str]:
    """各読みについて、ほかのどの読みの先頭とも一致しない最短の先頭部分 (決まり字) を返す。

    ほかの読みとまったく同じ読み (または、ほかの読みの先頭部分そのもの) があれば ValueError。
    """
    readings = list(readings)
    if not readings or not all(isinstance(r, str) and r for r in readings):
        raise ValueError("readings は空でない文字列のリストでなければなりません")
    result = []
    for i, r in enumerate(readings):
        others = [o for j, o in enumerate(readings) if j != i]
        for k in range(1, len(r) + 1):
            if not any(o.startswith(r[:k]) for o in others):
                result.append(r[:k])
                break
        else:
            raise ValueError(f"読み {r!r} はほかの読みと区別できません")
    return result


def poem_pairs(poems=None, form: str = "kana", prefix: int | None = None):
    """(上の句の文字のリスト, 下の句の文字のリスト) の組。1 文字 1 トークン。

    prefix を与えると、上の句をはじめの prefix 文字だけにする (かるたの実験)。
    """
    poems = load_poems() if poems is None else list(poems)
    if prefix is not None:
        prefix = positive_int(prefix, "prefix")
    return [(list(p.upper(form)[:prefix]), list(p.lower(form))) for p in poems]


def karuta_pairs(poems=None, form: str = "kana"):
    """かるたの練習のような学習データ: 上の句のはじめの k 文字 (k = 1 … 全長) → 下の句、のすべての組。

    k が決まり字より短い組では、同じ先頭をもつ歌が複数あり、答えは 1 つに決まらない。
    """
    poems = load_poems() if poems is None else list(poems)
    return [
        (list(p.upper(form)[:k]), list(p.lower(form)))
        for p in poems
        for k in range(1, len(p.upper(form)) + 1)
    ]


def ideal_recall(readings, k: int) -> np.ndarray:
    """先頭 k 文字を聞いた「理想の聞き手」の正答確率: その先頭をもつ歌の数の逆数 (候補から一様に選ぶ)。

    コホートモデル (Marslen-Wilson & Welsh 1978) の候補の集まりと同じ考え方で、
    k が決まり字の長さに達すると 1 になる。
    """
    if isinstance(readings, str):
        raise TypeError(
            "readings は読み (文字列) のリストでなければなりません (1 つの文字列ではなく)"
        )
    readings = list(readings)
    if not readings or not all(isinstance(r, str) and r for r in readings):
        raise ValueError("readings は空でない文字列の、空でないリストでなければなりません")
    k = positive_int(k, "k")
    prefixes = [r[:k] for r in readings]
    return np.array([1.0 / sum(o.startswith(p) for o in readings) for p in prefixes])


def by_offset(values, kimariji_lengths, offsets) -> np.ndarray:
    """values[k−1, i] (先頭 k 文字での歌 i の結果) を、k − (歌 i の決まり字の長さ) ごとに平均する。

    offset が 0 の列は「ちょうど決まり字まで聞いたとき」。k が 1 … values.shape[0] の範囲に
    入る歌だけで平均する。
    """
    values = np.asarray(values, dtype=float)
    lengths = np.asarray(kimariji_lengths)
    if np.isnan(values).any():
        raise ValueError("values に NaN が含まれています")
    if lengths.size == 0 or not np.issubdtype(lengths.dtype, np.integer) or (lengths < 1).any():
        raise ValueError(
            "kimariji_lengths は 1 以上の整数 (決まり字の長さ) の空でない配列でなければなりません"
        )
    offsets = np.asarray(offsets)
    if offsets.size == 0 or not np.issubdtype(offsets.dtype, np.integer):
        raise ValueError("offsets は整数の空でない配列でなければなりません")
    if values.ndim != 2 or values.shape[1] != len(lengths):
        raise ValueError(
            "values は (k の数, 歌の数) で、kimariji_lengths と歌の数が合う必要があります"
        )
    out = []
    for d in offsets:
        k = lengths + d
        ok = (k >= 1) & (k <= values.shape[0])
        out.append(values[k[ok] - 1, np.flatnonzero(ok)].mean() if ok.any() else np.nan)
    return np.array(out)
