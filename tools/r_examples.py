"""The examples of the generated Rd pages, declared once.

An example calls the function with its required arguments, taking each value from
`ARG_VALUES` (by argument name, per family where the same name means different things),
then shows the result the way an R user would look at it (`FOLLOW_UP`). `OVERRIDES` holds
complete examples where a generic call would say little. `NOT_RUN` lists functions whose
example cannot run on a machine without network or optional Python packages, and why.
"""
from __future__ import annotations

TENSOR = "k_constant(matrix(c(1, -2, 3, -4, 5, -6), nrow = 2))"

# Values for required arguments, by argument name.
ARG_VALUES: dict[str, str] = {
    "units": "4", "filters": "2", "kernel_size": "3", "rate": "0.5", "pool_size": "2",
    "output_size": "2", "height": "4", "width": "4", "axes": "-1", "equation": '"ab,bc->ac"',
    "output_shape": "4", "input_dim": "10", "output_dim": "4", "stddev": "0.1",
    "num_bins": "4", "function": "function(x) x", "max_number": "2", "num_heads": "2",
    "key_dim": "4", "head_dim": "4", "num_query_heads": "4", "num_key_value_heads": "2",
    "dims": "c(2, 1)", "layers": "list(layer_rescaling(scale = 0.5))",
    "factor": "0.2", "height_factor": "0.2", "width_factor": "0.2", "n": "3", "scale": "1/255",
    "target_shape": "c(2, 2)", "cell": "layer_simple_rnn_cell(units = 4)",
    "cells": "list(layer_lstm_cell(units = 4), layer_lstm_cell(units = 2))",
    "layer": "layer_dense(units = 2)", "filepath": '"saved_model_dir"',
    "activation": '"relu"', "threshold": "0.5", "default_value": "0",
    "backup_dir": "file.path(tempdir(), \"backup\")", "filename": "tempfile(fileext = \".csv\")",
    "schedule": "function(epoch, lr) lr * 0.9", "directory": "tempdir()",
    "initial_learning_rate": "0.1", "decay_steps": "100", "first_decay_steps": "100",
    "decay_rate": "0.9", "boundaries": "c(100, 200)", "values": "c(0.1, 0.01, 0.001)",
    "num_classes": "2", "target_class_ids": "c(0, 1)", "fn": "loss_mean_squared_error",
    "recall": "0.5", "precision": "0.5", "specificity": "0.5", "sensitivity": "0.5",
    "inner_optimizer": "optimizer_sgd()",
    "optimizer_map": "list(list(optimizer_sgd(), list()))",
    # backend ops
    "x": TENSOR, "x1": TENSOR, "x2": TENSOR, "xs": f"list({TENSOR}, {TENSOR})",
    "inputs": TENSOR, "condition": f"k_greater({TENSOR}, 0)", "value": "c(1, 2, 3)",
    "shape": "c(2, 3)", "dtype": '"float32"', "newshape": "c(3, 2)", "x_min": "-1",
    "x_max": "1", "repeats": "2", "k": "1", "indices": "c(0, 1)", "reference": TENSOR,
    "pattern": "c(2, 1)", "rep": "2", "new_x": "1", "increment": "1", "decrement": "1",
    "bias": "c(1, 2, 3)", "variable": TENSOR, "start": "1", "stop": "5", "level": "0.5",
}
OP_TENSOR = 'op_array(matrix(c(1, -2, 3, -4, 5, -6), nrow = 2), dtype = "float32")'
FAMILY_VALUES: dict[str, dict[str, str]] = {
    "op": {"x": OP_TENSOR, "x1": OP_TENSOR, "x2": OP_TENSOR, "inputs": OP_TENSOR,
           "condition": f"op_greater({OP_TENSOR}, 0)", "indices": "c(1, 2)",
           "shape": "c(2, 3)", "newshape": "c(3, 2)", "k": "1", "a": OP_TENSOR,
           "b": OP_TENSOR, "y": OP_TENSOR},
    "random": {"shape": "c(2, 3)", "seed": "1", "x": OP_TENSOR, "inputs": OP_TENSOR},
    # keras 2.x's argument names of the k_*() functions
    "backend": {"y": TENSOR, "a": "2", "tensors": f"list({TENSOR}, {TENSOR})",
                "min_value": "-1", "max_value": "1", "n": "2", "size": "3",
                "variables": TENSOR},
    "callback": {"filepath": 'file.path(tempdir(), "model.keras")'},
}

# Families whose examples are runnable but slow (R CMD check skips \donttest), and why.
SLOW: dict[str, str] = {
    "application": "Builds a whole network: can take seconds and much memory.",
}

# How the result is shown.
FOLLOW_UP: dict[str, str] = {
    "activation": "as.array({call})",
    "backend": "{call}",
    "op": "{call}",
    "random": "{call}",
    "config": "{call}",
    "utils": "{call}",
}

