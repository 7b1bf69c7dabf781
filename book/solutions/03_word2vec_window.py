# 窓を前後 1 語にした CBOW の入出力の表と、skip-gram の組の数
inputs_1, targets_1 = word2vec.cbow_one_hot_table(sentence_tokens, vocab, window=1)
print(inputs_1)
n_pairs_1 = len(word2vec.skipgram_pairs(sentence_tokens, window=1))
print(n_pairs_1)
