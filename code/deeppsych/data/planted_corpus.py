"""関係を仕込んだ日本語コーパスの生成器 (``book/03_word2vec.md``・``book/05_bert.md`` 用)。

オフラインで使える日本語の地の文のコーパスは PyPI にないので、答えのわかっている構造をもつ文を
コードで作る。仕込んだ関係は次のとおり。

- 国と首都、国と言語 (例: フランス–パリ–フランス語)。国はアジアとヨーロッパの 2 地域に分かれる。
- 性別の対 (王/女王、男/女、父/母、兄/姉、俳優/女優 …)。対の 2 語は同じ役割の文脈に現れ、
  性別は代名詞 (彼/彼女) や 男性/女性 という語との共起だけで区別される。
- カテゴリー (動物・食べ物・乗り物・道具) と、それぞれに典型的な動詞 (飼う・食べる・乗る・使う …)。
- 助詞・助動詞などの機能語と、どのカテゴリーにも属さない日常の文。

同じ関係を 1 つの型の文だけで表すと、モデルは「型」を覚えるだけになる。そこで、関係ごとに
何種類もの文型を用意し、時の表現・主語・動詞の活用 (た/ている/ます/ました) を無作為に選ぶ。
文は形態素解析器 Sudachi の分割単位 C (Takaoka et al., 2018) にならって、はじめから単語に
分けた形 (トークンのリスト) で返すので、学習は形態素解析器に依存しない。``as_text`` でつなげば
普通の日本語になる。
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_seed, positive_int

# ---------------------------------------------------------------------------
# 語彙
# ---------------------------------------------------------------------------

#: (国, 首都, 言語, 地域)
COUNTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("日本", "東京", "日本語", "アジア"),
    ("中国", "北京", "中国語", "アジア"),
    ("韓国", "ソウル", "韓国語", "アジア"),
    ("ベトナム", "ハノイ", "ベトナム語", "アジア"),
    ("フランス", "パリ", "フランス語", "ヨーロッパ"),
    ("ドイツ", "ベルリン", "ドイツ語", "ヨーロッパ"),
    ("イタリア", "ローマ", "イタリア語", "ヨーロッパ"),
    ("スペイン", "マドリード", "スペイン語", "ヨーロッパ"),
    ("ロシア", "モスクワ", "ロシア語", "ヨーロッパ"),
    ("ポルトガル", "リスボン", "ポルトガル語", "ヨーロッパ"),
    ("ギリシャ", "アテネ", "ギリシャ語", "ヨーロッパ"),
    ("イギリス", "ロンドン", "英語", "ヨーロッパ"),
)

#: (男性の語, 女性の語, 役割の名前)
GENDER_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("王", "女王", "royal"),
    ("王子", "王女", "prince"),
    ("男", "女", "person"),
    ("父", "母", "parent"),
    ("兄", "姉", "elder"),
    ("弟", "妹", "younger"),
    ("息子", "娘", "child"),
    ("俳優", "女優", "actor"),
    ("夫", "妻", "spouse"),
    ("祖父", "祖母", "grandparent"),
    ("少年", "少女", "youth"),
    ("叔父", "叔母", "uncle"),
)

#: カテゴリー → そのメンバー
CATEGORIES: dict[str, tuple[str, ...]] = {
    "動物": ("犬", "猫", "馬", "牛", "羊", "豚", "うさぎ", "熊", "猿", "象"),
    "食べ物": (
        "りんご",
        "パン",
        "ご飯",
        "肉",
        "卵",
        "みかん",
        "バナナ",
        "ケーキ",
        "うどん",
        "トマト",
    ),
    "乗り物": (
        "車",
        "電車",
        "バス",
        "自転車",
        "飛行機",
        "船",
        "タクシー",
        "バイク",
        "トラック",
        "新幹線",
    ),
    "道具": (
        "はさみ",
        "包丁",
        "ハンマー",
        "のこぎり",
        "ドライバー",
        "ペンチ",
        "スコップ",
        "定規",
        "ナイフ",
        "やすり",
    ),
}


def _verb(ta_stem: str, masu_stem: str, base: str, voiced: bool = False, prefix=()) -> dict:
    """動詞の活用形をトークン列で返す。

    Sudachi の分割に合わせる: 食べ/た、食べ/て/いる、食べ/まし/た。
    """
    ta, te = ("だ", "で") if voiced else ("た", "て")
    p = list(prefix)
    return {
        "plain": p + [base],
        "past": p + [ta_stem, ta],
        "progressive": p + [ta_stem, te, "いる"],
        "polite": p + [masu_stem, "ます"],
        "polite_past": p + [masu_stem, "まし", "た"],
    }


VERBS: dict[str, dict] = {
    "食べる": _verb("食べ", "食べ", "食べる"),
    "飼う": _verb("飼っ", "飼い", "飼う"),
    "やる": _verb("やっ", "やり", "やる"),
    "買う": _verb("買っ", "買い", "買う"),
    "行く": _verb("行っ", "行き", "行く"),
    "乗る": _verb("乗っ", "乗り", "乗る"),
    "使う": _verb("使っ", "使い", "使う"),
    "借りる": _verb("借り", "借り", "借りる"),
    "住む": _verb("住ん", "住み", "住む", voiced=True),
    "着く": _verb("着い", "着き", "着く"),
    "勉強する": _verb("し", "し", "する", prefix=("勉強",)),
    "読む": _verb("読ん", "読み", "読む", voiced=True),
    "起きる": _verb("起き", "起き", "起きる"),
    "書く": _verb("書い", "書き", "書く"),
    "降る": _verb("降っ", "降り", "降る"),
}

#: 時の表現と、それに合う動詞の活用形 (「昨日 … 飼う」のような時制の食い違いを避ける)
#: カテゴリー → それに典型的な動詞 (辞書形)
TYPICAL_VERBS = {"動物": "飼う", "食べ物": "食べる", "乗り物": "乗る", "道具": "使う"}


def typical_verb_forms() -> dict[str, set[str]]:
    """カテゴリー → 典型的な動詞の、コーパスに現れる語形 (例: 飼う・飼っ・飼い)。"""
    return {
        category: {forms[0] for forms in VERBS[verb].values()}
        for category, verb in TYPICAL_VERBS.items()
    }


TIMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("昨日",), ("past", "polite_past")),
    (("先週",), ("past", "polite_past")),
    (("先日",), ("past", "polite_past")),
    (("去年",), ("past", "polite_past")),
    (("毎朝",), ("plain", "polite")),
    (("毎晩",), ("plain", "polite")),
    (("毎日",), ("plain", "polite", "progressive")),
    (("週末", "に"), ("plain", "polite", "past")),
    (("今日",), ("past", "polite_past", "polite", "progressive")),
    ((), ("plain", "past", "progressive", "polite", "polite_past")),
)
#: カテゴリーの語につく形容詞 (半分の文ではつけない)
ADJECTIVES: dict[str, tuple[tuple[str, ...], ...]] = {
    "動物": (("大きな",), ("小さな",), ("白い",), ("黒い",), ("茶色い",), ("元気", "な")),
    "食べ物": (("大きな",), ("小さな",), ("新鮮", "な"), ("安い",), ("温かい",), ("冷たい",)),
    "乗り物": (("大きな",), ("小さな",), ("白い",), ("赤い",), ("新しい",), ("古い",)),
    "道具": (("大きな",), ("小さな",), ("新しい",), ("古い",), ("重い",), ("軽い",)),
}
SUBJECTS = (
    ("私",),
    ("友達",),
    ("先生",),
    ("学生",),
    ("子ども",),
    ("田中", "さん"),
    ("佐藤", "さん"),
    ("鈴木", "さん"),
    ("隣", "の", "人"),
    ("私たち",),
    ("山田", "さん"),
    ("高橋", "さん"),
    ("近所", "の", "人"),
    ("同僚",),
)
PLACES = (("学校",), ("会社",), ("駅",), ("海",), ("町",), ("病院",), ("図書館",))

# ---------------------------------------------------------------------------
# 文型。{X} などの差し込み口と、<動詞> (時の表現に合う活用形を無作為に選ぶ) を空白で区切って書く。
# {T} 時の表現 (空のこともある)、{S} 主語、{P} 場所。
# トークンの切れ目は Sudachi の分割単位 C に合わせた。
# ---------------------------------------------------------------------------

CATEGORY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "動物": (
        "{T} {S} は {A} {X} を <飼う> 。",
        "{X} の 鳴き声 が 遠く から 聞こえ た 。",
        "動物園 で 大きな {X} を 見 た 。",
        "{T} {S} は {A} {X} に 餌 を <やる> 。",
        "{A} {X} が 元気 に 走り回っ て いる 。",
        "{S} は {X} の 頭 を そっと 撫で た 。",
        "{X} は かわいい 動物 だ 。",
        "{X} の 世話 を する の は 楽しい 。",
        "{A} {X} の 写真 を たくさん 撮っ た 。",
        "子どもたち は {A} {X} を 見 て 喜ん だ 。",
    ),
    "食べ物": (
        "{T} {S} は {A} {X} を <食べる> 。",
        "{T} {S} は スーパー で {A} {X} を <買う> 。",
        "この {X} は とても おいしい 。",
        "朝ごはん に {X} を 食べ た 。",
        "{A} {X} を 皿 に のせ て 出し た 。",
        "{S} は {X} が 大好き だ 。",
        "お 弁当 に {X} を 入れ た 。",
        "冷蔵庫 に {A} {X} が 残っ て いる 。",
        "{X} の 値段 が 上がっ た 。",
        "おなか が すい た の で {X} を 食べ た 。",
    ),
    "乗り物": (
        "{T} {S} は {A} {X} で {P} へ <行く> 。",
        "{T} {S} は {A} {X} に <乗る> 。",
        "{A} {X} が 予定 より 遅れ て 着い た 。",
        "{X} を 降り て 少し 歩い た 。",
        "{A} {X} の 窓 から 景色 を 眺め た 。",
        "{X} の 座席 に 座っ た 。",
        "{P} まで {X} で 一 時間 かかる 。",
        "{A} {X} が ゆっくり 動き 出し た 。",
        "{X} は 便利 な 乗り物 だ 。",
        "{X} に 乗る の は 久しぶり だ 。",
    ),
    "道具": (
        "{T} {S} は {A} {X} を <使う> 。",
        "{X} を 使っ て 棚 を 直し た 。",
        "{S} は 道具箱 から {A} {X} を 取り出し た 。",
        "{T} {S} は 隣 の 人 に {A} {X} を <借りる> 。",
        "古い {X} の 手入れ を し た 。",
        "{X} は 便利 な 道具 だ 。",
        "工具 売り場 で {X} を 買っ た 。",
        "{X} を 使う とき は 手 に 気 を つける 。",
        "{A} {X} を 引き出し に しまっ た 。",
        "{A} {X} が 壊れ て しまっ た 。",
    ),
}

#: 性別の対ごとの役割の文。{X} には男性の語か女性の語のどちらかが入る (性別を表す語は入れない)。
ROLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "royal": (
        "{X} は 長い 間 国 を 治め た 。",
        "{X} が 城 に 戻っ た 。",
        "家来 たち が {X} に 頭 を 下げ た 。",
    ),
    "prince": (
        "{X} は 城 で 生まれ た 。",
        "{X} は 舞踏会 で 踊っ た 。",
        "{X} は 王家 の 子ども だ 。",
    ),
    "person": (
        "{X} が 道 を 歩い て いる 。",
        "ある {X} が 声 を かけ て き た 。",
        "{X} は 駅 の 前 に 立っ て い た 。",
    ),
    "parent": (
        "{X} は 毎日 子ども を 育て て いる 。",
        "{X} は 家族 の ため に 働い て いる 。",
        "実家 の {X} に 電話 を かけ た 。",
    ),
    "elder": (
        "{X} は 私 より 三 歳 年上 だ 。",
        "{X} は きょうだい の 中 で いちばん 上 だ 。",
        "年上 の {X} に 勉強 を 教わっ た 。",
    ),
    "younger": (
        "{X} は 私 より 二 歳 年下 だ 。",
        "{X} は まだ 小学生 だ 。",
        "年下 の {X} と よく けんか を し た 。",
    ),
    "child": (
        "{X} は 大学 に 通っ て いる 。",
        "{X} が 生まれ た 日 を よく 覚え て いる 。",
        "{X} の 成長 が 親 の 楽しみ だ 。",
    ),
    "actor": (
        "{X} は 映画 で 主役 を 演じ た 。",
        "{X} が 舞台 に 立っ た 。",
        "有名 な {X} の サイン を もらっ た 。",
    ),
    "spouse": (
        "{X} と 結婚 し て 十 年 に なる 。",
        "{X} は 会社 から 帰っ て き た 。",
        "{X} と 二人 で 旅行 に 出かけ た 。",
    ),
    "grandparent": (
        "{X} は 田舎 に 住ん で いる 。",
        "{X} は 孫 に 昔話 を 聞か せ た 。",
        "{X} の 家 で 孫 たち が 遊ん だ 。",
    ),
    "youth": (
        "{X} が 公園 で 遊ん で いる 。",
        "{X} は 学校 まで 走っ て 行っ た 。",
        "{X} の 夢 は 宇宙 飛行士 だ 。",
    ),
    "uncle": (
        "{X} は 親戚 の 集まり に 来 た 。",
        "{X} の 家 を 久しぶり に 訪ね た 。",
        "{X} から 手紙 が 届い た 。",
    ),
}

#: 性別が代名詞などの共起だけでわかる文。{X} は人を表す語、{PRON} は 彼/彼女、{G} は 男性/女性。
GENDER_TEMPLATES: tuple[str, ...] = (
    "{X} が 部屋 に 入っ て き た 。 {PRON} は 静か に 座っ た 。",
    "昨日 {X} に 会っ た 。 {PRON} は 元気 そう だっ た 。",
    "{X} は 疲れ て い た 。 {PRON} は 早く 寝 た 。",
    "{X} から 電話 が あっ た 。 {PRON} の 声 は 明るかっ た 。",
    "{X} は 笑っ た 。 {PRON} の 笑顔 は 優しかっ た 。",
    "{PRON} は {X} と し て 知ら れ て いる 。",
    "{X} は 背 の 高い {G} だっ た 。",
    "{X} と 話し た 。 {PRON} は 本当 に 親切 だ 。",
)
GENDER_WORDS = {"male": ("彼", "男性"), "female": ("彼女", "女性")}

#: 国 (C)・首都 (K)・言語 (L)・地域 (R) の文
COUNTRY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "capital": (
        "{C} の 首都 は {K} だ 。",
        "{K} は {C} の 首都 で ある 。",
        "{C} を 旅行 し て 、 {K} に 三 日 泊まっ た 。",
        "{K} から {C} の 各地 へ 列車 が 出 て いる 。",
        "{C} の 政府 は {K} に ある 。",
    ),
    "language": (
        "{C} で は {L} が 話さ れ て いる 。",
        "{C} の 人 は {L} を 話す 。",
        "{C} に 留学 する ため に {L} を 勉強 し た 。",
        "{L} は {C} の 公用語 だ 。",
    ),
    "triple": (
        "{K} は {C} の 首都 で 、 町 で は {L} が 聞こえる 。",
        "{C} の {K} で {L} の 新聞 を 買っ た 。",
    ),
    "city": (
        "{S} は {K} に <住む> 。",
        "{K} の 街 を 歩い た 。",
        "{K} は 人口 の 多い 都市 だ 。",
        "{T} {S} は {K} の 空港 に <着く> 。",
        "{K} の 駅 で 友達 と 待ち合わせ た 。",
        "{K} は {R} の 大都市 だ 。",
    ),
    "country": (
        "{C} は 美しい 国 だ 。",
        "{S} は 来年 {C} へ 行く 。",
        "{C} の 経済 が 成長 し て いる 。",
        "{C} は {R} の 国 だ 。",
        "{C} の 歴史 を 調べ た 。",
    ),
    "language_use": (
        "{T} {S} は {L} を <勉強する> 。",
        "{L} で 手紙 を 書い た 。",
        "{L} の 辞書 を 引い た 。",
        "{L} は 発音 が 難しい 。",
        "{T} {S} は {L} の 本 を <読む> 。",
    ),
}

FILLER_TEMPLATES: tuple[str, ...] = (
    "{T} 雨 が <降る> 。",
    "{T} {S} は {P} で 本 を <読む> 。",
    "{T} {S} は 早く <起きる> 。",
    "{T} {S} は {P} へ <行く> 。",
    "今日 は とても 暑い 。",
    "{S} は 友達 と 映画 を 見 た 。",
    "{T} {S} は 手紙 を <書く> 。",
    "窓 を 開け て 空気 を 入れ替え た 。",
    "{S} は {P} で 働い て いる 。",
    "昨日 は 風 が 強かっ た 。",
)

#: 文の種類の割合 (合計 1)
SENTENCE_MIX = {"category": 0.4, "person": 0.3, "country": 0.22, "filler": 0.08}


# ---------------------------------------------------------------------------
# コーパス
# ---------------------------------------------------------------------------


@dataclass
class PlantedCorpus:
    """生成したコーパスと、そこに仕込んだ正解の構造。"""

    sentences: list[list[str]]
    seed: int
    categories: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(CATEGORIES))
    countries: tuple[tuple[str, str, str, str], ...] = COUNTRIES
    gender_pairs: tuple[tuple[str, str, str], ...] = GENDER_PAIRS

    @property
    def n_tokens(self) -> int:
        return sum(len(s) for s in self.sentences)

    def relations(self) -> dict[str, list[tuple[str, str]]]:
        """関係の種類 → (a, b) の対のリスト。a:b の関係がどの対でも同じ向きになるように並べる。"""
        return {
            "国→首都": [(c, k) for c, k, _, _ in self.countries],
            "国→言語": [(c, lang) for c, _, lang, _ in self.countries],
            "男性→女性": [(m, f) for m, f, _ in self.gender_pairs],
        }

    def analogy_questions(self) -> dict[str, list[tuple[str, str, str, str]]]:
        """類推問題 a:b = c:d (関係ごとに、違う 2 つの対のすべての順序つきの組)。"""
        questions = {}
        for name, pairs in self.relations().items():
            questions[name] = [(a, b, c, d) for a, b in pairs for c, d in pairs if a != c]
        return questions

    def category_of(self) -> dict[str, str]:
        """単語 → カテゴリー名 (動物・食べ物・乗り物・道具・国・首都・言語・男性・女性)。"""
        labels = {w: cat for cat, words in self.categories.items() for w in words}
        for c, k, lang, _ in self.countries:
            labels.update({c: "国", k: "首都", lang: "言語"})
        for m, f, _ in self.gender_pairs:
            labels.update({m: "男性", f: "女性"})
        return labels


def as_text(tokens) -> str:
    """トークン列をつないで普通の日本語の文にする (日本語は単語を空白で区切らない)。"""
    return "".join(tokens)


def _fill(template: str, slots: dict, rng: np.random.Generator) -> list[str]:
    tokens: list[str] = []
    for piece in template.split(" "):
        if piece.startswith("{") and piece.endswith("}"):
            value = slots[piece[1:-1]]
            tokens.extend([value] if isinstance(value, str) else value)
        elif piece.startswith("<") and piece.endswith(">"):
            tokens.extend(VERBS[piece[1:-1]][_pick(rng, slots["tenses"])])
        else:
            tokens.append(piece)
    return tokens


def _pick(rng: np.random.Generator, options):
    return options[rng.integers(len(options))]


def _common_slots(rng: np.random.Generator) -> dict:
    time, tenses = _pick(rng, TIMES)
    return {"T": time, "tenses": tenses, "S": _pick(rng, SUBJECTS), "P": _pick(rng, PLACES)}


def _category_sentence(rng):
    category = _pick(rng, list(CATEGORIES))
    adjective = _pick(rng, ADJECTIVES[category]) if rng.random() < 0.5 else ()
    slots = _common_slots(rng) | {"X": _pick(rng, CATEGORIES[category]), "A": adjective}
    return _fill(_pick(rng, CATEGORY_TEMPLATES[category]), slots, rng)


def _person_sentence(rng):
    male, female, role = _pick(rng, GENDER_PAIRS)
    gender = "male" if rng.random() < 0.5 else "female"
    person = male if gender == "male" else female
    pronoun, gender_noun = GENDER_WORDS[gender]
    slots = _common_slots(rng) | {"X": person, "PRON": pronoun, "G": gender_noun}
    # 役割の文と性別の文を半々に: 役割は対の 2 語に共通、性別は彼/彼女との共起だけが担う
    templates = ROLE_TEMPLATES[role] if rng.random() < 0.5 else GENDER_TEMPLATES
    return _fill(_pick(rng, templates), slots, rng)


def _country_sentence(rng):
    country, capital, language, region = _pick(rng, COUNTRIES)
    kind = _pick(rng, list(COUNTRY_TEMPLATES))
    slots = _common_slots(rng) | {"C": country, "K": capital, "L": language, "R": region}
    return _fill(_pick(rng, COUNTRY_TEMPLATES[kind]), slots, rng)


def _filler_sentence(rng):
    return _fill(_pick(rng, FILLER_TEMPLATES), _common_slots(rng), rng)


_MAKERS = {
    "category": _category_sentence,
    "person": _person_sentence,
    "country": _country_sentence,
    "filler": _filler_sentence,
}


def generate(n_sentences: int = 20000, seed: int = 0) -> PlantedCorpus:
    """関係を仕込んだ日本語の文を ``n_sentences`` 個つくる。同じ ``seed`` なら同じコーパスになる。

    各文はトークン (単語) のリスト。文の種類は ``SENTENCE_MIX`` の割合で無作為に選ぶ。
    """
    n_sentences = positive_int(n_sentences, "n_sentences")
    rng = np.random.default_rng(check_seed(seed))
    kinds = list(SENTENCE_MIX)
    probabilities = np.array([SENTENCE_MIX[k] for k in kinds])
    choices = rng.choice(len(kinds), size=n_sentences, p=probabilities / probabilities.sum())
    sentences = [_MAKERS[kinds[i]](rng) for i in choices]
    return PlantedCorpus(sentences=sentences, seed=int(seed))
