// Multi-process data-parallel training on PyTorch's own c10d engine (the one
// torch.distributed uses, shipped inside LibTorch): rendezvous through a
// c10d::TCPStore hosted by rank 0, collectives through ProcessGroupGloo on the
// CPU or ProcessGroupNCCL on CUDA (only in builds against a CUDA LibTorch with
// NCCL: configure with -DKPLAB_NCCL=ON).
//
// A rank is one process; ranks are launched either by `kplab train --nproc N`
// (run_local_workers below) or by an outside launcher (torchrun, Slurm)
// through the usual variables RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT. Every collective is bounded by a timeout, and a peer that died
// makes the survivors fail at their next collective (its sockets close) with
// a message naming the operation, so a job ends instead of hanging.
//
// c10d's headers stay inside distributed.cpp: this header needs neither Gloo
// nor NCCL to compile.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kplab {

struct DistributedOptions {
  int rank = 0;                          // this process, in [0, world_size)
  int world_size = 1;                    // number of processes
  int local_rank = 0;                    // this process on its machine (picks cuda:LOCAL_RANK)
  std::string master_addr = "127.0.0.1"; // host of rank 0, which serves the TCPStore
  int master_port = 29500;               // TCPStore port on master_addr
  std::string backend = "gloo";          // gloo (CPU tensors) | nccl (CUDA tensors; CUDA builds only)
  // Longest wait in a collective or barrier before failing (peers that died are noticed sooner: their sockets close).
  std::chrono::milliseconds timeout{60000};
  // Longest wait of ranks 1.. while rank 0 validates and writes checkpoints (a pass over the validation split).
  std::chrono::milliseconds main_work_timeout{1800000};
  int64_t bucket_bytes = 25 << 20;       // gradients are all-reduced in flat buffers of at most this many bytes
};

// The options from RANK, WORLD_SIZE, LOCAL_RANK (default: RANK), MASTER_ADDR
// (default 127.0.0.1) and MASTER_PORT (default 29500), or nullopt when RANK or
// WORLD_SIZE is unset (a single-process run). A malformed value fails naming
// the variable.
std::optional<DistributedOptions> distributed_options_from_env();

class Distributed {
 public:
  // Rendezvous: rank 0 serves the TCPStore and waits for the others, then all
  // build the process group. Fails with a clear message after `timeout`.
  explicit Distributed(const DistributedOptions& options);
  ~Distributed();
  Distributed(const Distributed&) = delete;
  Distributed& operator=(const Distributed&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }
  bool is_main() const { return options_.rank == 0; }
  const DistributedOptions& options() const { return options_; }
  // Where collective inputs must live: CPU for Gloo, cuda:LOCAL_RANK for NCCL.
  torch::Device device() const;

  // Averages each parameter's gradient over the ranks, in place (undefined
  // gradients are skipped: the same on every rank, which runs the same graph).
  // Gradients are packed into flat buffers of at most bucket_bytes (one
  // all-reduce each), summed, divided by world_size and unpacked.
  void all_reduce_mean_gradients(const std::vector<torch::Tensor>& parameters);
  // Sums (or averages) the given tensors over the ranks, in place, bucketed as above.
  void all_reduce_sum(const std::vector<torch::Tensor>& tensors);
  void all_reduce_mean(const std::vector<torch::Tensor>& tensors);
  // Copies rank `root`'s values of the tensors into every rank's (in place;
  // parameters included: runs under NoGradGuard).
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  // Every rank's `t` (same shape and dtype on all ranks), in rank order, on the CPU.
  std::vector<torch::Tensor> all_gather(const torch::Tensor& t);
  // True on every rank when `flag` is true on any rank (stopping together).
  bool any(bool flag);
  // Every rank waits for the others, at most `timeout`.
  void barrier();
  // Ranks 1.. wait (at most main_work_timeout) until rank 0 arrives after its
  // own work (validation, checkpoints); rank 0 then waits at most `timeout`.
  // `what` names that work in the timeout message.
  void wait_for_main(const std::string& what);

 private:
  struct Impl;
  void store_barrier(const std::string& what, std::chrono::milliseconds my_timeout);
  void bucketed(const std::vector<torch::Tensor>& tensors, const char* what, bool mean, int broadcast_root);
  DistributedOptions options_;
  std::unique_ptr<Impl> impl_;
  int64_t barriers_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).
int free_port();

// `kplab train --nproc N`: starts N copies of `command` (argv, command[0] the
// binary) with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1 and a free
// MASTER_PORT in their environment (OMP_NUM_THREADS = cores / N unless set),
// and waits for all. When one exits non-zero the others are stopped (SIGTERM,
// SIGKILL after 10 s) and a kplab::Error names the rank and its exit code or
// signal. Ctrl-C (SIGINT) and SIGTERM are passed on to every rank. Returns 0,
// or 130 when the ranks stopped on Ctrl-C.
int run_local_workers(const std::vector<std::string>& command, int nproc);

}  // namespace kplab
