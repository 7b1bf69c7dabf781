# リッジ回帰の λ を変えて、2 語取り置き法の正答率を求める
accuracy_by_lam = {}
for lam in [0.01, 0.1, 1.0, 10.0, 100.0, 1e4]:
    accuracy_by_lam[lam] = encoding.leave_two_out(features, data.images, lam=lam).accuracy
    print(f"λ = {lam:g}: 正答率 {accuracy_by_lam[lam]:.3f}")
