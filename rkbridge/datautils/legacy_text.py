"""Keras 2's text preprocessing (`keras.preprocessing.text` / `.sequence`), which Keras 3
removed, with the keras 2.x results R scripts rely on: the `Tokenizer` (word indices by
descending count, ties in order of first appearance, index 0 never used, the `oov_token` at
index 1; `num_words` keeps indices below it), the matrix modes binary/count/tfidf/freq,
`one_hot()`/`hashing_trick()`, `text_to_word_sequence()`, `skipgrams()` and
`make_sampling_table()`.

Word indices are values (as in Keras), not R positions. R character vectors come in as
strings or lists of strings; results go back as R values: integer vectors, lists of them,
numeric matrices. `TEXT` is the table the R wrappers are generated from.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
from collections import OrderedDict, defaultdict
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..wrappers import args as A
from ..errors import RkIOError, RkTypeError, RkValueError

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MODES = ("binary", "count", "tfidf", "freq")


def _texts(x: Any, arg: str = "texts") -> list[str]:
    """An R character vector (a string when of length 1) as a list of strings."""
    if isinstance(x, str):
        return [x]
    if isinstance(x, np.ndarray):
        x = x.reshape(-1, order="F").tolist()
    texts = A.strings(x, arg) if isinstance(x, (list, tuple)) else None
    if texts is None:
        raise RkTypeError(f"`{arg}` must be a character vector.")
    return texts


def _sequence(s: Any) -> list[int]:
    if isinstance(s, (int, float, np.number)):
        return [int(s)]
    return [int(v) for v in np.asarray(s).reshape(-1)]


def _sequences(x: Any, arg: str = "sequences") -> list[list[int]]:
    """A list of integer vectors (an R length-1 vector arrives as a number)."""
    if isinstance(x, np.ndarray):
        return [_sequence(row) for row in x] if x.ndim == 2 else [_sequence(x)]
    if not isinstance(x, (list, tuple)):
        raise RkTypeError(f"`{arg}` must be a list of integer vectors.")
    try:
        return [_sequence(s) for s in x]
    except (TypeError, ValueError):
        raise RkTypeError(f"`{arg}` must be a list of integer vectors.") from None


def _mode(mode: Any) -> str:
    if isinstance(mode, (list, tuple, np.ndarray)) and len(mode) > 1:
        mode = mode[0]  # R's match.arg() default: the first choice
    mode = str(A.scalar(mode))
    if mode not in MODES:
        raise RkValueError(f"`mode` must be one of {', '.join(repr(m) for m in MODES)}, not "
                           f"\"{mode}\".")
    return mode


def _words(text: str, filters: str, lower: bool, split: str) -> list[str]:
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


def text_to_word_sequence(text: Any, filters: str = FILTERS, lower: Any = True,
                          split: str = " ") -> Any:
    """Split a sentence into a list of words.

    Args:
        text: A string.
        filters: Characters to remove (each is replaced by `split`); by default all
            punctuation, tabs and line breaks.
        lower: Whether to convert the text to lower case.
        split: The word separator.

    Returns:
        A character vector of the words.
    """
    return _words(str(A.scalar(text)), filters, bool(A.as_bool(lower)), split)


def text_hashing_trick(text: Any, n: Any, hash_function: Any = None, filters: str = FILTERS,
                       lower: Any = True, split: str = " ") -> Any:
    """Convert a text to a sequence of indices in a fixed-size hashing space.

    Each word becomes `hash(word) %% (n - 1) + 1` (so 0 is never used); different words may
    share an index.

    Args:
        text: A string.
        n: Size of the hashing space.
        hash_function: `NULL` (Python's `hash()`, which differs between sessions unless
            `PYTHONHASHSEED` is set) or "md5" (stable).
        filters: Characters to remove.
        lower: Whether to convert the text to lower case.
        split: The word separator.

    Returns:
        An integer vector of word indices (for an `NA` text `NaN`, which `is.na()` takes
        for NA).
    """
    text = A.scalar(text)
    if isinstance(text, (list, tuple, np.ndarray)):  # several texts: one at a time
        raise RkValueError(f"`text` should be length 1, not {len(text)}: hash one text per "
                           f"call (e.g. with lapply()).")
    if text is None or text is A.NA or (isinstance(text, float) and np.isnan(text)):
        return np.array([np.nan])  # NA, as keras 2.x
    n = A.as_integer(n, "n")
    if hash_function is None:
        fn: Callable[[str], int] = hash
    elif hash_function == "md5":
        def fn(w: str) -> int:
            return int(hashlib.md5(w.encode()).hexdigest(), 16)
    elif callable(hash_function):
        fn = hash_function
    else:
        raise RkValueError("`hash_function` must be NULL, \"md5\" or a function.")
    words = _words(str(text), filters, bool(A.as_bool(lower)), split)
    return np.array([int(fn(w)) % (n - 1) + 1 for w in words], dtype=np.int64)


text_hashing_trick.na_args = ("text",)  # type: ignore[attr-defined]  (NA: an NA result)


def text_one_hot(input_text: Any = None, n: Any = None, filters: str = FILTERS,
                 lower: Any = True, split: str = " ", text: Any = None) -> Any:
    """One-hot encode a text into a list of word indices in a vocabulary of size n.

    Keras's `one_hot()`: the hashing trick with Python's `hash()` (indices differ between
    sessions unless `PYTHONHASHSEED` is set).

    Args:
        input_text: A string.
        n: Size of the vocabulary.
        filters: Characters to remove.
        lower: Whether to convert the text to lower case.
        split: The word separator.
        text: Legacy name of `input_text`.

    Returns:
        An integer vector of word indices in 1..(n - 1).
    """
    if text is not None:
        if input_text is not None:
            raise RkValueError("Give `input_text` or `text` (its legacy name), not both.")
        A.deprecated("text", "input_text")
        input_text = text
    return text_hashing_trick(input_text, n, None, filters, lower, split)


class Tokenizer:
    """Keras 2's text tokenizer: a vocabulary fitted on texts, and its conversions."""

    def __init__(self, num_words: Any = None, filters: str = FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: Any = None,
                 document_count: int = 0) -> None:
        self.num_words = A.as_integer(num_words, "num_words")
        self.filters = filters
        self.lower = bool(A.as_bool(lower))
        self.split = split
        self.char_level = bool(A.as_bool(char_level))
        self.oov_token = A.scalar(oov_token)
        self.document_count = int(document_count)
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    def __repr__(self) -> str:
        return (f"<Tokenizer: {len(self.word_index)} words from {self.document_count} "
                f"documents, num_words = {self.num_words}>")

    def _tokens(self, text: Any) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        return _words(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable[Any]) -> None:
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        # by count, descending; sorted() is stable, so ties keep their first appearance
        ranked = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in ranked]
        self.word_index = {w: i for i, w in enumerate(vocab, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in self.word_docs.items():
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        sequences = list(sequences)
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[int(i)] += 1

    def texts_to_sequences_generator(self, texts: Iterable[Any]) -> Iterator[list[int]]:
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None:
                    if self.num_words and i >= self.num_words:
                        if oov is not None:
                            vect.append(oov)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov)
            yield vect

    def texts_to_sequences(self, texts: Iterable[Any]) -> list[list[int]]:
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        out = []
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None:
                    if self.num_words and num >= self.num_words:
                        if oov is not None:
                            words.append(self.index_word[oov])
                    else:
                        words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            out.append(" ".join(words))
        return out

    def sequences_to_matrix(self, sequences: list[list[int]], mode: str = "binary"
                            ) -> np.ndarray:
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise RkValueError("The tokenizer has no vocabulary: fit it on texts with "
                               "fit_text_tokenizer() first, or give `num_words`.")
        if mode == "tfidf" and not self.document_count:
            raise RkValueError("mode = \"tfidf\" needs a tokenizer fitted on some data "
                               "(fit_text_tokenizer()).")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            counts: dict[int, int] = defaultdict(int)
            for j in seq:
                if j < num_words:
                    counts[j] += 1
            for j, c in counts.items():
                if mode == "count":
                    x[i, j] = c
                elif mode == "freq":
                    x[i, j] = c / len(seq)
                elif mode == "binary":
                    x[i, j] = 1
                else:  # tfidf: weighting scheme 2 (log-scaled tf, smoothed idf), as Keras 2
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i, j] = (1 + np.log(c)) * idf
        return x

    def texts_to_matrix(self, texts: Iterable[Any], mode: str = "binary") -> np.ndarray:
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def get_config(self) -> dict[str, Any]:
        """Keras 2's tokenizer config (its dictionaries as JSON strings)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level,
                "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs: Any) -> str:
        """The JSON of Keras 2's `Tokenizer.to_json()` (read by `tokenizer_from_json()`)."""
        return json.dumps({"class_name": "Tokenizer", "config": self.get_config()}, **kwargs)

    @classmethod
    def from_json(cls, text: str) -> "Tokenizer":
        config = dict(json.loads(text).get("config", {}))
        tables = {k: json.loads(config.pop(k, "{}"))
                  for k in ("word_counts", "word_docs", "index_docs", "index_word",
                            "word_index")}
        tok = cls(**{k: v for k, v in config.items()
                     if k in ("num_words", "filters", "lower", "split", "char_level",
                              "oov_token", "document_count")})
        tok.word_counts = OrderedDict(tables["word_counts"])
        tok.word_docs = defaultdict(int, tables["word_docs"])
        tok.index_docs = defaultdict(int, {int(k): v for k, v in tables["index_docs"].items()})
        tok.word_index = dict(tables["word_index"])
        tok.index_word = {int(k): v for k, v in tables["index_word"].items()}
        return tok


