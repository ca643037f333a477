# Keras 2's text preprocessing from R: R character vectors in; integer vectors, lists and
# matrices out, with the values keras 2.x gives (worked out by hand).

texts <- c("The cat sat on the mat.", "The dog ate my homework!")

test_that("text_tokenizer() + fit_text_tokenizer(): word_index by count, in place", {
  skip_if_no_engine()
  tok <- text_tokenizer(oov_token = "<unk>")
  res <- withVisible(tok %>% fit_text_tokenizer(texts))
  expect_false(res$visible)
  expect_identical(tok$document_count, 2L)
  wi <- tok$word_index
  expect_identical(wi[["<unk>"]], 1L)
  expect_identical(wi[["the"]], 2L)
  expect_identical(wi[["homework"]], 10L)
  expect_identical(tok$word_counts[["the"]], 3L)
})

test_that("texts_to_sequences(): a list of integer vectors; num_words and oov", {
  skip_if_no_engine()
  tok <- fit_text_tokenizer(text_tokenizer(), texts)
  seqs <- texts_to_sequences(tok, c("the cat ate a fish", "mat the"))
  expect_identical(seqs, list(c(1L, 2L, 7L), c(5L, 1L)))
  expect_identical(texts_to_sequences(tok, "mat"), list(5L))
  tok5 <- fit_text_tokenizer(text_tokenizer(num_words = 5, oov_token = "<unk>"), texts)
  expect_identical(texts_to_sequences(tok5, "the cat ate a fish"), list(c(2L, 3L, 1L, 1L, 1L)))
  expect_identical(sequences_to_texts(tok, list(c(1, 2), 9)), c("the cat", "homework"))
  gen <- texts_to_sequences_generator(tok, c("the", "dog"))
  expect_identical(reticulate::iter_next(gen), 1L)
})

test_that("texts_to_matrix() / sequences_to_matrix(): column j + 1 is word index j", {
  skip_if_no_engine()
  tok <- fit_text_tokenizer(text_tokenizer(), texts)
  m <- texts_to_matrix(tok, c("the the cat", "dog"), mode = "count")
  expect_identical(dim(m), c(2L, 10L))
  expect_equal(m[1, ], c(0, 2, 1, 0, 0, 0, 0, 0, 0, 0))
  expect_equal(m[2, 7], 1)
  expect_equal(texts_to_matrix(tok, "the the cat")[1, 1:3], c(0, 1, 1))  # binary
  tfidf <- texts_to_matrix(tok, "the the cat", mode = "tfidf")
  expect_equal(tfidf[1, 2], (1 + log(2)) * log(1 + 2 / 3))
  s <- sequences_to_matrix(text_tokenizer(num_words = 3), list(c(1, 1, 2, 5), 2), mode = "count")
  expect_equal(s, rbind(c(0, 2, 1), c(0, 0, 1)))
  expect_error(texts_to_matrix(tok, "x", mode = "bm25"), class = "rkbridge_value_error")
})

test_that("save_text_tokenizer() / load_text_tokenizer() round trip", {
  skip_if_no_engine()
  tok <- fit_text_tokenizer(text_tokenizer(num_words = 7), texts)
  file <- tempfile(fileext = ".json")
  save_text_tokenizer(tok, file)
  back <- load_text_tokenizer(file)
  expect_identical(back$word_index, tok$word_index)
  expect_identical(texts_to_matrix(back, texts, mode = "tfidf"),
                   texts_to_matrix(tok, texts, mode = "tfidf"))
})

test_that("text_to_word_sequence(), text_hashing_trick(), text_one_hot()", {
  skip_if_no_engine()
  expect_identical(text_to_word_sequence("Hello, World!  Again"), c("hello", "world", "again"))
  expect_identical(text_to_word_sequence("Hello, World!", lower = FALSE), c("Hello", "World"))
  h <- text_hashing_trick("the cat the", n = 10, hash_function = "md5")
  expect_type(h, "integer")
  expect_length(h, 3)
  expect_identical(h[1], h[3])
  expect_true(all(h >= 1 & h <= 9))
  oh <- text_one_hot("a b a", n = 5)
  expect_identical(oh[1], oh[3])
})

test_that("skipgrams(): list(couples = list of pairs, labels = integers)", {
  skip_if_no_engine()
  sg <- skipgrams(c(1, 2, 3), vocabulary_size = 4, window_size = 1, negative_samples = 0,
                  shuffle = FALSE)
  expect_named(sg, c("couples", "labels"))
  expect_identical(sg$couples, list(c(1L, 2L), c(2L, 1L), c(2L, 3L), c(3L, 2L)))
  expect_identical(sg$labels, c(1L, 1L, 1L, 1L))
  neg <- skipgrams(c(1, 2, 3), vocabulary_size = 4, window_size = 1, seed = 1)
  expect_identical(sort(neg$labels), c(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L))
  t <- make_sampling_table(3, sampling_factor = 0.01)
  expect_equal(t[3], sqrt(0.01 * (2 * (log(2) + 0.577) + 0.5 - 1 / 24)))
})

test_that("NA texts and strings that are not UTF-8 are errors naming the element", {
  skip_if_no_engine()
  tok <- text_tokenizer()
  # NA would have been the word "na", "caf\xe9" the words "caf" and "e9"
  expect_error(fit_text_tokenizer(tok, c("the cat", NA)), "`x[[2]]` is NA", fixed = TRUE)
  expect_error(fit_text_tokenizer(tok, c("the cat", "caf\xe9")),
               "`x[[2]]` (\"caf\\xe9\") is not valid UTF-8", fixed = TRUE)
  fit_text_tokenizer(tok, "the cat")
  expect_false(any(c("na", "caf", "e9") %in% names(tok$word_index)))
  expect_error(texts_to_sequences(tok, c(NA, "cat")), "`texts[[1]]` is NA", fixed = TRUE)
  layer <- layer_text_vectorization()
  expect_error(adapt(layer, c("a b", NA)), "`data[[2]]` is NA", fixed = TRUE)
  # a string whose encoding is declared is read as R prints it
  latin1 <- "caf\xe9"
  Encoding(latin1) <- "latin1"
  fit_text_tokenizer(tok, latin1)
  expect_true("caf\u00e9" %in% names(tok$word_index))
})

test_that("pad_sequences() refuses NA, naming the sequence", {
  skip_if_no_engine()
  # NumPy would have made it -2147483648 with only a warning
  expect_error(pad_sequences(list(1:2, c(1, NA, 3))),
               "`sequences[[2]]` holds NA, NaN or Inf (at position 2)", fixed = TRUE)
  expect_error(pad_sequences(list(c(1L, NA))), "`sequences[[1]]` holds NA", fixed = TRUE)
  expect_equal(pad_sequences(list(c(1, 3)), maxlen = 3), matrix(c(0L, 1L, 3L), 1))
})
