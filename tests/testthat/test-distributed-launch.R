# Launching multi-worker training where the cluster is: the distributed vignette's scripts
# (inst/examples/distributed) run as SLURM runs them (train.sbatch, with stand-ins for `srun`
# and `scontrol` on this one machine) and as Kubeflow's TFJob runs them (train.R with each
# pod's TF_CONFIG). Each launch: two R workers stream their own CSV shards and end with
# identical weights; the chief saves the model; each says where its cluster came from.

port_free <- function(p) {
  con <- try(suppressWarnings(socketConnection("localhost", p, server = FALSE, timeout = 0.2)),
             silent = TRUE)
  if (inherits(con, "try-error")) return(TRUE)
  close(con)
  FALSE
}

launch_dir <- function() {
  dir <- tempfile("launch-")
  dir.create(file.path(dir, "data"), recursive = TRUE)
  file.copy(list.files(system.file("examples", "distributed", package = "rkbridge"),
                       full.names = TRUE), dir)
  set.seed(2)
  for (i in 1:4) {
    x <- matrix(round(runif(96 * 4), 4), ncol = 4, dimnames = list(NULL, paste0("f", 1:4)))
    utils::write.csv(data.frame(x, y = round(x %*% c(1, -2, 0.5, 1), 4)),
                     file.path(dir, "data", sprintf("part-%d.csv", i)), row.names = FALSE)
  }
  dir
}

expect_one_model <- function(out) {
  runs <- lapply(list.files(out, "^worker-.*\\.rds$", full.names = TRUE), readRDS)
  expect_length(runs, 2L)
  expect_identical(runs[[1]]$weights, runs[[2]]$weights)
  expect_identical(runs[[1]]$loss, runs[[2]]$loss)
  expect_length(runs[[1]]$loss, 4L)
  expect_lt(runs[[1]]$loss[4], runs[[1]]$loss[1])
  model <- load_model(file.path(out, "model.keras"))
  expect_equal(get_weights(model), runs[[1]]$weights, tolerance = 1e-6)
  expect_false(dir.exists(file.path(out, "backup")))  # deleted after a complete run
}

test_that("the vignette's sbatch script trains two workers from SLURM's environment", {
  skip_if_no_engine()
  skip_on_os("windows")
  dir <- launch_dir()
  bin <- file.path(dir, "bin")
  dir.create(bin)
  # srun on one node: the command once per task, with the step's variables
  writeLines(c("#!/bin/sh",
               "while [ \"${1#--}\" != \"$1\" ]; do shift; done",
               "export SLURM_STEP_NUM_TASKS=$SLURM_NTASKS SLURM_STEP_NODELIST=$SLURM_JOB_NODELIST",
               "export SLURM_STEP_TASKS_PER_NODE=$SLURM_NTASKS",
               "i=0; pids=''",
               "while [ $i -lt $SLURM_NTASKS ]; do SLURM_PROCID=$i \"$@\" & pids=\"$pids $!\"; i=$((i+1)); done",
               "status=0; for p in $pids; do wait $p || status=1; done; exit $status"),
             file.path(bin, "srun"))
  writeLines(c("#!/bin/sh", "echo localhost"), file.path(bin, "scontrol"))
  Sys.chmod(file.path(bin, c("srun", "scontrol")), "755")
  # a job id whose two ports (10000 + 50 * (id %% 1000), and the next) are free here
  job <- Find(function(id) all(vapply(10000 + 50 * id + 0:1, port_free, TRUE)),
              sample(1:999))
  env <- c(sprintf("PATH=%s:%s", bin, Sys.getenv("PATH")), "SLURM_NTASKS=2",
           "SLURM_JOB_NODELIST=node01", sprintf("SLURM_JOB_ID=%d", job))
  log <- file.path(dir, "job.out")
  owd <- setwd(dir)
  on.exit(setwd(owd))
  status <- system2("bash", c("train.sbatch", "data", "run"), env = env, stdout = log,
                    stderr = log)
  setwd(owd)
  out <- readLines(log)
  expect_equal(status, 0L, info = paste(tail(out, 30), collapse = "\n"))
  port <- 10000 + 50 * job
  expect_true(any(grepl(sprintf(
    "worker 1 (localhost:%d) of a cluster of 2, from SLURM's environment (SLURM_PROCID", port),
    out, fixed = TRUE)))
  expect_true(any(grepl(sprintf("worker 2 (localhost:%d)", port + 1), out, fixed = TRUE)))
  expect_one_model(file.path(dir, "run"))
})

test_that("train.R trains two workers from each pod's TF_CONFIG, as a TFJob starts them", {
  skip_if_no_engine()
  dir <- launch_dir()
  ports <- Filter(port_free, sample(20000:40000, 20))[1:2]
  cluster <- sprintf('["localhost:%d", "localhost:%d"]', ports[1], ports[2])
  rscript <- file.path(R.home("bin"), "Rscript")
  logs <- file.path(dir, c("w0.out", "w1.out"))
  owd <- setwd(dir)
  on.exit(setwd(owd))
  for (i in 0:1) {
    config <- sprintf('{"cluster": {"worker": %s}, "task": {"type": "worker", "index": %d}}',
                      cluster, i)
    system2(rscript, c("train.R", "data", "run"), env = sprintf("TF_CONFIG='%s'", config),
            stdout = logs[i + 1], stderr = logs[i + 1], wait = i == 1)
  }
  deadline <- Sys.time() + 300
  while (length(list.files("run", "^worker-")) < 2 && Sys.time() < deadline) Sys.sleep(0.5)
  Sys.sleep(1)
  setwd(owd)
  out <- unlist(lapply(logs, readLines))
  expect_true(any(grepl(sprintf("worker 2 (localhost:%d) of a cluster of 2, from the environment variable TF_CONFIG",
                                ports[2]), out, fixed = TRUE)), info = paste(tail(out, 30), collapse = "\n"))
  expect_one_model(file.path(dir, "run"))
})