_MERGE_INPUTS = ['a <- layer_input(shape = c(3))', 'b <- layer_input(shape = c(3))']
OVERRIDES: dict[str, list[str]] = {
    # merge layers take their inputs as separate arguments or as one list
    "layer_add": _MERGE_INPUTS + ['model <- keras_model(list(a, b), layer_add(a, b))',
                                  'predict(model, list(matrix(1:3, 1), matrix(4:6, 1)))'],
    "layer_multiply": _MERGE_INPUTS + [
        'model <- keras_model(list(a, b), layer_multiply(list(a, b)))',
        'predict(model, list(matrix(1:3, 1), matrix(4:6, 1)))'],
    "layer_concatenate": _MERGE_INPUTS + [
        'model <- keras_model(list(a, b), layer_concatenate(a, b, axis = -1))',
        'predict(model, list(matrix(1:3, 1), matrix(4:6, 1)))'],
    "layer_dot": _MERGE_INPUTS + [
        'model <- keras_model(list(a, b), layer_dot(a, b, axes = 2))',
        'predict(model, list(matrix(1:3, 1), matrix(4:6, 1)))'],
    "layer_activation_thresholded_relu": [
        'model <- keras_model_sequential(input_shape = c(4)) %>%',
        '  layer_activation_thresholded_relu(theta = 0.5)',
        'predict(model, matrix(c(-1, 0.5, 0.6, 2), nrow = 1))'],
    "layer_gru_cell": ['cell <- layer_gru_cell(4)',
                       'model <- keras_model_sequential(input_shape = c(10, 3)) %>%',
                       '  layer_rnn(cell)'],
    "metric_cosine_proximity": [
        'y_true <- matrix(c(1, 0, 1, 1), nrow = 2, byrow = TRUE)',
        'y_pred <- matrix(c(1, 0, 2, 1), nrow = 2, byrow = TRUE)',
        'as.array(metric_cosine_proximity(y_true, y_pred))  # minus the cosine similarity'],
    "layer_dense": ['model <- keras_model_sequential(input_shape = c(8)) %>%',
                    '  layer_dense(units = 4, activation = "relu")',
                    'model'],
    "layer_conv_2d": ['model <- keras_model_sequential(input_shape = c(28, 28, 1)) %>%',
                      '  layer_conv_2d(filters = 8, kernel_size = c(3, 3)) %>%',
                      '  layer_max_pooling_2d(pool_size = c(2, 2))',
                      'model'],
    "layer_max_pooling_2d": ['model <- keras_model_sequential(input_shape = c(8, 8, 1)) %>%',
                             '  layer_max_pooling_2d(pool_size = c(2, 2))',
                             'model'],
    "layer_lstm": ['model <- keras_model_sequential(input_shape = c(10, 3)) %>%',
                   '  layer_lstm(units = 4)',
                   'model'],
    "bidirectional": ['model <- keras_model_sequential(input_shape = c(10, 3)) %>%',
                      '  bidirectional(layer_lstm(units = 4))',
                      'model'],
    "layer_bidirectional": ['model <- keras_model_sequential(input_shape = c(10, 3)) %>%',
                            '  layer_bidirectional(layer_lstm(units = 4))',
                            'model'],
    "time_distributed": ['model <- keras_model_sequential(input_shape = c(10, 3)) %>%',
                         '  time_distributed(layer_dense(units = 2))',
                         'model'],
    "layer_embedding": ['model <- keras_model_sequential(input_shape = c(5)) %>%',
                        '  layer_embedding(input_dim = 100, output_dim = 8)',
                        'model'],
    "layer_dropout": ['inputs <- layer_input(shape = c(4))',
                      'outputs <- inputs %>% layer_dense(units = 8) %>% layer_dropout(rate = 0.5)',
                      'outputs'],
    "loss_mean_squared_error": ['loss_mean_squared_error(y_true = c(0, 1, 1), '
                                'y_pred = c(0.1, 0.8, 0.6))',
                                'loss <- loss_mean_squared_error()'],
    "metric_binary_accuracy": ['as.array(metric_binary_accuracy(y_true = c(0, 1, 1), '
                               'y_pred = c(0.1, 0.8, 0.4)))'],
    "callback_lambda": ['cb <- callback_lambda(on_epoch_end = function(epoch, logs)',
                        '  cat("epoch", epoch, "loss", logs$loss, "\\n"))'],
    "layer_category_encoding": ['layer <- layer_category_encoding(num_tokens = 4)'],
    "layer_discretization": ['layer <- layer_discretization(num_bins = 4)'],
    "layer_random_posterization": ['layer <- layer_random_posterization(factor = 4)'],
    "k_sum": [f'x <- {TENSOR}', 'as.array(k_sum(x, axis = 2))  # sums over columns: per row',
              'as.array(k_sum(x, axis = 1))  # over rows'],
    "k_mean": [f'x <- {TENSOR}', 'as.array(k_mean(x, axis = -1))'],
    "k_concatenate": [f'x <- {TENSOR}', 'dim(as.array(k_concatenate(list(x, x), axis = 1)))'],
    "k_stack": [f'x <- {TENSOR}', 'dim(as.array(k_stack(list(x, x), axis = 1)))'],
    "k_unstack": [f'length(k_unstack({TENSOR}, axis = 1))'],
    "k_dot": [f'x <- {TENSOR}', 'as.array(k_dot(x, k_transpose(x)))'],
    "k_batch_dot": ['x <- k_constant(matrix(1:6, 2))',
                    'as.array(k_batch_dot(x, x, axes = 2))  # per row: sum(x[i, ] * x[i, ])'],
    "k_matmul": [f'x <- {TENSOR}', 'as.array(k_matmul(x, k_transpose(x)))'],
    "k_expand_dims": ['print(dim(as.array(k_expand_dims(k_constant(c(1, 2, 3)), axis = 1))))',
                      'dim(as.array(k_expand_dims(k_constant(c(1, 2, 3)))))  # a last axis'],
    "k_squeeze": ['dim(as.array(k_squeeze(k_constant(matrix(1:3, 1)), axis = 1)))'],
    "k_one_hot": ['as.array(k_one_hot(k_constant(c(0L, 2L), dtype = "int32"), '
                  'num_classes = 3))'],
    "k_sparse_categorical_crossentropy": [
        'as.array(k_sparse_categorical_crossentropy(k_constant(c(0, 1)), '
        'k_constant(matrix(c(0.9, 0.2, 0.1, 0.8), 2))))'],
    "k_categorical_crossentropy": [
        'y <- k_constant(matrix(c(1, 0, 0, 1), 2))',
        'as.array(k_categorical_crossentropy(y, k_constant(matrix(c(0.9, 0.2, 0.1, 0.8), 2))))'],
    "k_binary_crossentropy": [
        'as.array(k_binary_crossentropy(k_constant(c(0, 1)), k_constant(c(0.1, 0.8))))'],
    "k_in_top_k": ['predictions <- k_constant(matrix(c(0.1, 0.9, 0.9, 0.1), 2))',
                   'as.array(k_in_top_k(predictions, targets = c(1, 1), k = 1))'],
    "k_gather": ['as.array(k_gather(k_constant(c(10, 20, 30)), c(0L, 2L)))'],
    "k_take": ['as.array(k_take(k_constant(c(10, 20, 30)), c(0L, 2L)))'],
    "k_where": [f'x <- {TENSOR}', 'as.array(k_where(k_greater(x, 0), x, 0))'],
    "k_switch": [f'x <- {TENSOR}', 'as.array(k_switch(k_greater(x, 0), x, 0))'],
    "k_moments": [f'k_moments({TENSOR}, axes = 1)'],
    "k_pad": [f'dim(as.array(k_pad({TENSOR}, pad_width = matrix(1, 2, 2))))'],
    "k_conv1d": ['x <- k_constant(array(1, c(1, 5, 1)))',
                 'as.array(k_conv1d(x, k_constant(array(1, c(2, 1, 1)))))'],
    "k_conv2d": ['x <- k_constant(array(1, c(1, 4, 4, 1)))',
                 'dim(as.array(k_conv2d(x, k_constant(array(1, c(2, 2, 1, 1))))))'],
    "k_conv3d": ['x <- k_constant(array(1, c(1, 3, 3, 3, 1)))',
                 'dim(as.array(k_conv3d(x, k_constant(array(1, c(2, 2, 2, 1, 1))))))'],
    "k_conv2d_transpose": ['x <- k_constant(array(1, c(1, 2, 2, 1)))',
                           'kernel <- k_constant(array(1, c(2, 2, 1, 1)))',
                           'as.array(k_conv2d_transpose(x, kernel, '
                           'output_shape = c(1, 3, 3, 1)))[1, , , 1]'],
    "k_depthwise_conv2d": ['x <- k_constant(array(1, c(1, 4, 4, 1)))',
                           'dim(as.array(k_depthwise_conv2d(x, '
                           'k_constant(array(1, c(2, 2, 1, 1))))))'],
    "k_separable_conv2d": ['x <- k_constant(array(1, c(1, 4, 4, 1)))',
                           'dim(as.array(k_separable_conv2d(x, '
                           'k_constant(array(1, c(2, 2, 1, 1))), '
                           'k_constant(array(1, c(1, 1, 1, 2))))))'],
    "k_pool2d": ['x <- k_constant(array(1:16, c(1, 4, 4, 1)))',
                 'dim(as.array(k_pool2d(x, pool_size = c(2, 2), strides = c(2, 2))))'],
    "k_ctc_batch_cost": ['# 1 sample, 2 steps, classes 0, 1 and the blank (the last)',
                         'y_pred <- array(c(0.6, 0.5, 0.1, 0.2, 0.3, 0.3), c(1, 2, 3))',
                         'as.array(k_ctc_batch_cost(y_true = matrix(0, 1, 1), y_pred,',
                         '  input_length = matrix(2, 1, 1), label_length = matrix(1, 1, 1)))'],
    "k_ctc_decode": ['y_pred <- array(c(0.6, 0.1, 0.1, 0.3, 0.1, 0.8), c(1, 2, 3))',
                     'res <- k_ctc_decode(y_pred, input_length = 2)',
                     'as.array(res[[1]][[1]])  # class 0, then a blank: -1 pads'],
    "k_batch_normalization": [
        f'x <- {TENSOR}',
        'as.array(k_batch_normalization(x, mean = c(0, 1, 2), var = c(1, 1, 4), beta = 0,',
        '                               gamma = 1, axis = -1))'],
    "k_random_binomial": ['as.array(k_random_binomial(shape = c(2, 3), p = 0.5, seed = 1))'],
    "k_random_bernoulli": ['as.array(k_random_bernoulli(shape = c(2, 3), p = 0.5, seed = 1))'],
    "k_random_normal_variable": [
        'v <- k_random_normal_variable(c(2, 3), mean = 0, scale = 1, seed = 1)',
        'k_get_value(v)'],
    "k_random_uniform_variable": [
        'v <- k_random_uniform_variable(c(2, 3), low = 0, high = 1, seed = 1)',
        'k_get_value(v)'],
    "k_batch_get_value": ['a <- k_variable(c(1, 2))', 'b <- k_variable(matrix(1:4, 2))',
                          'k_batch_get_value(list(a, b))'],
    "k_batch_set_value": ['a <- k_variable(c(1, 2))', 'b <- k_variable(matrix(1:4, 2))',
                          'k_batch_set_value(list(list(a, c(5, 6)), list(b, diag(2))))',
                          'k_batch_get_value(list(a, b))'],
    "k_get_variable_shape": ['k_get_variable_shape(k_variable(matrix(1:6, 2)))'],
    "k_conv3d_transpose": ['x <- k_constant(array(1, c(1, 2, 2, 2, 1)))',
                           'kernel <- k_constant(array(1, c(2, 2, 2, 1, 1)))',
                           'dim(as.array(k_conv3d_transpose(x, kernel, '
                           'output_shape = c(1, 3, 3, 3, 1))))'],
    "k_ctc_label_dense_to_sparse": [
        'labels <- matrix(c(1, 4, 2, 5, 3, 0), nrow = 2)  # 2 samples, up to 3 labels',
        'sp <- k_ctc_label_dense_to_sparse(labels, label_lengths = c(3, 2))',
        'print(k_is_sparse(sp))', 'as.array(k_to_dense(sp))'],
    "k_is_sparse": ['print(k_is_sparse(k_constant(c(1, 2))))',
                    'k_is_sparse(k_ctc_label_dense_to_sparse(matrix(1, 1, 2), 2))'],
    "k_to_dense": ['sp <- k_ctc_label_dense_to_sparse(matrix(c(1, 2), 1), 1)',
                   'as.array(k_to_dense(sp))'],
    "k_foldl": ['print(as.array(k_foldl(function(acc, x) acc + x, k_constant(c(1, 2, 3)))))',
                'as.array(k_foldl(function(acc, x) acc * 2 + x, c(1, 2, 3), initializer = 0))'],
    "k_foldr": ['as.array(k_foldr(function(acc, x) acc * 2 + x, c(1, 2, 3), initializer = 0))'],
    "k_map_fn": ['x <- k_constant(matrix(1:6, 2))',
                 'as.array(k_map_fn(function(row) row * 2, x))'],
    "k_pool3d": ['x <- k_constant(array(1:64, c(1, 4, 4, 4, 1)))',
                 'dim(as.array(k_pool3d(x, pool_size = c(2, 2, 2), strides = c(2, 2, 2))))'],
    "k_print_tensor": ['x <- k_print_tensor(k_constant(c(1, 2, 3)), message = "x:")'],
    "k_resize_images": ['x <- k_constant(array(1:4, c(1, 2, 2, 1)))',
                        'y <- k_resize_images(x, 2, 3, data_format = "channels_last")',
                        'as.array(y)[1, , , 1]'],
    "k_resize_volumes": ['x <- k_constant(array(1:8, c(1, 2, 2, 2, 1)))',
                         'dim(as.array(k_resize_volumes(x, 2, 1, 3, '
                         'data_format = "channels_last")))'],
    "k_temporal_padding": ['x <- k_constant(array(1, c(1, 3, 2)))',
                           'as.array(k_temporal_padding(x, padding = c(1, 2)))[1, , ]'],
    "k_spatial_2d_padding": ['x <- k_constant(array(1, c(1, 2, 2, 1)))',
                             'as.array(k_spatial_2d_padding(x, '
                             'padding = list(c(1, 0), c(0, 2))))[1, , , 1]'],
    "k_spatial_3d_padding": ['x <- k_constant(array(1, c(1, 2, 2, 2, 1)))',
                             'dim(as.array(k_spatial_3d_padding(x)))'],
    "k_top_k": [f'k_top_k(k_constant(c(3, 1, 2)), k = 2)'],
    "k_argsort": ['as.array(k_argsort(k_constant(c(3, 1, 2))))'],
    "k_sort": ['as.array(k_sort(k_constant(c(3, 1, 2))))'],
    "k_eye": ['as.array(k_eye(3))'],
    "k_identity": [f'as.array(k_identity({TENSOR}))'],
    "k_repeat": ['dim(as.array(k_repeat(k_constant(matrix(1:6, 2)), n = 4)))'],
    "k_arange": ['as.array(k_arange(1, 5))'],
    "k_variable": ['v <- k_variable(matrix(1:4, 2))', 'k_get_value(v)'],
    "k_get_value": ['v <- k_variable(matrix(1:4, 2))', 'k_get_value(v)'],
    "k_eval": ['k_eval(k_constant(c(1, 2)))'],
    "k_set_value": ['v <- k_variable(c(1, 2))', 'k_set_value(v, c(3, 4))', 'k_get_value(v)'],
    "k_update": ['v <- k_variable(c(1, 2))', 'k_update(v, c(3, 4))'],
    "k_update_add": ['v <- k_variable(c(1, 2))', 'k_update_add(v, c(1, 1))'],
    "k_update_sub": ['v <- k_variable(c(1, 2))', 'k_update_sub(v, c(1, 1))'],
    "k_count_params": ['k_count_params(k_variable(matrix(1:6, 2)))'],
    "k_set_epsilon": ['old <- k_epsilon()', 'k_set_epsilon(1e-5)', 'k_set_epsilon(old)'],
    "k_set_floatx": ['k_set_floatx("float32")'],
    "k_set_image_data_format": ['k_set_image_data_format("channels_last")'],
    "k_clear_session": ['k_clear_session()'],
    "k_norm": [f'as.array(k_norm({TENSOR}))'],
    "k_shape": [f'k_shape({TENSOR})'],
    "k_cast": [f'k_cast({TENSOR}, "int32")'],
    "k_ones": ['as.array(k_ones(c(2, 3)))'],
    "k_zeros": ['as.array(k_zeros(c(2, 3)))'],
    "k_random_normal": ['dim(as.array(k_random_normal(c(2, 3), seed = 1)))'],
    "k_random_uniform": ['dim(as.array(k_random_uniform(c(2, 3), seed = 1)))'],
    "k_truncated_normal": ['dim(as.array(k_truncated_normal(c(2, 3), seed = 1)))'],
    "k_dropout": [f'k_dropout({TENSOR}, level = 0.5, seed = 1)'],
    "activation_glu": ['as.array(activation_glu(matrix(c(1, 2, 3, 4), nrow = 1)))'],
    "pad_sequences": ['pad_sequences(list(c(1, 2, 3), c(4, 5)), maxlen = 4)'],
    "normalize": ['normalize(matrix(c(3, 0, 4, 1), 2))'],
    "timeseries_dataset_from_array": [
        'x <- matrix(1:20, ncol = 2)',
        'ds <- timeseries_dataset_from_array(x, targets = NULL, sequence_length = 3,',
        '                                    batch_size = 4)',
        'ds'],
    "image_load": [
        'f <- tempfile(fileext = ".png")',
        'image_array_save(array(runif(4 * 6 * 3, 0, 255), c(4, 6, 3)), f, scale = FALSE)',
        'img <- image_load(f)',
        'dim(image_to_array(img))'],
    "image_array_save": [
        'f <- tempfile(fileext = ".png")',
        'image_array_save(array(runif(4 * 6 * 3, 0, 255), c(4, 6, 3)), f, scale = FALSE)',
        'file.exists(f)'],
    "image_dataset_from_directory": [
        'd <- tempfile(); dir.create(file.path(d, "a"), recursive = TRUE)',
        'image_array_save(array(runif(48, 0, 255), c(4, 4, 3)), file.path(d, "a", "1.png"))',
        'ds <- image_dataset_from_directory(d, image_size = c(4, 4), verbose = FALSE)',
        'ds$class_names'],
    "text_dataset_from_directory": [
        'd <- tempfile(); dir.create(file.path(d, "pos"), recursive = TRUE)',
        'writeLines("a fine film", file.path(d, "pos", "1.txt"))',
        'ds <- text_dataset_from_directory(d, verbose = FALSE)',
        'ds$class_names'],
    "audio_dataset_from_directory": [
        'd <- tempfile(); dir.create(file.path(d, "beep"), recursive = TRUE)',
        'con <- file(file.path(d, "beep", "1.wav"), "wb")',
        'samples <- as.integer(1000 * sin(1:800 / 5))',
        'writeBin(c(charToRaw("RIFF")), con); writeBin(36L + 1600L, con, size = 4)',
        'writeBin(charToRaw("WAVEfmt "), con); writeBin(16L, con, size = 4)',
        'writeBin(c(1L, 1L), con, size = 2); writeBin(c(8000L, 16000L), con, size = 4)',
        'writeBin(c(2L, 16L), con, size = 2); writeBin(charToRaw("data"), con)',
        'writeBin(1600L, con, size = 4); writeBin(samples, con, size = 2); close(con)',
        'ds <- audio_dataset_from_directory(d, verbose = FALSE)',
        'ds$class_names'],
    "timeseries_generator": [
        'x <- matrix(1:20, ncol = 2)',
        'gen <- timeseries_generator(x, x, length = 3, batch_size = 2)',
        'batch <- generator_next(gen)',
        'dim(batch[[1]])'],
    "image_to_array": ['dim(image_to_array(array(0, c(4, 4, 3))))'],
    "image_array_resize": ['dim(image_array_resize(array(0, c(4, 4, 3)), height = 2, '
                           'width = 2))'],
    "image_smart_resize": ['dim(image_smart_resize(array(0, c(4, 6, 3)), size = c(2, 2)))'],
    "callback_tensorboard": [
        '# TensorBoard logs need the Python package tensorboard in the engine\'s Python',
        'if (reticulate::py_module_available("tensorboard"))',
        '  cb <- callback_tensorboard(log_dir = file.path(tempdir(), "logs"))'],
    "application_mobilenet_v2": [
        'model <- application_mobilenet_v2(weights = NULL, input_shape = c(32, 32, 3),',
        '                                  alpha = 0.35, classes = 10)',
        'x <- mobilenet_v2_preprocess_input(array(runif(32 * 32 * 3, 0, 255), c(1, 32, 32, 3)))',
        'dim(predict(model, x, verbose = 0))'],
    "get_file": ['# a file:// origin here; https:// URLs download the same way',
                 'src <- tempfile(fileext = ".csv")',
                 'writeLines(c("a,b", "1,2"), src)',
                 'path <- get_file("example.csv", origin = paste0("file://", src),',
                 '                 cache_dir = tempdir())',
                 'readLines(path)  # later calls use this cached copy'],
    "dataset_mnist": ["mnist <- dataset_mnist()", "x_train <- mnist$train$x  # 60000 x 28 x 28 integers", "y_train <- mnist$train$y  # digits 0-9", "dim(x_train)"],
    "dataset_fashion_mnist": ["fashion <- dataset_fashion_mnist()", "dim(fashion$train$x)", "table(fashion$train$y)"],
    "dataset_cifar10": ["cifar <- dataset_cifar10()", "dim(cifar$train$x)  # 50000 32 32 3"],
    "dataset_imdb": ["imdb <- dataset_imdb(num_words = 10000)", "imdb$train$x[[1]]  # word indices of the first review", "imdb$train$y[1]"],
    "dataset_reuters": ["reuters <- dataset_reuters(num_words = 10000, test_split = 0.2)", "length(reuters$train$x)"],
    "dataset_reuters_word_index": ["index <- dataset_reuters_word_index()", "head(names(index))"],
    "dataset_boston_housing": ["boston <- dataset_boston_housing()", "dim(boston$train$x)  # 404 13"],
    'dataset_cifar100': ['cifar <- dataset_cifar100(label_mode = "coarse")', 'range(cifar$train$y)  # 0 19'],
    'dataset_imdb_word_index': ['index <- dataset_imdb_word_index()', 'index[["movie"]]'],
    'dataset_california_housing': ['housing <- dataset_california_housing(version = "small")', 'dim(housing$train$x)'],
    'text_tokenizer': ['texts <- c("The cat sat on the mat.", "The dog ate my homework!")', 'tokenizer <- text_tokenizer(num_words = 10, oov_token = "<unk>")', 'fit_text_tokenizer(tokenizer, texts)', 'unlist(tokenizer$word_index)[1:4]  # <unk> 1, the 2, cat 3, sat 4'],
    'fit_text_tokenizer': ['tokenizer <- text_tokenizer()', 'tokenizer %>% fit_text_tokenizer(c("a b b", "b c"))', 'tokenizer$document_count'],
    'texts_to_sequences': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'texts_to_sequences(tokenizer, c("b a", "c d"))  # list(c(1, 2), 3)'],
    'texts_to_sequences_generator': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'gen <- texts_to_sequences_generator(tokenizer, c("b a", "c"))', 'reticulate::iter_next(gen)'],
    'sequences_to_texts': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'sequences_to_texts(tokenizer, list(c(1, 2), 3))  # "b a" "c"'],
    'texts_to_matrix': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'texts_to_matrix(tokenizer, c("a b b", "c"), mode = "count")'],
    'sequences_to_matrix': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'sequences_to_matrix(tokenizer, list(c(1, 1, 2), 3), mode = "binary")'],
    'save_text_tokenizer': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'file <- tempfile(fileext = ".json")', 'save_text_tokenizer(tokenizer, file)', 'identical(load_text_tokenizer(file)$word_index, tokenizer$word_index)'],
    'load_text_tokenizer': ['tokenizer <- fit_text_tokenizer(text_tokenizer(), c("a b b", "b c"))', 'file <- tempfile(fileext = ".json")', 'save_text_tokenizer(tokenizer, file)', 'load_text_tokenizer(file)$word_counts'],
    'text_to_word_sequence': ['text_to_word_sequence("Hello, world! Hello again.")'],
    'text_one_hot': ['text_one_hot("the cat sat on the mat", n = 20)'],
    'text_hashing_trick': ['text_hashing_trick("the cat sat on the mat", n = 20, hash_function = "md5")'],
    'skipgrams': ['sg <- skipgrams(c(1, 2, 3, 4), vocabulary_size = 5, window_size = 1,', '                negative_samples = 0, shuffle = FALSE)', 'str(sg)'],
    'make_sampling_table': ['round(make_sampling_table(5, sampling_factor = 0.01), 3)'],
    'train_on_batch': ['model <- keras_model_sequential(input_shape = 3) %>% layer_dense(units = 1)', 'model %>% compile(optimizer = "sgd", loss = "mse", metrics = "mae")', 'x <- matrix(runif(12), nrow = 4)', 'train_on_batch(model, x, y = rowSums(x))  # list(loss =, mae =)'],
    'test_on_batch': ['model <- keras_model_sequential(input_shape = 3) %>% layer_dense(units = 1)', 'model %>% compile(optimizer = "sgd", loss = "mse")', 'x <- matrix(runif(12), nrow = 4)', 'test_on_batch(model, x, y = rowSums(x))  # the loss'],
    'predict_on_batch': ['model <- keras_model_sequential(input_shape = 3) %>% layer_dense(units = 2)', 'predict_on_batch(model, matrix(runif(12), nrow = 4))'],
    'reset_states': ['model <- keras_model_sequential(input_shape = c(5, 2), input_batch_size = 1) %>%', '  layer_lstm(units = 3, stateful = TRUE)', 'invisible(predict_on_batch(model, array(1, c(1, 5, 2))))', 'reset_states(model)'],
    'reset_state': ['metric <- metric_mean()', 'metric$update_state(c(1, 2, 3))', 'reset_state(metric)', 'as.array(metric$result())  # 0'],
    'clear_session': ['clear_session()'],
    'adapt': ['layer <- layer_text_vectorization()', 'adapt(layer, c("the cat sat", "the dog"))', 'get_vocabulary(layer)'],
    'get_vocabulary': ['layer <- layer_string_lookup()', 'adapt(layer, c("b", "a", "b"))', 'get_vocabulary(layer)  # "[UNK]" "b" "a"'],
    'set_vocabulary': ['layer <- layer_string_lookup()', 'set_vocabulary(layer, c("red", "green"))', 'get_vocabulary(layer)  # "[UNK]" "red" "green": "green" becomes 2'],
}


