"""Keras 2's text preprocessing (removed from Keras 3), checked against results worked out
by hand from keras 2.x's documented rules."""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.errors import RkIOError, RkValueError

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!"]
# counts: the 3; every other word 1, in order of first appearance
ORDER = ["the", "cat", "sat", "on", "mat", "dog", "ate", "my", "homework"]


def fitted(**kwargs):
    tok = rk.text_tokenizer(**kwargs)
    assert rk.fit_text_tokenizer(tok, TEXTS) is tok  # in place, returned
    return tok


def test_word_index_by_count_then_first_appearance():
    tok = fitted()
    assert tok.word_index == {w: i for i, w in enumerate(ORDER, start=1)}
    assert tok.index_word[1] == "the" and tok.document_count == 2
    assert tok.word_counts["the"] == 3 and list(tok.word_counts)[:3] == ["the", "cat", "sat"]
    assert tok.word_docs["the"] == 2 and tok.index_docs[1] == 2
    # fitting again adds to the counts: "dog" (2) now ranks second
    rk.fit_text_tokenizer(tok, "dog")
    assert list(tok.word_index)[:3] == ["the", "dog", "cat"] and tok.document_count == 3


def test_oov_token_is_index_1():
    tok = fitted(oov_token="<unk>")
    assert tok.word_index["<unk>"] == 1 and tok.word_index["the"] == 2
    assert tok.word_index["homework"] == 10


def test_texts_to_sequences_num_words_and_oov():
    assert rk.texts_to_sequences(fitted(), ["the cat ate a fish"]) == [[1, 2, 7]]
    assert rk.texts_to_sequences(fitted(num_words=5), ["the cat ate a fish"]) == [[1, 2]]
    # with an oov token, unknown words and words at or beyond num_words become 1
    assert rk.texts_to_sequences(fitted(num_words=5.0, oov_token="<unk>"),
                                 ["the cat ate a fish"]) == [[2, 3, 1, 1, 1]]
    # a single string is one text (an R character vector of length 1)
    assert rk.texts_to_sequences(fitted(), "mat") == [[5]]
    gen = rk.texts_to_sequences_generator(fitted(), ["the", "dog"])
    assert next(gen) == [1] and next(gen) == [6]
    assert rk.sequences_to_texts(fitted(), [[1, 2], [9, 99]]).tolist() == ["the cat",
                                                                         "homework"]


def test_filters_lower_split_char_level():
    assert rk.text_to_word_sequence("Hello, World!  Again") == ["hello", "world", "again"]
    assert rk.text_to_word_sequence("Hello, World!", lower=False) == ["Hello", "World"]
    assert rk.text_to_word_sequence("a-b c", filters="", split="-") == ["a", "b c"]
    tok = rk.text_tokenizer(char_level=True)
    rk.fit_text_tokenizer(tok, ["aab", "B"])
    assert tok.word_index == {"a": 1, "b": 2}
    tok = rk.text_tokenizer(filters="", lower=False)
    rk.fit_text_tokenizer(tok, ["Hi, hi"])
    assert tok.word_index == {"Hi,": 1, "hi": 2}


