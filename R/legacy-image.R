# Keras 2's legacy image preprocessing (rkbridge/datautils/legacy_image.py): image_data_generator()
# and the flow_images_from_*() iterators, usable as `x` of fit(), evaluate(), predict().

#' Image data generator: random augmentation and standardisation (keras 2.x)
#'
#' Keras 3 removed `ImageDataGenerator`; rkbridge implements its keras 2.x behaviour. Per
#' image: a random rotation, shift, shear and zoom, channel shift, brightness and flips;
#' then `preprocessing_function`, `rescale`, sample-wise and feature-wise centring and
#' scaling (feature-wise statistics come from [fit_image_data_generator()]). Images are
#' arrays of samples x height x width x channels.
#'
#' @param featurewise_center,featurewise_std_normalization Centre (scale) each channel by
#'   the mean (standard deviation) of the images given to [fit_image_data_generator()].
#' @param samplewise_center,samplewise_std_normalization Centre (scale) each image by its
#'   own mean (standard deviation).
#' @param zca_whitening Not supported (must be `FALSE`).
#' @param zca_epsilon Unused.
#' @param rotation_range Degrees of random rotation (uniform in +-range).
#' @param width_shift_range,height_shift_range Random shifts: a fraction of the width
#'   (height) if < 1, else pixels.
#' @param brightness_range `c(lower, upper)` of a random brightness factor.
#' @param shear_range Shear angle in degrees.
#' @param zoom_range A number `z` (zoom in `[1 - z, 1 + z]`) or `c(lower, upper)`.
#' @param channel_shift_range Range of a random shift added to all channels.
#' @param fill_mode Points outside the image: `"nearest"`, `"constant"`, `"reflect"` or
#'   `"wrap"`.
#' @param cval Value of outside points with `fill_mode = "constant"`.
#' @param horizontal_flip,vertical_flip Randomly flip half of the images.
#' @param rescale A factor multiplied into the data (e.g. `1/255`), after the other
#'   transformations.
#' @param preprocessing_function An R function applied to each image (an R array, height x
#'   width x channels) before the other standardisation; it returns an array of the same
#'   dimensions.
#' @param data_format Only `"channels_last"`.
#' @param validation_split Fraction of images reserved for `subset = "validation"` in the
#'   `flow_images_from_*()` functions (the first images of arrays, the first files of each
#'   class directory).
#' @param dtype Data type of the batches.
#' @return An image data generator for the `flow_images_from_*()` functions.
#' @examples
#' if (rkbridge_available()) {
#'   gen <- image_data_generator(rescale = 1/255, horizontal_flip = TRUE)
#'   it <- flow_images_from_data(array(runif(96, 0, 255), c(2, 4, 4, 3)), c(0, 1),
#'                               generator = gen, batch_size = 2)
#'   range(generator_next(it)[[1]])
#' }
#' @export
image_data_generator <- function(featurewise_center = FALSE, samplewise_center = FALSE,
                                 featurewise_std_normalization = FALSE,
                                 samplewise_std_normalization = FALSE,
                                 zca_whitening = FALSE, zca_epsilon = 1e-6,
                                 rotation_range = 0, width_shift_range = 0,
                                 height_shift_range = 0, brightness_range = NULL,
                                 shear_range = 0, zoom_range = 0, channel_shift_range = 0,
                                 fill_mode = "nearest", cval = 0, horizontal_flip = FALSE,
                                 vertical_flip = FALSE, rescale = NULL,
                                 preprocessing_function = NULL, data_format = NULL,
                                 validation_split = 0, dtype = NULL) {
  args <- rk_capture()
  if (is.function(args$preprocessing_function) &&
      !inherits(args$preprocessing_function, "python.builtin.object")) {
    f <- args$preprocessing_function
    label <- sprintf("`preprocessing_function` (%s) of image_data_generator()",
                     paste(deparse(substitute(preprocessing_function), width.cutoff = 60L),
                           collapse = " "))
    # the image arrives as an engine array and the result goes back through the transport
    args$preprocessing_function <- bridge()$r_function(
      function(x) rk_to_engine(f(arrays_to_r(x))), label = label)
  }
  rk_call("image_data_generator", args)
}

