# 重みを対称な形に制約せずに、小さな乱数から学習させる
colour, word, task, target, _ = stroop.training_patterns()
untied = {}
for n in (300, 1000):
    free = stroop.train_network(tied=False, seed=0, epochs=n)
    response = stroop.feedforward(free.weights, colour, word, task)[2]
    solved = bool((response.argmax(dim=1) == target.argmax(dim=1)).all())
    untied[n] = {"weights": free.weights, "response": response, "solved": solved}
    print(f"{n} エポック: 誤差 {free.losses[-1]:.3f}, 4 パタンすべて正解: {solved}")
print("色の入力 → 中間:\n", free.weights.colour_hidden.numpy().round(2))
print("語の入力 → 中間:\n", free.weights.word_hidden.numpy().round(2))
