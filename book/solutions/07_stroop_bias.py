# 赤いインクの GREEN の色を答える試行を、図 3 の重みで手で計算する
def sig(v):
    return 1 / (1 + np.exp(-v))


share_correct = {}
for bias in (-4.0, 0.0):
    colour_part = 1.3 * (sig(4 + bias + 2.2) - sig(4 + bias - 2.2))  # 色の中間 (赤 − 緑)
    word_part = 2.5 * (sig(bias - 2.6) - sig(bias + 2.6))  # 語の中間 (RED − GREEN)
    net_red = colour_part + word_part  # 「あか」の正味入力 (「みどり」はその符号を変えたもの)
    share_correct[bias] = sig(net_red)
    print(f"バイアス {bias:+.0f}: 「あか」の正味入力 {net_red:+.3f}, 正しい反応の割合 {sig(net_red):.3f}")
