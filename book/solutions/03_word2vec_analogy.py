# 逆向きの類推と、関係を入れ替えた類推 (上位 3 語)
questions_reversed = [("女", "女王", "男"), ("フランス", "パリ", "日本"), ("フランス", "フランス語", "日本")]
reverse_answers = []
for a, b, c in questions_reversed:
    top = word2vec.analogy(models["skipgram"], a, b, c, k=3)
    reverse_answers.append(top[0][0])
    print(f"{b} − {a} + {c} →", top)
