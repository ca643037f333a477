# Image files as R arrays, directory datasets and time-series generators, with R
# structure (dims, values 0..255, class names) checked element by element.

test_that("image_array_save() / image_load() / image_to_array() round-trip an R array", {
  skip_if_no_engine()
  a <- array(0, c(4, 6, 3))
  a[] <- (seq_along(a) * 7) %% 256
  f <- tempfile(fileext = ".png")
  image_array_save(a, f, scale = FALSE)
  img <- image_load(f)
  x <- image_to_array(img)
  expect_equal(dim(x), c(4L, 6L, 3L))
  expect_equal(x, a, ignore_attr = TRUE)
  expect_equal(x[2, 5, 3], a[2, 5, 3])
  expect_equal(dim(image_to_array(image_load(f, grayscale = TRUE))), c(4L, 6L, 1L))
  expect_equal(dim(image_to_array(image_load(f, target_size = c(2, 3)))), c(2L, 3L, 3L))
  expect_error(image_load(file.path(tempdir(), "none.png")), "no file",
               class = "rkbridge_error")
})

test_that("image_dataset_from_directory() and text_dataset_from_directory() feed fit()", {
  skip_if_no_engine()
  d <- tempfile()
  for (cls in c("zebra", "ant")) {
    dir.create(file.path(d, "img", cls), recursive = TRUE)
    dir.create(file.path(d, "txt", cls), recursive = TRUE)
    image_array_save(array(if (cls == "ant") 10 else 200, c(4, 4, 3)),
                     file.path(d, "img", cls, "1.png"), scale = FALSE)
    writeLines(paste("about", cls), file.path(d, "txt", cls, "1.txt"))
  }
  ds <- image_dataset_from_directory(file.path(d, "img"), image_size = c(4, 4),
                                     shuffle = FALSE, verbose = FALSE)
  expect_equal(unlist(ds$class_names), c("ant", "zebra"))
  model <- keras_model_sequential(input_shape = c(4, 4, 3)) %>% layer_flatten() %>%
    layer_dense(2, activation = "softmax")
  compile(model, optimizer = "sgd", loss = "sparse_categorical_crossentropy")
  h <- fit(model, ds, epochs = 1, verbose = 0)
  expect_length(h$metrics$loss, 1)
  p <- predict(model, ds)
  expect_equal(dim(p), c(2L, 2L))
  ts <- text_dataset_from_directory(file.path(d, "txt"), shuffle = FALSE, verbose = FALSE)
  expect_equal(unlist(ts$class_names), c("ant", "zebra"))
})

test_that("a directory dataset's file that cannot be read is named when it is read", {
  skip_if_no_engine()
  d <- tempfile()
  for (cls in c("ant", "zebra")) {
    dir.create(file.path(d, cls), recursive = TRUE)
    for (i in 1:2)
      image_array_save(array(i, c(4, 4, 3)), file.path(d, cls, paste0(i, ".png")),
                       scale = FALSE)
  }
  writeLines("not an image", file.path(d, "zebra", "notes.png"))
  ds <- image_dataset_from_directory(d, image_size = c(4, 4), batch_size = 2,
                                     verbose = FALSE)
  model <- keras_model_sequential(input_shape = c(4, 4, 3)) %>% layer_flatten() %>%
    layer_dense(2, activation = "softmax")
  compile(model, optimizer = "sgd", loss = "sparse_categorical_crossentropy")
  named <- paste0("The image file \"zebra/notes\\.png\" in the `directory` \".*\" of ",
                  "image_dataset_from_directory\\(\\) cannot be read: Unknown image file ",
                  "format.* Remove or replace it")
  expect_error(fit(model, ds, epochs = 1, verbose = 0), named, class = "rkbridge_io_error")
  expect_error(predict(model, ds), named, class = "rkbridge_io_error")
  it <- as_array_iterator(ds)
  expect_error(for (i in 1:3) iter_next(it), named, class = "rkbridge_io_error")
  image_array_save(array(3, c(4, 4, 3)), file.path(d, "zebra", "notes.png"), scale = FALSE)
  expect_length(fit(model, ds, epochs = 1, verbose = 0)$metrics$loss, 1)
})

test_that("timeseries_generator() gives keras 2.x's windows and targets", {
  skip_if_no_engine()
  x <- matrix(as.numeric(1:20), ncol = 2)  # 10 time steps
  y <- as.numeric(1:10)
  gen <- timeseries_generator(x, y, length = 3, batch_size = 2)
  b <- generator_next(gen)
  expect_equal(dim(b[[1]]), c(2L, 3L, 2L))
  expect_equal(b[[1]][1, , ], x[1:3, ])
  expect_equal(b[[1]][2, , ], x[2:4, ])
  expect_equal(as.vector(b[[2]]), y[4:5])
  model <- keras_model_sequential(input_shape = c(3, 2)) %>% layer_flatten() %>%
    layer_dense(1)
  compile(model, optimizer = "sgd", loss = "mse")
  expect_equal(dim(predict(model, timeseries_generator(x, y, length = 3, batch_size = 2))),
               c(7L, 1L))
})
