# One worker of a multi-worker training job (vignette("distributed_training", "rkbridge")).
# SLURM's srun (train.sbatch) or Kubernetes' TFJob (tfjob.yaml) starts this script once per
# worker; each finds its place in the cluster from the environment (SLURM's variables or
# TF_CONFIG), streams its own CSV files, and trains its part of every global batch.
# Usage: Rscript train.R DATA_DIR OUT_DIR
library(rkbridge)
args <- commandArgs(TRUE)
data_dir <- if (length(args) >= 1) args[1] else "data"
out_dir <- if (length(args) >= 2) args[2] else "."

strategy <- strategy_multi_worker(timeout = 300)

# part-1.csv, part-2.csv, ... (at least one file per worker): columns f1..f4 and y. Each
# worker reads its own files, a batch at a time; the files are never loaded whole.
ds <- csv_dataset(file.path(data_dir, "part-*.csv"), label_name = "y") %>%
  dataset_batch(64) %>%
  dataset_map(function(cols, y) list(op_stack(unname(cols), axis = 2), y))

model <- with_strategy(strategy, {
  keras_model_sequential(input_shape = 4) %>%
    layer_dense(16, activation = "relu") %>%
    layer_dense(1) %>%
    compile(optimizer = optimizer_sgd(learning_rate = 0.05), loss = "mse")
})

# an interrupted job that is started again goes on from its last completed epoch
history <- fit(model, ds, epochs = 4, verbose = 2, callbacks = list(
  callback_backup_and_restore(file.path(out_dir, "backup"))))

if (strategy_is_chief()) save_model(model, file.path(out_dir, "model.keras"))
saveRDS(list(loss = history$metrics$loss, weights = get_weights(model)),
        file.path(out_dir, sprintf("worker-%d.rds", Sys.getpid())))