def test_matrix_modes():
    tok = fitted()
    text = ["the the cat"]
    count = rk.texts_to_matrix(tok, text, mode="count")
    assert count.shape == (1, 10)  # vocabulary size + 1; column j is index j
    assert count[0].tolist() == [0, 2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert rk.texts_to_matrix(tok, text)[0].tolist() == [0, 1, 1] + [0] * 7
    np.testing.assert_allclose(rk.texts_to_matrix(tok, text, mode="freq")[0, :3],
                               [0, 2 / 3, 1 / 3])
    tfidf = rk.texts_to_matrix(tok, text, mode="tfidf")[0]
    # "the": count 2, in both documents; "cat": count 1, in one document (2 documents)
    assert tfidf[1] == pytest.approx((1 + math.log(2)) * math.log(1 + 2 / 3))
    assert tfidf[2] == pytest.approx(math.log(1 + 2 / 2))
    # R's match.arg() style default and a bad mode
    assert rk.texts_to_matrix(tok, text, mode=["binary", "count"])[0, 1] == 1
    with pytest.raises(RkValueError, match="`mode`"):
        rk.texts_to_matrix(tok, text, mode="bm25")
    # sequences: indices at or beyond num_words are left out
    m = rk.sequences_to_matrix(rk.text_tokenizer(num_words=3),
                               [np.array([1.0, 1.0, 2.0, 5.0]), 2.0], mode="count")
    assert m.tolist() == [[0, 2, 1], [0, 0, 1]]
    with pytest.raises(RkValueError, match="no vocabulary"):
        rk.texts_to_matrix(rk.text_tokenizer(), text)


def test_fit_on_sequences_counts_documents_for_tfidf():
    tok = rk.text_tokenizer(num_words=4)
    rk.fit_text_tokenizer(tok, [np.array([1.0, 2.0]), 1.0, np.array([3.0, 3.0])])
    assert tok.document_count == 3 and dict(tok.index_docs) == {1: 2, 2: 1, 3: 1}
    m = rk.sequences_to_matrix(tok, [np.array([1.0, 3.0, 3.0])], mode="tfidf")
    assert m[0, 1] == pytest.approx(math.log(1 + 3 / 3))
    assert m[0, 3] == pytest.approx((1 + math.log(2)) * math.log(1 + 3 / 2))


def test_fit_from_a_function_of_batches():
    batches = iter([["the cat"], ["the dog"], None])
    tok = rk.fit_text_tokenizer(rk.text_tokenizer(), lambda: next(batches))
    assert tok.word_index == {"the": 1, "cat": 2, "dog": 3} and tok.document_count == 2


def test_save_and_load(tmp_path):
    tok = fitted(num_words=7, oov_token="<unk>")
    path = tmp_path / "tok.json"
    assert rk.save_text_tokenizer(tok, str(path)) is tok
    back = rk.load_text_tokenizer(str(path))
    assert back.word_index == tok.word_index and back.index_word == tok.index_word
    assert back.num_words == 7 and back.oov_token == "<unk>" and back.document_count == 2
    assert rk.texts_to_matrix(back, TEXTS, mode="tfidf").tolist() == \
        rk.texts_to_matrix(tok, TEXTS, mode="tfidf").tolist()
    # the JSON of keras 2's Tokenizer.to_json() (dictionaries as JSON strings)
    config = json.loads(path.read_text())
    assert config["class_name"] == "Tokenizer"
    assert json.loads(config["config"]["word_index"])["the"] == 2
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(RkIOError, match="not a saved text tokenizer"):
        rk.load_text_tokenizer(str(tmp_path / "bad.json"))


def test_hashing_trick_and_one_hot():
    def md5(w):
        return int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1
    got = rk.text_hashing_trick("The cat, the hat", 10.0, hash_function="md5")
    assert got.tolist() == [md5("the"), md5("cat"), md5("the"), md5("hat")]
    oh = rk.text_one_hot("a b a", n=5)
    assert oh[0] == oh[2] and all(1 <= v <= 4 for v in oh)
    na = rk.text_hashing_trick(float("nan"), 5)  # NA text: an NA result, as keras 2.x
    assert np.asarray(na).shape == (1,) and np.isnan(np.asarray(na, dtype=float)).all()


def test_skipgrams_pairs_and_negatives():
    sg = rk.skipgrams(np.array([1.0, 2.0, 3.0]), 4, window_size=1, negative_samples=0,
                      shuffle=False)
    assert sg["couples"] == [[1, 2], [2, 1], [2, 3], [3, 2]]
    assert sg["labels"] == [1, 1, 1, 1]  # a list, as Keras gave: an R vector
    # 0 is padding: neither a word nor a context
    assert rk.skipgrams([1, 0, 2], 3, window_size=2, negative_samples=0,
                        shuffle=False)["couples"] == [[1, 2], [2, 1]]
    sg = rk.skipgrams([1, 2, 3], 4, window_size=1, seed=42)
    labels = sg["labels"]
    assert sorted(labels) == [0] * 4 + [1] * 4
    for (w, c), label in zip(sg["couples"], labels):
        assert w in (1, 2, 3) and 1 <= c <= 3
    again = rk.skipgrams([1, 2, 3], 4, window_size=1, seed=42)  # a seed repeats all
    assert again["couples"] == sg["couples"] and again["labels"] == labels
    cat = rk.skipgrams([1, 2], 3, window_size=1, negative_samples=0, categorical=True,
                       shuffle=False)
    assert cat["labels"] == [[0, 1], [0, 1]]


def test_make_sampling_table():
    t = rk.make_sampling_table(3, sampling_factor=0.01)
    # rank r (0 counts as 1): sqrt(0.01 * (r (log r + 0.577) + 0.5 - 1 / (12 r)))
    r1 = math.sqrt(0.01 * (0.577 + 0.5 - 1 / 12))
    r2 = math.sqrt(0.01 * (2 * (math.log(2) + 0.577) + 0.5 - 1 / 24))
    np.testing.assert_allclose(t, [r1, r1, r2], rtol=1e-12)
    assert rk.make_sampling_table(10).shape == (10,)


# -- R's NA and strings that are not UTF-8 -------------------------------------------------
# reticulate would send NA as the text "NA" (the word "na") and "caf\xe9" as "caf<e9>" (the
# words "caf" and "e9"): R sends NA as the engine's marker and such strings as their bytes.

def _failure(name, **kwargs):
    from rkbridge.boundary import bridge
    fail = bridge.call(name, None, kwargs)
    assert isinstance(fail, bridge.Failure), name
    assert fail.r_class == "rkbridge_value_error"
    return fail.message


def test_na_text_is_an_error_naming_the_element():
    from rkbridge.boundary import bridge
    tok = fitted()
    assert "`x[[2]]` is NA" in _failure("fit_text_tokenizer", object=tok,
                                         x=["a b", bridge.na])
    assert "`texts[[2]]` is NA" in _failure("texts_to_sequences", tokenizer=tok,
                                             texts=["the cat", bridge.na])
    assert "na" not in tok.word_index
    layer = rk.layer_text_vectorization()
    assert "`data[[3]]` is NA" in _failure("adapt", object=layer,
                                            data=["a b", "c", bridge.na])
    # Python callers' None likewise
    with pytest.raises(RkValueError, match=r"`texts\[\[1\]\]` is NA"):
        rk.texts_to_sequences(tok, [None, "the"])
    with pytest.raises(RkValueError, match=r"`x\[\[2\]\]` is NA"):
        rk.fit_text_tokenizer(tok, ["the", None])


def test_text_that_is_not_utf8_is_an_error_naming_the_element():
    tok = fitted()
    latin1 = bytearray(b"caf\xe9")  # R's "caf\xe9" of unknown encoding
    with pytest.raises(RkValueError, match=r'`x\[\[2\]\]` \("caf\\xe9"\) is not valid UTF-8'):
        rk.fit_text_tokenizer(tok, ["the", latin1])
    with pytest.raises(RkValueError, match=r"`texts\[\[1\]\]` .* is not valid UTF-8"):
        rk.texts_to_sequences(tok, [latin1])
    with pytest.raises(RkValueError, match=r"`data\[\[1\]\]` .* is not valid UTF-8"):
        rk.adapt(rk.layer_text_vectorization(), [latin1, "b"])
    assert "e9" not in tok.word_index and "caf" not in tok.word_index


def test_pad_sequences_refuses_na_naming_the_sequence():
    from rkbridge.boundary import bridge
    with pytest.raises(RkValueError, match=r"`sequences\[\[2\]\]` holds NA, NaN or Inf \(at "
                                           r"position 2\)"):
        rk.pad_sequences([np.array([1.0, 2.0]), np.array([1.0, np.nan, 3.0])])
    assert "`sequences[[1]]` is NA" in _failure("pad_sequences", sequences=[bridge.na])
    # float results hold NaN as Keras gives it; whole numbers as before
    out = rk.pad_sequences([np.array([1.0, np.nan])], dtype="float32", maxlen=3)
    assert np.isnan(out[0, 2]) and out[0, 0] == 0
    np.testing.assert_array_equal(rk.pad_sequences([np.array([1.0, 3.0])], maxlen=3),
                                  [[0, 1, 3]])