#' Feature-wise statistics of an image data generator from sample images
#'
#' @param object An [image_data_generator()] (changed in place).
#' @param x A 4-D array of images (samples x height x width x channels).
#' @param augment Whether to compute the statistics on randomly augmented copies.
#' @param rounds With `augment = TRUE`, how many augmented copies of `x` to use.
#' @param seed Random seed.
#' @return The generator, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   gen <- image_data_generator(featurewise_center = TRUE)
#'   fit_image_data_generator(gen, array(runif(96), c(2, 4, 4, 3)))
#' }
#' @export
fit_image_data_generator <- function(object, x, augment = FALSE, rounds = 1, seed = NULL) {
  rk_call("fit_image_data_generator", rk_capture())
}

#' Batches of images from arrays, a directory or a data frame (keras 2.x)
#'
#' Iterators over augmented, standardised batches, usable as `x` of [fit()],
#' [evaluate()] and [predict()] (or [fit_generator()]) and with [generator_next()]. With
#' `shuffle = FALSE` the batches hold consecutive images in order; otherwise a new random
#' order each epoch. `flow_images_from_directory()` reads one subdirectory per class (class
#' indices follow the sorted directory names, `$class_indices`); files are taken in sorted
#' order. Labels by `class_mode`: `"categorical"` (one-hot matrix), `"binary"` or
#' `"sparse"` (class codes 0..k-1), `"input"` (the images themselves), `"raw"` (the
#' `y_col` values of a data frame) or `NULL` (images only).
#'
#' @param x A 4-D array of images (samples x height x width x channels).
#' @param y Labels, one per image (optional).
#' @param generator An [image_data_generator()].
#' @param batch_size Images per batch.
#' @param shuffle Whether to shuffle the images.
#' @param sample_weight Per-image weights (optional).
#' @param seed Random seed (shuffling and transformations).
#' @param save_to_dir,save_prefix,save_format Ignored.
#' @param subset `"training"` or `"validation"`, with the generator's `validation_split`.
#' @param directory Directory with one subdirectory per class (or, for a data frame, the
#'   directory the file names are relative to).
#' @param target_size `c(height, width)` the images are resized to.
#' @param color_mode `"rgb"`, `"rgba"` or `"grayscale"`.
#' @param classes Class names (subdirectories or `y_col` values) in index order; by default
#'   all, sorted.
#' @param class_mode How labels are given (see Details).
#' @param follow_links Whether to follow symbolic links.
#' @param interpolation Resampling when resizing: `"nearest"`, `"bilinear"`, ...
#' @param dataframe A data frame with the file names and labels.
#' @param x_col,y_col Columns of `dataframe` with the file names and the labels.
#' @param drop_duplicates Ignored.
#' @return An iterator over batches (`list(x, y)`, or `x`).
#' @examples
#' if (rkbridge_available()) {
#'   it <- flow_images_from_data(array(1:96, c(2, 4, 4, 3)), c(0, 1), shuffle = FALSE)
#'   batch <- generator_next(it)
#'   dim(batch[[1]])
#'   batch[[2]]
#' }
#' @export
flow_images_from_data <- function(x, y = NULL, generator = image_data_generator(),
                                  batch_size = 32, shuffle = TRUE, sample_weight = NULL,
                                  seed = NULL, save_to_dir = NULL, save_prefix = "",
                                  save_format = "png", subset = NULL) {
  args <- rk_capture()
  args$generator <- generator
  rk_call("flow_images_from_data", args)
}

#' @rdname flow_images_from_data
#' @export
flow_images_from_directory <- function(directory, generator = image_data_generator(),
                                       target_size = c(256, 256), color_mode = "rgb",
                                       classes = NULL, class_mode = "categorical",
                                       batch_size = 32, shuffle = TRUE, seed = NULL,
                                       save_to_dir = NULL, save_prefix = "",
                                       save_format = "png", follow_links = FALSE,
                                       subset = NULL, interpolation = "nearest") {
  args <- rk_capture()
  args$generator <- generator
  rk_call("flow_images_from_directory", args)
}

#' @rdname flow_images_from_data
#' @export
flow_images_from_dataframe <- function(dataframe, directory = NULL, x_col = "filename",
                                       y_col = "class", generator = image_data_generator(),
                                       target_size = c(256, 256), color_mode = "rgb",
                                       classes = NULL, class_mode = "categorical",
                                       batch_size = 32, shuffle = TRUE, seed = NULL,
                                       save_to_dir = NULL, save_prefix = "",
                                       save_format = "png", subset = NULL,
                                       interpolation = "nearest", drop_duplicates = NULL) {
  args <- rk_capture()
  args$generator <- generator
  rk_call("flow_images_from_dataframe", args)
}
