# Training that outgrows one process (rkbridge/training/distributed.py): the strategies, and a scope
# to build and compile models in.

#' Distribution strategies: several devices or several processes training one model
#'
#' `strategy_mirrored()` trains on every device of this machine (each visible GPU; the CPU
#' when there is none). `strategy_multi_worker()` makes this R process one worker of a
#' cluster: every worker runs the same script with its own `task`, and TensorFlow's
#' collective all-reduce keeps their weights identical. Build and compile the model inside
#' [with_strategy()]; `fit()`, `evaluate()` and `predict()` then work as usual, with
#' `batch_size` the global batch, split between the workers (each takes its part of every
#' global batch). Keras 3's own `fit()` cannot train under a multi-worker strategy; rkbridge
#' runs the model's own `train_step` under the strategy itself.
#'
#' @param devices Device names for `strategy_mirrored()` (default: all).
#' @param cluster The workers' `"host:port"` addresses, e.g.
#'   `c("host1:12345", "host2:12345")` or `list(worker = c(...))`, each address once.
#'   Without it, the cluster comes from the `TF_CONFIG` environment variable, as in
#'   TensorFlow (Kubernetes' TFJob sets it), or else from SLURM's environment in a job step
#'   started with `srun`: `SLURM_PROCID` (task 0 is worker 1, the chief),
#'   `SLURM_STEP_NUM_TASKS`, `SLURM_STEP_NODELIST` (expanded with `scontrol show hostnames`)
#'   and `SLURM_STEP_TASKS_PER_NODE`; the tasks of a node get consecutive ports from `port`.
#'   A message says where the cluster came from and which worker this process is.
#' @param task This process's place in `cluster`: its 1-based index (1 is the chief, the
#'   worker that should save the model), or `list(type = "worker", index = 1)`.
#' @param timeout Seconds to wait for the cluster to form. Worker 1 (the chief) waits for the others to join; every other worker waits
#'   to reach worker 1. A worker still waiting after `timeout` seconds stops with an error
#'   of class `rkbridge_distributed_error` that names the missing `"host:port"`, instead of
#'   hanging; the R session then keeps working locally but cannot join a cluster again
#'   (restart it to retry). `NULL` keeps TensorFlow's own limit (an hour). A worker lost
#'   after the cluster formed is noticed by the others through TensorFlow's heartbeats
#'   (within about 10 seconds): training stops with an error naming it.
#' @param communication `"auto"`, `"ring"` or `"nccl"`.
#' @param port For a cluster from SLURM: the first port of each node (`NULL`: one derived from
#'   `SLURM_JOB_ID`, the same in every task and apart from other jobs' ports).
#'
#' @section Network: TensorFlow's workers talk over gRPC without authentication or
#'   encryption, and each listens on its port on every network interface of its machine
#'   (TensorFlow does not let the address be chosen). Run clusters on a private network
#'   (a SLURM cluster's interconnect, a Kubernetes namespace with a NetworkPolicy), or allow
#'   the workers' ports only between the cluster's hosts with the firewall; on a shared
#'   machine, anyone who can reach the port can talk to the worker.
#' @return A `tf.distribute` strategy.
#' @examples
#' if (rkbridge_available()) {
#'   strategy <- strategy_mirrored()
#'   model <- with_strategy(strategy, {
#'     keras_model_sequential(input_shape = 4) %>% layer_dense(1) %>%
#'       compile(optimizer = "sgd", loss = "mse")
#'   })
#'   strategy$num_replicas_in_sync
#' }
#' @export
strategy_mirrored <- function(devices = NULL) rk_call("strategy_mirrored", rk_capture())

#' @rdname strategy_mirrored
#' @export
strategy_multi_worker <- function(cluster = NULL, task = NULL, timeout = 60,
                                  communication = "auto", port = NULL) {
  strategy <- rk_call("strategy_multi_worker", rk_capture())
  from <- reticulate::py_get_attr(strategy, "_rk_cluster_from", silent = TRUE)
  if (!is.null(from)) message(reticulate::py_to_r(from))
  strategy
}

#' @rdname strategy_mirrored
#' @return `strategy_is_chief()`: whether this process is the chief (worker 1), the one
#'   that should save the model.
#' @export
strategy_is_chief <- function() rk_call("strategy_is_chief")

#' Evaluate code in a distribution strategy's scope
#'
#' Models (and their optimizers and metrics) created while `expr` runs are placed by
#' `strategy`; the value of `expr` is returned.
#' @param strategy A strategy from [strategy_mirrored()] or [strategy_multi_worker()].
#' @param expr Code that builds and compiles a model.
#' @return The value of `expr`.
#' @examples
#' if (rkbridge_available()) {
#'   model <- with_strategy(strategy_mirrored(), {
#'     keras_model_sequential(input_shape = 2) %>% layer_dense(1)
#'   })
#' }
#' @export
with_strategy <- function(strategy, expr) {
  scope <- strategy$scope()
  scope$`__enter__`()
  on.exit(scope$`__exit__`(NULL, NULL, NULL))
  expr
}