def _tokenizer(x: Any) -> Tokenizer:
    if not isinstance(x, Tokenizer):
        raise RkTypeError("Expected a tokenizer from text_tokenizer().")
    return x


def text_tokenizer(num_words: Any = None, filters: str = FILTERS, lower: Any = True,
                   split: str = " ", char_level: Any = False, oov_token: Any = None) -> Any:
    """Text tokenization utility (keras 2.x's Tokenizer).

    Turns texts into sequences of word indices or into matrices, after fitting a vocabulary
    with `fit_text_tokenizer()`. Words are indexed by how often they occur (1 is the most
    frequent; ties in order of first appearance; 0 is never used); the fields
    `tokenizer$word_index`, `$word_counts`, `$index_word` and `$document_count` are
    available after fitting.

    Args:
        num_words: Keep only the `num_words - 1` most frequent words when converting (all
            are counted); `NULL` keeps all.
        filters: Characters removed from the texts (each is replaced by `split`).
        lower: Whether to convert the texts to lower case.
        split: The word separator.
        char_level: Whether every character is a token.
        oov_token: A token (string) for words not in the vocabulary: it gets index 1 and
            replaces unknown words; `NULL` drops them.

    Returns:
        A tokenizer (changed in place by `fit_text_tokenizer()`).
    """
    return Tokenizer(num_words=num_words, filters=filters, lower=lower, split=split,
                     char_level=char_level, oov_token=oov_token)


