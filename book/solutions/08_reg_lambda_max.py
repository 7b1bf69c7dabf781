# λ_max の少し上と少し下で、0 でない係数を数える
nonzero = {}
for factor in [1.001, 0.999]:
    fit = reg.lasso(X9, data.y_train, factor * lam_max)
    nonzero[factor] = int(np.sum(fit.coef != 0))
    print(f"{factor} × λ_max: 0 でない係数 {nonzero[factor]} 個")
