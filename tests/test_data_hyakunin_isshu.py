"""deeppsych.data.hyakunin_isshu: ogura の読み込み、ローマ字 → かな、決まり字、かるたの組。"""

import numpy as np
import pytest

from deeppsych.data import hyakunin_isshu as H


@pytest.fixture(scope="module")
def poems():
    return H.load_poems()


@pytest.fixture(scope="module")
def kimariji(poems):
    return dict(zip([p.number for p in poems], H.kimariji([p.upper() for p in poems]), strict=True))


def test_hundred_poems_in_five_parts(poems):
    assert len(poems) == 100
    assert [p.number for p in poems] == list(range(1, 101))
    assert all(len(p.parts) == len(p.romaji) == len(p.kana) == 5 for p in poems)
    assert poems[0].poet == "天智天皇"
    assert poems[0].parts[0] == "秋の田の"


def test_readings_are_hiragana_only(poems):
    for p in poems:
        for text in (p.upper(), p.lower()):
            assert all("ぁ" <= c <= "ん" for c in text), text


@pytest.mark.parametrize(
    ("romaji", "kana"),
    [
        ("Aki no ta no", "あきのたの"),
        ("Chihayaburu", "ちはやぶる"),
        ("Shinobu moji-zuri", "しのぶもじずり"),
        ("Hitori ka mo nen", "ひとりかもねん"),
        ("Naniwa gata", "なにわがた"),
        ("Kyo kokonoe ni", "きょここのえに"),
        ("Sakka", "さっか"),
        ("Fun'ya", "ふんや"),
    ],
)
def test_romaji_to_kana(romaji, kana):
    assert H.romaji_to_kana(romaji) == kana


def test_long_vowels_are_restored(poems):
    assert poems[70].upper().startswith("ゆうされば")  # 71 番 夕されば (ローマ字は Yu)
    assert poems[59].upper().startswith("おおえやま")  # 60 番 大江山 (Oeyama)
    assert "とおければ" in poems[59].upper()  # 「とほければ」(To kereba)
    assert poems[9].lower().endswith("おうさかのせき")  # 逢坂 (Osaka)


def test_first_poem_reading(poems):
    assert poems[0].upper() == "あきのたのかりほのいおのとまおあらみ"
    assert poems[0].lower() == "わがころもでわつゆにぬれつつ"
    assert poems[0].upper("text") == "秋の田のかりほの庵の苫をあらみ"


def test_one_character_kimariji_are_musumefusahose(kimariji):
    one = {n: k for n, k in kimariji.items() if len(k) == 1}
    assert one == {87: "む", 18: "す", 57: "め", 22: "ふ", 70: "さ", 81: "ほ", 77: "せ"}


def test_known_two_and_six_character_kimariji(kimariji):
    two = {65: "うら", 74: "うか", 23: "つき", 13: "つく", 37: "しら", 40: "しの",
           66: "もろ", 100: "もも", 46: "ゆら", 71: "ゆう", 17: "ちは"}  # fmt: skip
    six = {31: "あさぼらけあ", 64: "あさぼらけう", 15: "きみがためは", 50: "きみがためお",
           11: "わたのはらや", 76: "わたのはらこ"}  # fmt: skip
    for number, k in {**two, **six}.items():
        assert kimariji[number] == k
    lengths = [len(k) for k in kimariji.values()]
    assert lengths.count(6) == 6 and lengths.count(5) == 2 and lengths.count(4) == 6


def test_kimariji_is_unique_and_minimal(poems, kimariji):
    readings = {p.number: p.upper() for p in poems}
    for number, k in kimariji.items():
        assert readings[number].startswith(k)
        others = [r for n, r in readings.items() if n != number]
        assert not any(o.startswith(k) for o in others)
        assert any(o.startswith(k[:-1]) for o in others)  # 1 文字短いと決まらない


def test_kimariji_rejects_indistinguishable_readings():
    with pytest.raises(ValueError):
        H.kimariji(["あいう", "あい"])
    with pytest.raises(ValueError):
        H.kimariji([])
    assert H.kimariji(["あいう", "あえ", "か"]) == ["あい", "あえ", "か"]


def test_pairs_prefixes_and_karuta_pairs(poems):
    pairs = H.poem_pairs(poems)
    assert len(pairs) == 100
    assert "".join(pairs[0][0]) == poems[0].upper()
    short = H.poem_pairs(poems, prefix=2)
    assert all(len(s) == 2 for s, _ in short)
    karuta = H.karuta_pairs(poems[:2])
    assert len(karuta) == len(poems[0].upper()) + len(poems[1].upper())
    with pytest.raises(ValueError):
        H.poem_pairs(poems, prefix=0)
    with pytest.raises(ValueError):
        poems[0].upper("romaji")


def test_ideal_recall_and_alignment(poems):
    readings = [p.upper() for p in poems]
    k1 = H.ideal_recall(readings, 1)
    assert k1[86] == 1.0  # む
    assert k1[0] == pytest.approx(1 / sum(r.startswith("あ") for r in readings))
    lengths = np.array([len(k) for k in H.kimariji(readings)])
    ks = range(1, 20)
    ideal = np.array([H.ideal_recall(readings, k) for k in ks])
    aligned = H.by_offset(ideal, lengths, [-1, 0, 3])
    assert aligned[1] == 1.0 and aligned[2] == 1.0 and aligned[0] < 1.0
    with pytest.raises(ValueError):
        H.ideal_recall(readings, 0)
    with pytest.raises(ValueError):
        H.by_offset(ideal[:, :5], lengths, [0])


def test_bad_romaji_is_rejected():
    with pytest.raises(ValueError):
        H.romaji_to_kana("xq")
    with pytest.raises(TypeError):
        H.romaji_to_kana(3)


@pytest.mark.slow
def test_reading_the_data_does_not_import_the_ogura_package():
    """ogura の __init__ は pkg_resources を import する (新しい setuptools にはない) ので、json だけを読む。"""
    import subprocess
    import sys

    code = (
        "import sys; from deeppsych.data import hyakunin_isshu as h; h.load_poems(); "
        "assert 'ogura' not in sys.modules and 'pkg_resources' not in sys.modules"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: H.ideal_recall("あきのた", 1),
        lambda: H.ideal_recall([], 1),
        lambda: H.ideal_recall(["あき", ""], 1),
        lambda: H.ideal_recall(["あき", "あさ"], 0),
        lambda: H.by_offset([[np.nan, 1.0]], [1, 2], [0]),
        lambda: H.by_offset([[1.0, 1.0]], [1.5, 2], [0]),
        lambda: H.by_offset([[1.0, 1.0]], [1, 2], []),
        lambda: H.by_offset([[1.0, 1.0]], [1, 2, 3], [0]),
        lambda: H.poem_pairs(prefix=0),
    ],
)
def test_bad_input_is_rejected(call):
    with pytest.raises((ValueError, TypeError)):
        call()
