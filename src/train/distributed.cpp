#include "train/distributed.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>

// c10d declares its Gloo and NCCL process groups only under these macros
// (Debian's Torch CMake target defines USE_C10D_GLOO; not every LibTorch
// does); the symbols are in libtorch_cpu / libtorch_cuda.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef KPLAB_WITH_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <torch/cuda.h>

#include "core/error.h"

namespace kplab {

namespace {

// "NAME" as an int in [lo, hi], or `fallback` when unset.
int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(v, &end, 10);
  if (errno || *end || n < lo || n > hi)
    throw input_error("environment", name, str("an integer in [", lo, ", ", hi, "]"), str("'", v, "'"));
  return static_cast<int>(n);
}

std::string seconds(std::chrono::milliseconds t) { return str(t.count() / 1000.0, " s"); }

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

}  // namespace

std::optional<DistributedOptions> distributed_options_from_env() {
  if (!std::getenv("RANK") || !std::getenv("WORLD_SIZE")) return std::nullopt;
  DistributedOptions o;
  o.world_size = env_int("WORLD_SIZE", 1, 1, 1 << 20);
  o.rank = env_int("RANK", 0, 0, o.world_size - 1);
  o.local_rank = env_int("LOCAL_RANK", o.rank, 0, 1 << 20);
  o.master_port = env_int("MASTER_PORT", 29500, 1, 65535);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.master_addr = a;
  return o;
}

// ---- the process group ----

struct Distributed::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef KPLAB_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  torch::Device device = torch::kCPU;

  // Runs one collective `f(process_group)` and waits for it; any failure
  // becomes one kplab::Error naming the rank and the operation.
  template <typename F>
  void run(const DistributedOptions& o, const char* what, F&& f) {
    try {
      c10::intrusive_ptr<c10d::Work> work;
#ifdef KPLAB_WITH_NCCL
      if (nccl) work = f(*nccl);
#endif
      if (gloo) work = f(*gloo);
      work->wait();
    } catch (const std::exception& e) {
      std::string msg = e.what();
      if (auto* c = dynamic_cast<const c10::Error*>(&e)) msg = c->what_without_backtrace();
      throw Error(str("distributed: rank ", o.rank, " of ", o.world_size, ": ", what, " failed (", msg,
                      "); another rank has probably exited or is stuck (timeout ", seconds(o.timeout), ")"));
    }
  }
};

Distributed::Distributed(const DistributedOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {
  const DistributedOptions& o = options_;
  KP_CHECK(o.world_size >= 1 && o.rank >= 0 && o.rank < o.world_size, "distributed: rank: expected [0, ",
           o.world_size, "), found ", o.rank);
  KP_CHECK(o.backend == "gloo" || o.backend == "nccl", "distributed: backend: expected gloo or nccl, found '",
           o.backend, "'");
#ifndef KPLAB_WITH_NCCL
  if (o.backend == "nccl")
    throw Error(
        "distributed: backend nccl: NCCL needs a CUDA build (a CUDA LibTorch and nccl.h; KPLAB_NCCL=AUTO finds "
        "both in the torch wheel); this kplab was built without it: train on the CPU (Gloo)");
#else
  if (o.backend == "nccl")
    KP_CHECK(torch::cuda::is_available() && o.local_rank < static_cast<int>(torch::cuda::device_count()),
             "distributed: backend nccl: rank ", o.rank, " (LOCAL_RANK ", o.local_rank,
             ") expected a CUDA device cuda:", o.local_rank, ", found ",
             torch::cuda::is_available() ? torch::cuda::device_count() : 0, " on this machine");
#endif
  const std::string where = str(o.master_addr, ":", o.master_port);
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<size_t>(o.world_size);
    so.waitWorkers = true;  // rank 0 returns once every rank has connected
    so.timeout = o.timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* c = dynamic_cast<const c10::Error*>(&e)) msg = c->what_without_backtrace();
    throw Error(str("distributed: rank ", o.rank, " of ", o.world_size, ": rendezvous at ", where, " (MASTER_ADDR:",
                    "MASTER_PORT) failed within ", seconds(o.timeout), ": ", msg,
                    o.rank == 0 ? "; did every rank start?" : "; is rank 0 running?"));
  }
  try {
    if (o.backend == "gloo") {
      auto go = c10d::ProcessGroupGloo::Options::create(o.timeout);
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
        go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (is_loopback(o.master_addr))
        go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        go->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      impl_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, o.rank, o.world_size, go);
    } else {
#ifdef KPLAB_WITH_NCCL
      c10::cuda::set_device(static_cast<c10::DeviceIndex>(o.local_rank));
      auto no = c10d::ProcessGroupNCCL::Options::create();
      no->timeout = o.timeout;
      impl_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, o.rank, o.world_size, no);
      impl_->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(o.local_rank));