# op_*(), random_*() and config_*() whose inputs must have a particular form.
SQUARE = 'm <- op_array(matrix(c(4, 1, 1, 3), 2), dtype = "float32")'
X = 'x <- op_array(matrix(c(1, -2, 3, -4, 5, -6), nrow = 2), dtype = "float32")'
V = 'v <- op_array(c(3, 1, 2), dtype = "float32")'
INTS = 'i <- op_array(c(12L, 18L, 5L), dtype = "int32")'
IMG = 'img <- op_array(array(runif(2 * 8 * 8 * 3), c(2, 8, 8, 3)), dtype = "float32")'
SEQ = 's <- op_array(array(runif(2 * 16), c(2, 16)), dtype = "float32")'
OP_OVERRIDES: dict[str, list[str]] = {
    **{f"config_{n}": [f"config_{n}()"] for n in (
        "backend", "epsilon", "floatx", "image_data_format", "dtype_policy", "max_epochs",
        "max_steps_per_epoch", "is_flash_attention_enabled", "is_nnx_enabled",
        "is_interactive_logging_enabled", "is_traceback_filtering_enabled")},
    "config_set_epsilon": ["old <- config_epsilon()", "config_set_epsilon(1e-5)",
                           "config_epsilon()", "config_set_epsilon(old)"],
    "config_set_floatx": ["old <- config_floatx()", 'config_set_floatx("float64")',
                          "config_floatx()", "config_set_floatx(old)"],
    "config_set_image_data_format": [
        "old <- config_image_data_format()", 'config_set_image_data_format("channels_first")',
        "config_set_image_data_format(old)"],
    "config_set_dtype_policy": ['config_set_dtype_policy("float32")', "config_dtype_policy()"],
    "config_set_backend": ['config_set_backend("tensorflow")'],
    "config_set_max_epochs": ["config_set_max_epochs(NULL)  # no limit"],
    "config_set_max_steps_per_epoch": ["config_set_max_steps_per_epoch(NULL)  # no limit"],
    "config_enable_interactive_logging": ["config_enable_interactive_logging()"],
    "config_disable_interactive_logging": ["config_disable_interactive_logging()",
                                           "config_enable_interactive_logging()"],
    "config_enable_traceback_filtering": ["config_enable_traceback_filtering()"],
    "config_disable_traceback_filtering": ["config_disable_traceback_filtering()",
                                           "config_enable_traceback_filtering()"],
    "config_enable_flash_attention": ["config_enable_flash_attention()",
                                      "config_disable_flash_attention()"],
    "config_disable_flash_attention": ["config_disable_flash_attention()"],
    "config_enable_unsafe_deserialization": ["config_enable_unsafe_deserialization()"],
    "clear_session": ["clear_session()"],
    "set_random_seed": ["set_random_seed(42)", "a <- op_convert_to_array(random_normal(c(2)))",
                        "set_random_seed(42)",
                        "identical(a, op_convert_to_array(random_normal(c(2))))"],
    "random_beta": ["random_beta(c(2, 3), alpha = 2, beta = 3, seed = 1)"],
    "random_binomial": ["random_binomial(c(2, 3), counts = 10, probabilities = 0.5, seed = 1)"],
    "random_gamma": ["random_gamma(c(2, 3), alpha = 2, seed = 1)"],
    "random_categorical": [
        "# 1-based classes: 1 or 2, mostly 2",
        "random_categorical(log(matrix(c(0.1, 0.9), 1)), num_samples = 5, seed = 1)"],
    "random_seed_generator": ["gen <- random_seed_generator(seed = 42)",
                              "random_normal(c(2, 2), seed = gen)"],
    "op_argmax": [X, "op_argmax(x, axis = 1)  # 1-based row of each column's maximum"],
    "op_argmin": [X, "op_argmin(x, axis = 2)  # 1-based column of each row's minimum"],
    "op_argsort": [V, "op_argsort(v)  # 2 3 1, as order() gives"],
    "op_argpartition": [V, "op_argpartition(v, kth = 2)"],
    "op_searchsorted": ["op_searchsorted(c(1, 3, 5), c(2, 4))"],
    "op_digitize": ["op_digitize(c(0.5, 1.5, 2.5), bins = c(1, 2))"],
    "op_top_k": [V, "op_top_k(v, k = 2)  # values 3, 2 at positions 1, 3"],
    "op_take": [V, "op_take(v, c(3, 1))"],
    "op_take_along_axis": [X, 'op_take_along_axis(x, op_array(matrix(c(2L, 1L, 2L), 1)), axis = 1)'],
    "op_one_hot": ['op_one_hot(op_array(c(1L, 3L)), num_classes = 3)'],
    "op_multi_hot": ['op_multi_hot(op_array(matrix(c(0L, 2L), 1)), num_classes = 3)'],
    "op_scatter": ['op_scatter(indices = matrix(c(1, 2, 2, 1), 2), values = c(5, 6), shape = c(2, 2))'],
    "op_scatter_update": [X, "op_scatter_update(x, indices = matrix(c(1, 2, 1, 3), 2),",
                          '  updates = op_array(c(0, 0), "float32"))'],
    "op_slice": [X, "op_slice(x, start_indices = c(1, 2), shape = c(2, 2))"],
    "op_slice_update": [X, "op_slice_update(x, start_indices = c(1, 2), "
                        "updates = op_zeros(c(1, 2)))"],
    "op_segment_sum": ["op_segment_sum(c(1, 2, 3, 4), segment_ids = c(1, 1, 2, 2), "
                       "num_segments = 2)"],
    **{f"op_segment_{n}": [f"op_segment_{n}(c(1, 2, 3, 4), segment_ids = c(1, 1, 2, 2), "
                           "num_segments = 2)"] for n in ("max", "min", "prod")},
    "op_unravel_index": ['op_unravel_index(c(1, 6), shape = c(2, 3))'],
    "op_switch": [X, "op_switch(2, list(function(a) a + 1, function(a) a * 10), x)"],
    "op_einsum": [X, 'op_einsum("ij,kj->ik", x, x)'],
    "op_meshgrid": ['op_meshgrid(c(1, 2), c(3, 4, 5), indexing = "ij")'],
    "op_pmax": [X, "op_pmax(x, 0, -x)"],
    "op_pmin": [X, "op_pmin(x, 0)"],
    "op_cond": ['op_cond(TRUE, function() op_array(1), function() op_array(0))'],
    "op_while_loop": ['op_while_loop(function(i) i < 10, function(i) list(i + 1), list(0))'],
    "op_fori_loop": ['op_fori_loop(0, 5, function(i, total) total + i, 0)'],
    "op_map": [V, "op_map(v, function(e) e * 2)"],
    "op_scan": ['op_scan(function(carry, e) list(carry + e, carry + e), 0, op_array(c(1, 2, 3), "float32"))'],
    "op_associative_scan": ['op_associative_scan(function(a, b) a + b, c(1, 2, 3, 4))'],
    "op_vectorized_map": [X, "op_vectorized_map(x, function(row) row * 2)"],
    "op_vectorize": ["f <- op_vectorize(function(a, b) a + b)", "f(c(1, 2), c(10, 20))"],
    "op_select": [V, "op_select(list(op_less(v, 2), op_greater(v, 2)), list(-v, v))"],
    "op_dot": [X, "op_dot(x, op_transpose(x))"],
    "op_matmul": [X, "op_matmul(x, op_transpose(x))"],
    "op_expand_dims": [X, "op_shape(op_expand_dims(x, axis = 1))"],
    "op_moveaxis": [X, "op_shape(op_moveaxis(x, source = 1, destination = 2))"],
    "op_swapaxes": [X, "op_shape(op_swapaxes(x, axis1 = 1, axis2 = 2))"],
    "op_roll": [V, "op_roll(v, shift = 1)"],
    "op_rot90": [X, "op_rot90(x)"],
    "op_pad": [X, "op_pad(x, pad_width = matrix(1, 2, 2))"],
    "op_tri": ["op_tri(3)"],
    "op_eye": ["op_eye(3)"],
    "op_full": ["op_full(c(2, 2), fill_value = 7)"],
    "op_full_like": [X, "op_full_like(x, fill_value = 7)"],
    "op_split": [X, "op_split(x, 3, axis = 2)"],
    "op_array_split": [X, "op_array_split(x, 2, axis = 2)"],
    "op_hsplit": [X, "op_hsplit(x, 3)"],
    "op_vsplit": [X, "op_vsplit(x, 2)"],
    "op_dsplit": ["op_dsplit(op_ones(c(1, 2, 4)), 2)"],
    "op_glu": ["op_glu(matrix(c(1, 2, 3, 4), 1))"],
    "op_histogram": ["op_histogram(c(1, 2, 2, 3, 3, 3), bins = 3)"],
    "op_vander": ["op_vander(c(1, 2, 3))"],
    "op_bincount": ['op_bincount(op_array(c(0L, 1L, 1L, 3L)))'],
    "op_correlate": ["op_correlate(c(1, 2, 3), c(0, 1, 0.5))"],
    "op_percentile": [V, "op_percentile(v, 50)"],
    "op_quantile": [V, "op_quantile(v, 0.5)"],
    "op_nanpercentile": ["op_nanpercentile(c(1, NaN, 3), 50)"],
    "op_nanquantile": ["op_nanquantile(c(1, NaN, 3), 0.5)"],
    "op_polar": ["op_polar(c(1, 2), c(0, pi / 2))"],
    "op_full_like": [X, "op_full_like(x, 7)"],
    "op_in_top_k": ['op_in_top_k(op_array(c(1L, 0L)), op_array(matrix(c(0.1, 0.9, 0.9, 0.1), 2), "float32"), k = 1)'],
    "op_binary_crossentropy": ["op_binary_crossentropy(c(0, 1), c(0.1, 0.8))"],
    "op_categorical_crossentropy": [
        "op_categorical_crossentropy(matrix(c(1, 0, 0, 1), 2), "
        "matrix(c(0.9, 0.2, 0.1, 0.8), 2))"],
    "op_sparse_categorical_crossentropy": [
        'op_sparse_categorical_crossentropy(op_array(c(0L, 1L)), '
        'matrix(c(0.9, 0.2, 0.1, 0.8), 2))'],
    **{f"op_{n}": [SQUARE, f"op_{n}(m)"] for n in (
        "cholesky", "det", "eig", "eigh", "inv", "logdet", "lu_factor", "slogdet",
        "cholesky_inverse")},
    "op_solve": [SQUARE, "op_solve(m, op_array(matrix(c(1, 2), 2), dtype = \"float32\"))"],
    "op_solve_triangular": [SQUARE, 'op_solve_triangular(m, op_array(matrix(c(1, 2), 2), '
                            'dtype = "float32"), lower = TRUE)'],
    **{f"op_{n}": [INTS, f"op_{n}(i, op_array(c(2L, 3L, 1L), dtype = \"int32\"))"] for n in (
        "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
        "bitwise_right_shift", "left_shift", "right_shift", "gcd", "lcm")},
    **{f"op_{n}": [INTS, f"op_{n}(i)"] for n in ("bitwise_invert", "bitwise_not")},
    "op_ldexp": ['op_ldexp(c(1, 2), op_array(c(1L, 3L)))'],
    **{f"op_{n}": [f"op_{n}(5)"] for n in ("bartlett", "blackman", "hamming", "hanning")},
    "op_kaiser": ["op_kaiser(5, beta = 8.6)"],
    **{f"op_{n}": [X, f"op_{n}(list(x, op_zeros_like(x)))"]
       for n in ("fft", "fft2", "ifft2")},
    "op_irfft": [V, "op_irfft(op_rfft(v))"],
    "op_stft": [SEQ, "op_stft(s, sequence_length = 8, sequence_stride = 4, fft_length = 8)"],
    "op_istft": [SEQ, "y <- op_stft(s, sequence_length = 8, sequence_stride = 4, "
                 "fft_length = 8)",
                 "op_istft(y, sequence_length = 8, sequence_stride = 4, fft_length = 8)"],
    "op_extract_sequences": [SEQ, "op_extract_sequences(s, sequence_length = 4, "
                             "sequence_stride = 4)"],
    "op_layer_normalization": [X, "op_layer_normalization(x)"],
    "op_rms_normalization": [X, "op_rms_normalization(x)"],
    "op_batch_normalization": [X, "op_batch_normalization(x, mean = c(0, 0, 0), "
                               "variance = c(1, 1, 1), axis = -1)"],
    "op_normalize": [X, "op_normalize(x, axis = -1)"],
    "op_dot_product_attention": [
        'q <- op_array(array(runif(1 * 4 * 2 * 8), c(1, 4, 2, 8)), dtype = "float32")',
        "op_shape(op_dot_product_attention(q, q, q))"],
    "op_conv": [IMG, 'k <- op_ones(c(3, 3, 3, 2))', "op_shape(op_conv(img, k))"],
    "op_depthwise_conv": [IMG, 'k <- op_ones(c(3, 3, 3, 1))',
                          "op_shape(op_depthwise_conv(img, k))"],
    "op_separable_conv": [IMG, "op_shape(op_separable_conv(img, op_ones(c(3, 3, 3, 1)), "
                          "op_ones(c(1, 1, 3, 4))))"],
    "op_conv_transpose": [IMG, "op_shape(op_conv_transpose(img, op_ones(c(3, 3, 2, 3)), "
                          "strides = 2))"],
    "op_max_pool": [IMG, "op_shape(op_max_pool(img, pool_size = 2))"],
    "op_average_pool": [IMG, "op_shape(op_average_pool(img, pool_size = 2))"],
    "op_adaptive_max_pool": [IMG, "op_shape(op_adaptive_max_pool(img, output_size = 2))"],
    "op_adaptive_average_pool": [IMG, "op_shape(op_adaptive_average_pool(img, "
                                 "output_size = 2))"],
    "op_depth_to_space": [IMG, 'op_shape(op_depth_to_space(op_ones(c(1, 2, 2, 4)), '
                          'block_size = 2))'],
    "op_space_to_depth": [IMG, "op_shape(op_space_to_depth(img, block_size = 2))"],
    "op_fold": ['op_shape(op_fold(op_ones(c(1, 4, 9)), output_size = c(4, 4), '
                'kernel_size = 2))'],
    "op_unfold": [IMG, 'op_shape(op_unfold(op_ones(c(1, 1, 4, 4)), kernel_size = 2))'],
    "op_view_as_complex": ["op_view_as_complex(matrix(c(1, 2, 3, 4), 2))"],
    "op_rearrange": [X, 'op_shape(op_rearrange(x, "a b -> b a"))'],
    "op_jvp": ['op_jvp(function(v) v * v, list(c(1, 2)), list(c(1, 1)))'],
    "op_psnr": [IMG, "op_psnr(img, img * 0.9, max_val = 1)"],
    "op_ctc_loss": [
        '# labels: 1 x 2 codes; logits: 1 x 4 steps x 3 classes (class 1 is the mask)',
        'op_ctc_loss(op_array(matrix(c(2L, 3L), 1)), op_array(array(0, c(1, 4, 3)), '
        'dtype = "float32"),',
        '  op_array(array(2L, 1)), op_array(array(4L, 1)))'],
    "op_ctc_decode": ['op_ctc_decode(op_array(array(runif(12), c(1, 4, 3)), '
                      'dtype = "float32"), op_array(array(4L, 1)))'],
    "op_image_resize": [IMG, "op_shape(op_image_resize(img, size = c(4, 4)))"],
    "op_image_crop": [IMG, "op_shape(op_image_crop(img, top_cropping = 1, "
                      "left_cropping = 1, target_height = 4, target_width = 4))"],
    "op_image_pad": [IMG, "op_shape(op_image_pad(img, top_padding = 1, left_padding = 1, "
                     "target_height = 10, target_width = 10))"],
    "op_image_rgb_to_grayscale": [IMG, "op_shape(op_image_rgb_to_grayscale(img))"],
    "op_image_rgb_to_hsv": [IMG, "op_shape(op_image_rgb_to_hsv(img))"],
    "op_image_hsv_to_rgb": [IMG, "op_shape(op_image_hsv_to_rgb(img))"],
    "op_image_gaussian_blur": [IMG, "op_shape(op_image_gaussian_blur(img))"],
    "op_image_sobel_edges": [IMG, "op_shape(op_image_sobel_edges(img))"],
    "op_image_ssim": [IMG, "op_image_ssim(img, img, max_val = 1, filter_size = 3)"],
    "op_image_extract_patches": [IMG, "op_shape(op_image_extract_patches(img, size = 4))"],
    "op_image_extract_patches_3d": [
        'vol <- op_ones(c(1, 4, 4, 4, 1))',
        "op_shape(op_image_extract_patches_3d(vol, size = 2))"],
    "op_image_affine_transform": [
        IMG, "op_shape(op_image_affine_transform(img, transform = "
        "c(1, 0, 0, 0, 1, 0, 0, 0)))"],
    "op_image_perspective_transform": [
        IMG, "pts <- matrix(c(0, 0, 7, 0, 7, 7, 0, 7), 4, byrow = TRUE)",
        "op_shape(op_image_perspective_transform(img, start_points = array(pts, c(1, 4, 2)),",
        "  end_points = array(pts, c(1, 4, 2))))"],
    "op_image_elastic_transform": [IMG, "op_shape(op_image_elastic_transform(img, seed = 1))"],
    "op_image_map_coordinates": [
        'op_image_map_coordinates(matrix(1:4, 2), list(c(0, 1), c(1, 0)), order = 1)'],
    "op_image_scale_and_translate": [
        IMG, 'op_shape(op_image_scale_and_translate(img, output_shape = c(2, 4, 4, 3),',
        '  scale = c(0.5, 0.5), translation = c(0, 0), spatial_dims = c(2, 3),',
        '  method = "linear"))'],
}
OVERRIDES.update(OP_OVERRIDES)