def _text_source(x: Any) -> Iterable[Any]:
    """Texts from a character vector, or from a function returning one text (a character
    vector) per call and `NULL` at the end."""
    if callable(x):
        def generate() -> Iterator[str]:
            while True:
                value = x()
                if value is None:
                    return
                yield from _texts(value, "x")
        return generate()
    return _texts(x, "x")


def fit_text_tokenizer(object: Any, x: Any) -> Any:
    """Update a tokenizer's vocabulary from texts (or its document counts from sequences).

    Args:
        object: A tokenizer from `text_tokenizer()`; it is changed in place.
        x: A character vector of texts, a list of integer vectors (sequences of word
            indices: only the document counts used by tfidf are updated), or a function
            returning texts (a character vector) per call and `NULL` when done.

    Returns:
        The tokenizer, invisibly.
    """
    tok = _tokenizer(object)
    if isinstance(x, (list, tuple)) and x and not any(
            isinstance(t, (str, bytes, bytearray)) or t is None or t is A.NA for t in x):
        tok.fit_on_sequences(_sequences(x, "x"))
    elif isinstance(x, np.ndarray) and x.dtype.kind in "iuf":
        tok.fit_on_sequences(_sequences(x, "x"))
    else:
        tok.fit_on_texts(_text_source(x))
    return tok


