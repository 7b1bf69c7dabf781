# 窓の幅を変えて英語のコーパスで CBOW を学習し、人の評定との順位相関をくらべる
# (時間を短くするため 1 エポック。本文のモデルは 2 エポック)
rho_by_window = {}
for window in (2, 10):
    wv = word2vec.train(english, model="cbow", window=window, epochs=1, min_count=5, seed=0)
    for label, rated in ratings.items():
        covered = human_words.covered_pairs(rated, wv.vocab)
        cos = [wv.cosine(human_words.stem(a), human_words.stem(b)) for a, b, _ in covered]
        rho = spearmanr(cos, [r for *_, r in covered]).statistic
        rho_by_window[window, label] = float(rho)
        print(f"窓 {window}, {label}: ρ = {rho:.3f}")