#endif
    }
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* c = dynamic_cast<const c10::Error*>(&e)) msg = c->what_without_backtrace();
    throw Error(str("distributed: rank ", o.rank, " of ", o.world_size, ": rendezvous at ", where,
                    " (MASTER_ADDR:MASTER_PORT) failed while creating the ", o.backend, " process group (timeout ",
                    seconds(o.timeout), "): ", msg, "; did every rank start?"));
  }
}

Distributed::~Distributed() = default;

torch::Device Distributed::device() const { return impl_->device; }

void Distributed::bucketed(const std::vector<torch::Tensor>& tensors, const char* what, bool mean, int root) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  while (i < tensors.size()) {
    // One bucket: consecutive tensors of one dtype and device, at most
    // bucket_bytes together (a larger tensor goes alone).
    size_t j = i;
    int64_t bytes = 0;
    while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
           tensors[j].device() == tensors[i].device()) {
      const int64_t b = tensors[j].numel() * static_cast<int64_t>(tensors[j].element_size());
      if (j > i && bytes + b > options_.bucket_bytes) break;
      bytes += b;
      ++j;
    }
    std::vector<torch::Tensor> parts;
    for (size_t k = i; k < j; ++k) parts.push_back(tensors[k].reshape(-1));
    std::vector<torch::Tensor> io = {torch::cat(parts).to(device())};
    if (root >= 0) {
      c10d::BroadcastOptions bo;
      bo.rootRank = root;
      bo.rootTensor = 0;
      impl_->run(options_, what, [&](auto& pg) { return pg.broadcast(io, bo); });
    } else {
      c10d::AllreduceOptions ao;
      ao.reduceOp = c10d::ReduceOp::SUM;
      impl_->run(options_, what, [&](auto& pg) { return pg.allreduce(io, ao); });
      if (mean) {
        KP_CHECK(io[0].is_floating_point(), "distributed: mean of a non-floating tensor (", io[0].scalar_type(), ")");
        io[0].div_(options_.world_size);
      }
    }
    int64_t offset = 0;
    for (size_t k = i; k < j; ++k) {
      const int64_t n = tensors[k].numel();
      tensors[k].copy_(io[0].slice(0, offset, offset + n).view(tensors[k].sizes()));
      offset += n;
    }
    i = j;
  }
}

void Distributed::all_reduce_mean_gradients(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  bucketed(grads, "all-reduce of the gradients", true, -1);
}

void Distributed::all_reduce_sum(const std::vector<torch::Tensor>& tensors) {
  bucketed(tensors, "all-reduce", false, -1);
}

void Distributed::all_reduce_mean(const std::vector<torch::Tensor>& tensors) {
  bucketed(tensors, "all-reduce", true, -1);
}

void Distributed::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  KP_CHECK(root >= 0 && root < options_.world_size, "distributed: broadcast root: expected [0, ", options_.world_size,
           "), found ", root);
  bucketed(tensors, "broadcast", false, root);
}

std::vector<torch::Tensor> Distributed::all_gather(const torch::Tensor& t) {
  std::vector<torch::Tensor> in = {t.contiguous().to(device())};
  std::vector<std::vector<torch::Tensor>> out(1);
  for (int r = 0; r < options_.world_size; ++r) out[0].push_back(torch::empty_like(in[0]));
  impl_->run(options_, "all-gather", [&](auto& pg) { return pg.allgather(out, in); });
  for (auto& x : out[0]) x = x.to(torch::kCPU);
  return out[0];
}

bool Distributed::any(bool flag) {
  torch::Tensor t = torch::tensor({static_cast<int64_t>(flag)}, torch::kInt64);
  all_reduce_sum({t});
  return t.item<int64_t>() > 0;
}

void Distributed::store_barrier(const std::string& what, std::chrono::milliseconds my_timeout) {
  // On the store rather than the process group: it works the same for Gloo
  // and NCCL, and each rank can bring its own timeout.
  const std::string key = str("kplab/barrier/", barriers_++);
  try {
    if (impl_->store->add(key + "/arrived", 1) == options_.world_size) impl_->store->set(key + "/done", {1});
    impl_->store->wait({key + "/done"}, my_timeout);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* c = dynamic_cast<const c10::Error*>(&e)) msg = c->what_without_backtrace();
    throw Error(str("distributed: rank ", options_.rank, " of ", options_.world_size, ": waiting for ", what,
                    " failed after at most ", seconds(my_timeout), " (", msg,
                    "); another rank has probably exited or is stuck"));
  }
}

void Distributed::barrier() { store_barrier("the other ranks", options_.timeout); }

void Distributed::wait_for_main(const std::string& what) {
  if (is_main()) store_barrier("the other ranks after " + what, options_.timeout);
  else store_barrier("rank 0 (" + what + ")", std::max(options_.main_work_timeout, options_.timeout));
}

}  // namespace kplab