def texts_to_sequences(tokenizer: Any, texts: Any) -> Any:
    """Transform each text into a sequence of word indices.

    Only words known to the tokenizer (and with an index below `num_words`, if set) are
    kept; with an `oov_token` the others become its index.

    Args:
        tokenizer: A fitted tokenizer from `text_tokenizer()`.
        texts: A character vector.

    Returns:
        A list of integer vectors, one per text.
    """
    return _tokenizer(tokenizer).texts_to_sequences(_texts(texts))


def texts_to_sequences_generator(tokenizer: Any, texts: Any) -> Any:
    """A generator of the word index sequences of texts, one text at a time.

    Args:
        tokenizer: A fitted tokenizer from `text_tokenizer()`.
        texts: A character vector.

    Returns:
        A Python generator: each `reticulate::iter_next()` gives the next integer vector.
    """
    return _tokenizer(tokenizer).texts_to_sequences_generator(_texts(texts))


def sequences_to_texts(tokenizer: Any, sequences: Any) -> Any:
    """Transform sequences of word indices back into texts.

    Args:
        tokenizer: A fitted tokenizer from `text_tokenizer()`.
        sequences: A list of integer vectors.

    Returns:
        A character vector, one text (words joined by spaces) per sequence.
    """
    return np.array(_tokenizer(tokenizer).sequences_to_texts(_sequences(sequences)),
                    dtype=str)


def texts_to_matrix(tokenizer: Any, texts: Any, mode: Any = "binary") -> Any:
    """Convert texts to a matrix (one row per text, one column per word index).

    Args:
        tokenizer: A fitted tokenizer from `text_tokenizer()`.
        texts: A character vector.
        mode: "binary" (1 where the word occurs), "count", "tfidf" or "freq" (count divided
            by the text's length).

    Returns:
        A numeric matrix with one row per text and `num_words` columns (or the vocabulary
        size + 1); column `j + 1` is word index `j` (column 1, index 0, is never set).
    """
    return _tokenizer(tokenizer).texts_to_matrix(_texts(texts), mode=_mode(mode))


def sequences_to_matrix(tokenizer: Any, sequences: Any, mode: Any = "binary") -> Any:
    """Convert a list of word index sequences into a matrix.

    Args:
        tokenizer: A tokenizer from `text_tokenizer()`.
        sequences: A list of integer vectors.
        mode: "binary", "count", "tfidf" or "freq".

    Returns:
        A numeric matrix with one row per sequence; column `j + 1` is word index `j`.
    """
    return _tokenizer(tokenizer).sequences_to_matrix(_sequences(sequences), mode=_mode(mode))


def save_text_tokenizer(object: Any, filename: Any) -> Any:
    """Save a text tokenizer to a file (Keras 2's tokenizer JSON).

    Args:
        object: A tokenizer from `text_tokenizer()`.
        filename: The file to write.

    Returns:
        The tokenizer, invisibly.
    """
    tok = _tokenizer(object)
    path = os.path.expanduser(str(A.scalar(filename)))
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(tok.to_json())
        os.replace(tmp, path)  # a failed save leaves an existing file as it was
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise RkIOError(f"Could not write the tokenizer to \"{path}\": {e.strerror}.") from None
    return tok


