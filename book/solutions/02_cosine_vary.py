# seed を変えて 200 回くり返し、標本の r の 2.5〜97.5 パーセンタイルを求める
intervals = {}
for n in [5, 20, 50]:
    samples = [similarity.correlated_sample(n=n, rho=0.6, seed=s) for s in range(200)]
    rs = [float(similarity.pearson_r(x, y)) for x, y in samples]
    intervals[n] = (np.percentile(rs, 2.5), np.percentile(rs, 97.5))
    print(f"n = {n}: {intervals[n][0]:.2f} 〜 {intervals[n][1]:.2f}")
