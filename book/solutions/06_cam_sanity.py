# 特徴地図はそのまま、クラスへの重み (線形層) だけを正規乱数に置き換える
import copy

scrambled = copy.deepcopy(model)
with torch.no_grad():
    noise = torch.randn(scrambled.fc.weight.shape, generator=torch.Generator().manual_seed(0))
    scrambled.fc.weight.copy_(noise)
subset = held_out[:200]  # 検証用の最初の 200 場面
sanity_learned = cam_evaluation.pointing_game(model, subset, "cam").accuracy
sanity_scrambled = cam_evaluation.pointing_game(scrambled, subset, "cam").accuracy
print(f"学習した重み: {sanity_learned:.1%}、無作為な重み: {sanity_scrambled:.1%}")
