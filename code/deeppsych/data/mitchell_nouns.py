"""Mitchell et al. (2008, Science 320:1191–1195) の 60 名詞と 25 の感覚・運動動詞の日本語訳。

原論文は 12 のカテゴリ × 5 語の具体名詞を fMRI で提示し、各名詞の意味特徴として、
25 の動詞 (see, hear, listen, taste, …) との大規模コーパス中での共起を使った。
ここではその語の一覧だけを日本語に訳して持つ (訳は本書による)。fMRI のデータは含まない。

訳語は、文脈のない 1 語を埋め込むときに別の意味にならないものを選んだ。USE の埋め込みで 60 語すべての
最近傍の名詞と特徴の大きい動詞を調べ、screwdriver を「ドライバー」(運転手に近く、最近傍は自動車・トラック、
最大の特徴は「運転する」) から「ねじ回し」に、chisel を「のみ」(助詞の「のみ」に近い) から
「のみ (大工道具)」に替えた (替えたあとの最近傍はどちらも道具)。足 (foot) と脚 (leg) は日本語では
重なるが、原論文の 2 語をそのまま区別して訳した。
"""

from __future__ import annotations

# カテゴリ: [(英語, 日本語) × 5]
NOUNS_BY_CATEGORY: dict[str, tuple[tuple[str, str], ...]] = {
    "動物": (
        ("bear", "クマ"),
        ("cat", "ネコ"),
        ("cow", "ウシ"),
        ("dog", "イヌ"),
        ("horse", "ウマ"),
    ),
    "体の部分": (("arm", "腕"), ("eye", "目"), ("foot", "足"), ("hand", "手"), ("leg", "脚")),
    "建物": (
        ("apartment", "アパート"),
        ("barn", "納屋"),
        ("church", "教会"),
        ("house", "家"),
        ("igloo", "イグルー"),
    ),
    "建物の部分": (
        ("arch", "アーチ"),
        ("chimney", "煙突"),
        ("closet", "クローゼット"),
        ("door", "ドア"),
        ("window", "窓"),
    ),
    "衣服": (
        ("coat", "コート"),
        ("dress", "ドレス"),
        ("pants", "ズボン"),
        ("shirt", "シャツ"),
        ("skirt", "スカート"),
    ),
    "家具": (
        ("bed", "ベッド"),
        ("chair", "椅子"),
        ("desk", "机"),
        ("dresser", "たんす"),
        ("table", "テーブル"),
    ),
    "昆虫": (
        ("ant", "アリ"),
        ("bee", "ハチ"),
        ("beetle", "カブトムシ"),
        ("butterfly", "チョウ"),
        ("fly", "ハエ"),
    ),
    "台所用品": (
        ("bottle", "瓶"),
        ("cup", "カップ"),
        ("glass", "グラス"),
        ("knife", "ナイフ"),
        ("spoon", "スプーン"),
    ),
    "人工物": (
        ("bell", "鐘"),
        ("key", "鍵"),
        ("refrigerator", "冷蔵庫"),
        ("telephone", "電話"),
        ("watch", "腕時計"),
    ),
    "道具": (
        ("chisel", "のみ (大工道具)"),
        ("hammer", "ハンマー"),
        ("pliers", "ペンチ"),
        ("saw", "のこぎり"),
        ("screwdriver", "ねじ回し"),
    ),
    "野菜": (
        ("carrot", "ニンジン"),
        ("celery", "セロリ"),
        ("corn", "トウモロコシ"),
        ("lettuce", "レタス"),
        ("tomato", "トマト"),
    ),
    "乗り物": (
        ("airplane", "飛行機"),
        ("bicycle", "自転車"),
        ("car", "自動車"),
        ("train", "電車"),
        ("truck", "トラック"),
    ),
}

# 原論文の 25 の感覚・運動動詞 (英語, 日本語)。"near" は前置詞だが原論文の一覧のまま入れた。
VERBS: tuple[tuple[str, str], ...] = (
    ("see", "見る"),
    ("hear", "聞こえる"),
    ("listen", "聴く"),
    ("taste", "味わう"),
    ("smell", "嗅ぐ"),
    ("eat", "食べる"),
    ("touch", "触る"),
    ("rub", "こする"),
    ("lift", "持ち上げる"),
    ("manipulate", "操作する"),
    ("run", "走る"),
    ("push", "押す"),
    ("fill", "満たす"),
    ("move", "動かす"),
    ("ride", "乗る"),
    ("say", "言う"),
    ("fear", "恐れる"),
    ("open", "開ける"),
    ("approach", "近づく"),
    ("near", "近くにある"),
    ("enter", "入る"),
    ("drive", "運転する"),
    ("wear", "着る"),
    ("break", "壊す"),
    ("clean", "掃除する"),
)


def nouns() -> list[str]:
    """60 名詞の日本語訳 (カテゴリ順、各 5 語)。"""
    return [ja for group in NOUNS_BY_CATEGORY.values() for _, ja in group]


def nouns_english() -> list[str]:
    """60 名詞の原語 (nouns() と同じ順)。"""
    return [en for group in NOUNS_BY_CATEGORY.values() for en, _ in group]


def categories() -> list[str]:
    """各名詞のカテゴリ名 (nouns() と同じ順)。"""
    return [cat for cat, group in NOUNS_BY_CATEGORY.items() for _ in group]


def verbs() -> list[str]:
    """25 動詞の日本語訳。"""
    return [ja for _, ja in VERBS]


def verbs_english() -> list[str]:
    """25 動詞の原語 (verbs() と同じ順)。"""
    return [en for en, _ in VERBS]