# layer_feature_space() and its feature specifications: a space, its data, its output.
_HOUSES = ['houses <- list(age = c(31, 45, 27, 60), city = c("Oslo", "Rome", "Oslo", "Lima"),',
           '               rooms = c(2, 3, 2, 4))']
FEATURE_SPACE: dict[str, list[str]] = {
    "layer_feature_space": _HOUSES + [
        'space <- layer_feature_space(features = list(age = "float_normalized",',
        '  city = "string_categorical", rooms = "integer_categorical"),',
        '  crosses = list(c("city", "rooms")), crossing_dim = 8)',
        'adapt(space, houses)',
        'x <- space(houses)',
        'dim(x)  # 4 x 17: age (1), city (4), rooms (4), city_X_rooms (8)',
        'get_vocabulary(space$preprocessors$city)  # the columns of the city block',
        '# given the data, the space comes back adapted',
        'space <- layer_feature_space(houses, features = list(age = "float_normalized"))',
        'space(list(age = c(30, 50)))'],
    "feature_float": [
        'space <- layer_feature_space(features = list(x = feature_float()))',
        'space(list(x = c(1.5, 2, -3)))  # nothing to adapt: a 3 x 1 matrix'],
    "feature_float_rescaled": [
        'space <- layer_feature_space(features = list(',
        '  x = feature_float_rescaled(scale = 2, offset = 1)))',
        'space(list(x = c(0, 1, 2)))  # 1, 3, 5'],
    "feature_float_normalized": [
        'data <- list(x = c(1, 2, 3, 4))',
        'space <- layer_feature_space(data, features = list(x = feature_float_normalized()))',
        'space(data)  # (x - mean(x)) / sqrt(mean((x - mean(x))^2))'],
    "feature_float_discretized": [
        'data <- list(x = c(0.5, 1.5, 2.5, 3.5, 4.5, 5.5))',
        'space <- layer_feature_space(data, features = list(',
        '  x = feature_float_discretized(num_bins = 3)))',
        'space(list(x = c(1, 5)))  # one-hot: the lowest bin, the highest bin',
        '# fixed bins: their indices (from 0), in a named list',
        'space <- layer_feature_space(features = list(',
        '  x = feature_float_discretized(bin_boundaries = c(0, 10), output_mode = "int")),',
        '  output_mode = "dict")',
        'space(list(x = c(-5, 5, 15)))$x  # 0, 1, 2'],
    "feature_integer_categorical": [
        'data <- list(rooms = c(2, 3, 2, 4))',
        'space <- layer_feature_space(data, features = list(',
        '  rooms = feature_integer_categorical()))',
        'get_vocabulary(space$preprocessors$rooms)  # -1 (out of vocabulary), 2, ...',
        'space(list(rooms = c(2, 5)))  # 5 was not seen: column 1'],
    "feature_string_categorical": [
        'data <- list(city = c("Oslo", "Rome", "Oslo", "Lima"))',
        'space <- layer_feature_space(data, features = list(',
        '  city = feature_string_categorical(max_tokens = 3)))',
        'get_vocabulary(space$preprocessors$city)  # "[UNK]" "Oslo" ...',
        'space(list(city = c("Oslo", "Paris")))'],
    "feature_integer_hashed": [
        'space <- layer_feature_space(features = list(id = feature_integer_hashed(num_bins = 4)))',
        'space(list(id = c(10, 11, 10)))  # one 1 per row; equal ids, equal columns'],
    "feature_string_hashed": [
        'space <- layer_feature_space(features = list(',
        '  word = feature_string_hashed(num_bins = 4)))',
        'space(list(word = c("a", "b", "a")))'],
    "feature_cross": [
        'data <- list(city = c("Oslo", "Rome", "Oslo"), rooms = c(2, 3, 2))',
        'space <- layer_feature_space(data,',
        '  features = list(city = "string_categorical", rooms = "integer_categorical"),',
        '  crosses = list(feature_cross(c("city", "rooms"), crossing_dim = 4)))',
        'dim(space(data))  # 3 x 10: city (3), rooms (3), city_X_rooms (4)'],
    "feature_custom": [
        'data <- list(text = c("a red car", "a blue car", "red red"))',
        'space <- layer_feature_space(data, features = list(text = feature_custom(',
        '  dtype = "string", output_mode = "float",',
        '  preprocessor = layer_text_vectorization(output_mode = "tf_idf"))))',
        'round(space(data), 2)'],
}
OVERRIDES.update(FEATURE_SPACE)

