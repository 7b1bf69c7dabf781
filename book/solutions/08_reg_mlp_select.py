# 重み減衰の強さを、検証誤差だけを見て選ぶ (テスト誤差は選んだ後に 1 度だけ見る)
fits = {1e-3: runs["重み減衰"]}  # 本文で学習済み (weight_decay=1e-3、同じ種と長さ)
for wd in [1e-4, 1e-2]:
    fits[wd] = reg.train_mlp(mlp_data, epochs=1000, seed=0, weight_decay=wd)
chosen = min(fits, key=lambda wd: fits[wd].val[-1])
print(f"選んだ weight_decay: {chosen:g}, そのテスト誤差: {fits[chosen].test[-1]:.3f}")
