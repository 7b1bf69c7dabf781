# 最大の候補の確率は T について単調に減るので、確率が 0.5 になる温度を二分法で求める
low, high = 0.1, 100.0
for _ in range(60):
    middle = (low + high) / 2
    if activations.softmax(scores, middle).max() > 0.5:
        low = middle
    else:
        high = middle
print(f"T ≈ {middle:.4f}")