# Functions whose example is shown but not run, and why.
NOT_RUN: dict[str, str] = {
    "dataset_mnist": "downloads the dataset into the Keras cache (once)",
    "dataset_fashion_mnist": "downloads the dataset into the Keras cache (once)",
    "dataset_cifar10": "downloads the dataset into the Keras cache (once)",
    "dataset_cifar100": "downloads the dataset into the Keras cache (once)",
    "dataset_imdb": "downloads the dataset into the Keras cache (once)",
    "dataset_imdb_word_index": "downloads the dataset into the Keras cache (once)",
    "dataset_reuters": "downloads the dataset into the Keras cache (once)",
    "dataset_reuters_word_index": "downloads the dataset into the Keras cache (once)",
    "dataset_boston_housing": "downloads the dataset into the Keras cache (once)",
    "dataset_california_housing": "downloads the dataset into the Keras cache (once)",
    "decode_predictions": "needs the ImageNet class index file in the local Keras cache",
    "initializer_stft": "needs the optional Python package scipy",
    "layer_stft_spectrogram": "needs the optional Python package scipy",
    "layer_tfsm": "needs a TensorFlow SavedModel directory",
    "callback_orbax_checkpoint": "needs the optional Python package orbax",
    "callback_remote_monitor": "posts to a server",
    "config_set_backend": "a new backend makes existing Keras objects unusable; rkbridge "
                          "runs TensorFlow only",
    "op_vectorize": "Keras's vectorize() is not supported with the TensorFlow backend",
}