def load_text_tokenizer(filename: Any) -> Any:
    """Load a text tokenizer saved by `save_text_tokenizer()` (or Keras 2's `to_json()`).

    Args:
        filename: The file to read.

    Returns:
        The tokenizer.
    """
    path = os.path.expanduser(str(A.scalar(filename)))
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise RkIOError(f"Could not read \"{path}\": {e.strerror}.") from None
    try:
        return Tokenizer.from_json(text)
    except (ValueError, TypeError, AttributeError):
        raise RkIOError(f"\"{path}\" is not a saved text tokenizer (the JSON of "
                        f"save_text_tokenizer()).") from None


def skipgrams(sequence: Any, vocabulary_size: Any, window_size: Any = 4,
              negative_samples: Any = 1.0, shuffle: Any = True, categorical: Any = False,
              sampling_table: Any = None, seed: Any = None) -> Any:
    """Generate skipgram word pairs from a sequence of word indices.

    Pairs `(word, word in its window)` are labelled 1; `negative_samples` times as many
    pairs `(word, random word)` are labelled 0. Index 0 is skipped (padding).

    Args:
        sequence: An integer vector of word indices (e.g. one row of `texts_to_sequences()`).
        vocabulary_size: The largest word index + 1.
        window_size: How many words on each side of a word are its context.
        negative_samples: Number of negative pairs per positive pair (0: none).
        shuffle: Whether to shuffle the pairs.
        categorical: Whether labels are `c(0, 1)`/`c(1, 0)` pairs instead of 1/0.
        sampling_table: A vector (see `make_sampling_table()`): word `i` is kept with
            probability `sampling_table[i + 1]`.
        seed: Random seed (for the negative pairs and the shuffle).

    Returns:
        `list(couples, labels)`: `couples` a list of integer pairs `c(word, context)`,
        `labels` an integer vector (or a list of pairs when `categorical`).
    """
    seq = _sequence(sequence)
    vocab = A.as_integer(vocabulary_size, "vocabulary_size")
    window = A.as_integer(window_size, "window_size")
    negative = float(A.scalar(negative_samples))
    categorical = bool(A.as_bool(categorical))
    rng = random.Random(A.as_integer(seed, "seed"))
    table = None if sampling_table is None else np.asarray(sampling_table).reshape(-1)
    couples: list[list[int]] = []
    labels: list[Any] = []
    for i, wi in enumerate(seq):
        if not wi:
            continue
        if table is not None and table[wi] < rng.random():
            continue
        for j in range(max(0, i - window), min(len(seq), i + window + 1)):
            if j != i and seq[j]:
                couples.append([wi, seq[j]])
                labels.append([0, 1] if categorical else 1)
    if negative > 0 and couples:
        n = int(len(labels) * negative)
        words = [c[0] for c in couples]
        rng.shuffle(words)
        couples += [[words[k % len(words)], rng.randint(1, vocab - 1)] for k in range(n)]
        labels += [[1, 0] if categorical else 0] * n
    if A.as_bool(shuffle):
        order = list(range(len(couples)))
        rng.shuffle(order)
        couples = [couples[k] for k in order]
        labels = [labels[k] for k in order]
    return {"couples": couples, "labels": labels}  # Python lists, as Keras gave: R vectors


def make_sampling_table(size: Any, sampling_factor: Any = 1e-05) -> Any:
    """A word rank-based probabilistic sampling table, for `skipgrams()`.

    Element `i + 1` is the probability of keeping the word of rank `i` (word index `i` of a
    tokenizer): frequent words are sampled less, following Zipf's law as word2vec does.

    Args:
        size: Number of possible words to sample.
        sampling_factor: The sampling factor of the word2vec formula.

    Returns:
        A numeric vector of length `size`.
    """
    size = A.as_integer(size, "size")
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = float(A.scalar(sampling_factor)) * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


TEXT: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (text_tokenizer, fit_text_tokenizer, texts_to_sequences,
                            texts_to_sequences_generator, sequences_to_texts,
                            texts_to_matrix, sequences_to_matrix, save_text_tokenizer,
                            load_text_tokenizer, text_to_word_sequence, text_one_hot,
                            text_hashing_trick, skipgrams, make_sampling_table)}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(TEXT)
