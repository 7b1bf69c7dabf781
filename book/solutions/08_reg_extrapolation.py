# 学習データの範囲 [0, 1] の外まで、3 つのモデルの予測を描く
outside = {
    "リッジ回帰 (9 次)": ridge_cv_fit,
    "正則化ネットワーク": net,
    "多層パーセプトロン (重み減衰)": runs["重み減衰"],
}
wide = np.linspace(-0.5, 1.5, 401)
edge = np.array([-0.5, 1.5])
fig, ax = plt.subplots()
for label, curve in outside.items():
    ax.plot(wide, curve.predict(wide), label=label)
    left, right = curve.predict(edge)
    print(f"{label}: x = -0.5 で {left:.3g}、x = 1.5 で {right:.3g}")
ax.plot(data.x_train, data.y_train, "ko")
ax.set_ylim(-4, 4)
ax.legend()
