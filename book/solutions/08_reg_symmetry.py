# 点 (0.5, 0) についての点対称を使い、学習データを鏡映で 2 倍にする
x_aug = np.concatenate([data.x_train, 1 - data.x_train])
y_aug = np.concatenate([data.y_train, -data.y_train])
training_sets = {"plain": (data.x_train, data.y_train), "mirror": (x_aug, y_aug)}
test_error = {}
for name, (x, y) in training_sets.items():
    for lam in [0.0, lam_cv]:
        fit = reg.fit_polynomial(x, y, 9, lam)
        test_error[name, lam] = reg.mse(data.y_test, fit.predict(data.x_test))
        print(f"{name}, λ = {lam:.3g}: テスト誤差 {test_error[name, lam]:.4g}")
