# keras 2.x's image_data_generator() and flow_images_from_*(), checked element by element
# against the documented keras 2.x results.

set.seed(2)
imgs <- array(round(runif(10 * 6 * 5 * 3, 0, 255)), c(10, 6, 5, 3))
labels <- 0:9

test_that("flow_images_from_data() with transforms off returns the images in order", {
  skip_if_no_engine()
  it <- flow_images_from_data(imgs, labels, batch_size = 4, shuffle = FALSE)
  b <- generator_next(it)
  expect_equal(dim(b[[1]]), c(4L, 6L, 5L, 3L))
  expect_equal(b[[1]], imgs[1:4, , , ], tolerance = 1e-6)
  expect_equal(as.vector(b[[2]]), 0:3)
  expect_equal(as.vector(generator_next(it)[[2]]), 4:7)
  expect_equal(as.vector(generator_next(it)[[2]]), 8:9)
})

test_that("rescale is exact and flips only mirror", {
  skip_if_no_engine()
  gen <- image_data_generator(rescale = 1/255, horizontal_flip = TRUE)
  b <- generator_next(flow_images_from_data(imgs, generator = gen, batch_size = 10,
                                            shuffle = FALSE, seed = 1))
  for (i in 1:10) {
    same <- isTRUE(all.equal(b[i, , , ], imgs[i, , , ] / 255, tolerance = 1e-6))
    flipped <- isTRUE(all.equal(b[i, , , ], imgs[i, , 5:1, ] / 255, tolerance = 1e-6))
    expect_true(same || flipped)
  }
})

test_that("an R preprocessing_function gets R arrays; featurewise centring needs fitting", {
  skip_if_no_engine()
  gen <- image_data_generator(preprocessing_function = function(x) {
    stopifnot(identical(dim(x), c(6L, 5L, 3L)))
    x * 0 + x[1, 1, 1]
  })
  b <- generator_next(flow_images_from_data(imgs, generator = gen, batch_size = 2,
                                            shuffle = FALSE))
  expect_true(all(b[1, , , ] == imgs[1, 1, 1, 1]))
  g2 <- image_data_generator(featurewise_center = TRUE)
  fit_image_data_generator(g2, imgs)
  b2 <- generator_next(flow_images_from_data(imgs, generator = g2, batch_size = 10,
                                             shuffle = FALSE))
  expect_equal(b2[, , , 2], imgs[, , , 2] - mean(imgs[, , , 2]), tolerance = 1e-4)
})

test_that("flow_images_from_directory() and _dataframe(): classes, modes, and fit()", {
  skip_if_no_engine()
  d <- tempfile()
  np <- reticulate::import("numpy", convert = FALSE)
  pil <- reticulate::import("PIL.Image")
  for (cls in c("dog", "cat")) dir.create(file.path(d, cls), recursive = TRUE)
  make <- function(path, v) {
    a <- np$full(reticulate::tuple(4L, 6L, 3L), as.integer(v), dtype = "uint8")
    pil$fromarray(a)$save(path)
  }
  make(file.path(d, "dog", "a.png"), 10); make(file.path(d, "dog", "b.png"), 20)
  make(file.path(d, "cat", "a.png"), 30)
  it <- flow_images_from_directory(d, target_size = c(4, 6), batch_size = 3,
                                   shuffle = FALSE)
  expect_equal(it$class_indices, list(cat = 0L, dog = 1L))
  b <- generator_next(it)
  expect_equal(dim(b[[1]]), c(3L, 4L, 6L, 3L))
  expect_equal(b[[1]][, 1, 1, 1], c(30, 10, 20))
  expect_equal(b[[2]], rbind(c(1, 0), c(0, 1), c(0, 1)))
  bs <- generator_next(flow_images_from_directory(d, target_size = c(4, 6),
                                                  class_mode = "sparse", shuffle = FALSE))
  expect_equal(as.vector(bs[[2]]), c(0, 1, 1))
  only_x <- generator_next(flow_images_from_directory(d, target_size = c(4, 6),
                                                      class_mode = NULL, shuffle = FALSE))
  expect_equal(dim(only_x), c(3L, 4L, 6L, 3L))
  df <- data.frame(filename = c("dog/b.png", "cat/a.png"), class = c("dog", "cat"))
  bd <- generator_next(flow_images_from_dataframe(df, directory = d, target_size = c(4, 6),
                                                  class_mode = "binary", shuffle = FALSE))
  expect_equal(bd[[1]][, 1, 1, 1], c(20, 30))
  expect_equal(as.vector(bd[[2]]), c(1, 0))

  model <- keras_model_sequential(input_shape = c(4, 6, 3)) %>% layer_flatten() %>%
    layer_dense(2, activation = "softmax")
  compile(model, optimizer = "sgd", loss = "categorical_crossentropy")
  h <- fit(model, it, epochs = 1, verbose = 0)
  expect_length(h$metrics$loss, 1)
  expect_equal(dim(predict(model, flow_images_from_directory(d, target_size = c(4, 6),
                                                             class_mode = NULL,
                                                             shuffle = FALSE))), c(3L, 2L))
})
