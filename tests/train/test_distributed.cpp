// Multi-process data-parallel training (train/distributed.h): the loader's
// shards, the c10d plumbing on loopback (two ranks as threads of this test),
// 2 ranks x batch B ending with the weights of 1 rank x batch 2B, resume, a
// killed rank ending the whole job, and a CUDA run (skipped without a GPU).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/hardware.h"
#include "data/cache.h"
#include "data/loader.h"
#include "data/prepare.h"
#include "models/registry.h"
#include "support/cli_run.h"
#include "support/run_fixtures.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"
#include "train/distributed.h"

namespace kplab {
namespace {

using test::TempDir;
using test::epoch_losses;
using test::slurp;

// A 24-person synthetic cache at 64 px (20 train, 2 val, 2 test) and a one-phase
// experiment on it: no augmentation (so the samples a step sees depend only on
// the loader's order) and every group trainable with all three losses. SGD:
// its step is linear in the gradient, so two ways of summing the same
// gradients stay within rounding (Adam divides by sqrt(v) + 1e-8 and turns
// rounding noise in near-zero gradients into visible steps: 1e-5 measured).
// A crashed rank, from outside: once `ready()` holds, SIGKILL the kplab
// process whose environment has KPLAB_TEST_MARK=`mark` and RANK=`rank`
// (the launcher passes the environment on to its ranks). Gives up after
// 60 s. Returns whether it killed one.
bool kill_rank_when(const std::string& mark, int rank, const std::function<bool()>& ready) {
  namespace fs = std::filesystem;
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
    if (ready()) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string pid = e.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        if (fs::read_symlink(e.path() / "exe", ec).filename() != "kplab") continue;
        std::string env = slurp((e.path() / "environ").string());
        std::set<std::string> vars;
        for (size_t at = 0; at < env.size();) {
          const size_t end = env.find('\0', at);
          vars.insert(env.substr(at, end == std::string::npos ? std::string::npos : end - at));
          at = end == std::string::npos ? env.size() : end + 1;
        }
        if (vars.count("KPLAB_TEST_MARK=" + mark) && vars.count("RANK=" + std::to_string(rank)))
          return ::kill(std::stoi(pid), SIGKILL) == 0;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// True once the run folder's metrics.csv has a row: the ranks are training.
std::function<bool()> first_epoch_done(const std::string& run) {
  return [run] { return test::lines(slurp(run + "/metrics.csv")).size() >= 2; };
}

struct TinyDist {
  TempDir dir;
  std::string cache, schema, experiment;

  TinyDist() {
    PrepareOptions o;
    o.format = "synthetic";
    o.synthetic_count = 24;
    o.size = 64;
    o.schema_path = schema = std::string(KPLAB_SOURCE_DIR) + "/datasets/lsp.yaml";
    o.out = cache = dir.file("tiny.h5");
    o.progress = false;
    prepare(o);
    experiment = dir.file("tiny.yaml");
    std::ofstream(experiment) << "seed: 5\n"
                                 "model: {name: blazepose_lite, options: {input_size: 64}}\n"
                                 "data: {cache: " << cache << ", schema: " << schema << ", workers: 1, augment: false}\n"
                                 "phases:\n"
                                 "  - {name: all, epochs: 2, trainable: [backbone, heatmap, regression], batch_size: 4,\n"
                                 "     loss: {heatmap: 1, coords: 1, visibility: 1},\n"
                                 "     optimizer: {type: sgd, lr: 0.05, momentum: 0.9}}\n"
                                 "eval: {alphas: [0.2]}\n";
  }

  struct Run {
    int rc;
    double seconds;
    std::string log;
  };

  // `kplab train` with `args`, environment prefix `env`; output captured.
  Run train(const std::string& out, const std::string& args, const std::string& env = "") const {
    const std::string log = dir.file(out + ".log");
    const std::string cmd =
        test::kplab_command("train " + experiment + " --out " + dir.file(out) + " --threads 1 " + args, env) + " > " +
        log + " 2>&1";
    const auto t0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), s, slurp(log)};
  }

  std::map<std::string, torch::Tensor> weights(const std::string& out) const {
    return test::last_weights(dir.file(out), "blazepose_lite", "{input_size: 64}");
  }
};


// The rows a loader serves in one epoch, in order.
std::vector<int64_t> served(Loader& loader, int64_t epoch) {
  std::vector<int64_t> rows;
  loader.start_epoch(epoch);
  while (auto b = loader.next())
    for (int64_t i = 0; i < b->index.size(0); ++i) rows.push_back(b->index[i].item<int64_t>());
  return rows;
}

TEST(DistributedLoader, RanksServeEqualStridedShardsOfTheOneEpochOrder) {
  TinyDist tiny;
  auto cache = std::make_shared<const CacheData>(read_cache(tiny.cache));
  LoaderOptions o;
  o.batch_size = 1;
  o.seed = 11;
  o.workers = 1;
  Loader whole(cache, o);
  const int64_t n = whole.num_samples();
  ASSERT_EQ(n, 20);
  for (bool drop_last : {true, false}) {
    for (int64_t epoch : {0, 3}) {
      const std::vector<int64_t> order = served(whole, epoch);
      std::set<int64_t> seen;
      for (int rank = 0; rank < 3; ++rank) {
        LoaderOptions ro = o;
        ro.rank = rank;
        ro.world_size = 3;
        ro.drop_last = drop_last;
        Loader shard(cache, ro);
        const int64_t per = drop_last ? n / 3 : (n + 2) / 3;  // 6 truncated, 7 padded
        EXPECT_EQ(shard.samples_per_epoch(), per);
        EXPECT_EQ(shard.batches_per_epoch(), per);
        const std::vector<int64_t> rows = served(shard, epoch);
        ASSERT_EQ(static_cast<int64_t>(rows.size()), per);
        for (int64_t i = 0; i < per; ++i) EXPECT_EQ(rows[i], order[(rank + 3 * i) % n]) << "rank " << rank << " item " << i;
        if (drop_last)
          for (int64_t r : rows) EXPECT_TRUE(seen.insert(r).second) << "row " << r << " served to two ranks";
      }
      if (!drop_last) continue;
      EXPECT_EQ(seen.size(), 18u);  // 20 people, 3 ranks: 2 left out of this epoch
    }
  }
  LoaderOptions bad = o;
  bad.rank = 2;
  bad.world_size = 2;
  EXPECT_THROW(Loader(cache, bad), Error);
}

// Two ranks as threads of this process, each with its own process group.
template <typename F>
void run_two_ranks(F body, int64_t bucket_bytes = 64) {
  const int port = free_port();
  std::exception_ptr errors[2];
  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&, r] {
      try {
        DistributedOptions o;
        o.rank = r;
        o.world_size = 2;
        o.master_port = port;
        o.timeout = std::chrono::seconds(20);
        o.bucket_bytes = bucket_bytes;
        Distributed d(o);
        body(d);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

TEST(DistributedGroup, AllReduceBroadcastGatherAndBarriersOnLoopback) {
  run_two_ranks([](Distributed& d) {
    const double r = d.rank();
    EXPECT_EQ(d.world_size(), 2);
    // Three float tensors over several 64-byte buckets (one larger than a bucket), and a double one.
    std::vector<torch::Tensor> t = {torch::full({3}, r + 1), torch::full({40}, 10 * r), torch::full({2, 2}, -r),
                                    torch::full({2}, r, torch::kFloat64)};
    d.all_reduce_mean(t);
    EXPECT_TRUE(torch::equal(t[0], torch::full({3}, 1.5)));
    EXPECT_TRUE(torch::equal(t[1], torch::full({40}, 5.0)));
    EXPECT_TRUE(torch::equal(t[2], torch::full({2, 2}, -0.5)));
    EXPECT_TRUE(torch::equal(t[3], torch::full({2}, 0.5, torch::kFloat64)));
    // Gradients: averaged; an undefined gradient stays undefined.
    torch::Tensor w = torch::zeros({5}, torch::requires_grad()), unused = torch::zeros({2}, torch::requires_grad());
    (w * (r + 1)).sum().backward();
    d.all_reduce_mean_gradients({w, unused});
    EXPECT_TRUE(torch::equal(w.grad(), torch::full({5}, 1.5)));
    EXPECT_FALSE(unused.grad().defined());
    // Broadcast into parameters (leaf tensors that require grad).
    torch::Tensor p = torch::full({7}, r, torch::requires_grad());
    d.broadcast({p}, 1);
    EXPECT_TRUE(torch::equal(p.detach(), torch::full({7}, 1.0)));
    auto all = d.all_gather(torch::tensor({static_cast<uint8_t>(d.rank() + 7)}, torch::kUInt8));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].item<int>(), 7);
    EXPECT_EQ(all[1].item<int>(), 8);
    EXPECT_TRUE(d.any(d.rank() == 1));
    EXPECT_FALSE(d.any(false));
    d.barrier();
    if (d.is_main()) std::this_thread::sleep_for(std::chrono::milliseconds(200));  // "validating"
    d.wait_for_main("test work");
  });
}

TEST(DistributedGroup, ARankThatNeverArrivesFailsTheRendezvousWithinTheTimeout) {
  DistributedOptions o;
  o.rank = 0;
  o.world_size = 2;
  o.master_port = free_port();
  o.timeout = std::chrono::milliseconds(1500);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    Distributed d(o);
    FAIL() << "expected kplab::Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("rank 0 of 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rendezvous"), std::string::npos) << msg;
    EXPECT_NE(msg.find("did every rank start"), std::string::npos) << msg;
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 15.0);
}

TEST(DistributedGroup, NcclWithoutAGpuOrACudaBuildFailsClearly) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "CUDA present: NCCL would start";
  DistributedOptions o;
  o.backend = "nccl";
  o.world_size = 1;
  o.master_port = free_port();
  // A CUDA build (the torch wheel's) names the missing device; a CPU-only build names the missing backend.
  const bool nccl_built = build_json()["nccl"].get<bool>();
  try {
    Distributed d(o);
    FAIL() << "expected kplab::Error";
  } catch (const Error& e) {
    const std::string want = nccl_built ? "expected a CUDA device cuda:0, found 0" : "NCCL needs a CUDA build";
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
  }
}

TEST(DistributedTrainer, TwoRanksOfBatchBEndWithTheWeightsOfOneRankOfBatch2B) {
  TinyDist tiny;
  // The comparison is exact only if each loss's normaliser is the same for every
  // batch: the masked losses divide by the labeled joints of the batch, so mean
  // of two ranks' losses = loss of their union only when every joint is labeled
  // (true of the synthetic people, and checked here). blazepose_lite has no
  // BatchNorm (LayerNorm only, per sample), so nothing else couples samples of a batch.
  CacheData c = read_cache(tiny.cache);
  for (int64_t i = 0; i < c.size(); ++i)
    for (int64_t k = 0; k < c.num_joints; ++k) ASSERT_EQ(c.visible[i * c.num_joints + k], 1) << "row " << i;
  // Rank r takes items r, r+2, ... of the epoch order: with batch 4, step j of
  // the two ranks covers items 8j..8j+7, which is step j of one rank at batch 8.
  auto two = tiny.train("two", "--nproc 2 --set phases.0.batch_size=4");
  ASSERT_EQ(two.rc, 0) << two.log;
  auto one = tiny.train("one", "--set phases.0.batch_size=8");
  ASSERT_EQ(one.rc, 0) << one.log;
  EXPECT_NE(two.log.find("2 ranks x batch 4 = global batch 8"), std::string::npos) << two.log;

  torch::manual_seed(5);
  PoseModel init = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  std::map<std::string, torch::Tensor> start;
  for (const auto& p : init->named_parameters()) start[p.key()] = p.value().detach();
  auto w2 = tiny.weights("two"), w1 = tiny.weights("one");
  int64_t moved = 0;
  double worst = 0, worst_change = 0;  // relative to each tensor's largest weight
  for (const auto& kv : w1) {
    const torch::Tensor& a = kv.second;
    const torch::Tensor& b = w2.at(kv.first);
    const double scale = a.abs().max().item<double>();
    const double diff = (a - b).abs().max().item<double>();
    EXPECT_LE(diff, 1e-5 * scale + 1e-7) << kv.first;
    worst = std::max(worst, diff / std::max(scale, 1e-12));
    worst_change = std::max(worst_change, (a - start.at(kv.first)).abs().max().item<double>() / std::max(scale, 1e-12));
    moved += !torch::equal(a, start.at(kv.first));
  }
  EXPECT_GT(moved, 0) << "training changed nothing: the comparison would be empty";
  std::fprintf(stderr, "note: 2 ranks x 4 vs 1 x 8 after 4 SGD steps: largest difference %.2e of a tensor's scale "
               "(the steps moved weights by up to %.2e)\n", worst, worst_change);
  // metrics.csv (rank 0 only) reports the mean over ranks: the loss of the global batch.
  auto l2 = epoch_losses(tiny.dir.file("two/metrics.csv")), l1 = epoch_losses(tiny.dir.file("one/metrics.csv"));
  ASSERT_EQ(l1.size(), 2u);
  ASSERT_EQ(l2.size(), 2u);
  for (size_t i = 0; i < l1.size(); ++i) EXPECT_NEAR(l2[i], l1[i], 1e-5 * l1[i]) << "epoch " << i + 1;
}

TEST(DistributedTrainer, AnInterruptedTwoRankRunResumesToTheSameWeights) {
  TinyDist tiny;
  auto whole = tiny.train("whole", "--nproc 2");
  ASSERT_EQ(whole.rc, 0) << whole.log;
  // Stop after 3 steps (epoch 2, batch 1 of 2: 10 people per rank at batch 4), then resume.
  auto part = tiny.train("parts", "--nproc 2 --stop-after-steps 3");
  ASSERT_EQ(part.rc, 130) << part.log;
  EXPECT_NE(part.log.find("stopped: "), std::string::npos) << part.log;
  auto rest = tiny.train("parts", "--nproc 2 --resume");
  ASSERT_EQ(rest.rc, 0) << rest.log;
  auto a = tiny.weights("whole"), b = tiny.weights("parts");
  for (const auto& kv : a) EXPECT_TRUE(torch::allclose(kv.second, b.at(kv.first), 1e-6, 1e-8)) << kv.first;
}

TEST(DistributedTrainer, AFailingRankStopsTheJobNamingTheRankAndHowItEnded) {
  TinyDist tiny;
  const std::string mark = tiny.dir.file("fail");
  bool killed = false;
  std::thread crash([&] { killed = kill_rank_when(mark, 1, first_epoch_done(tiny.dir.file("fail"))); });
  auto run = tiny.train("fail", "--nproc 2 --dist-timeout 30 --set phases.0.epochs=200", "KPLAB_TEST_MARK=" + mark);
  crash.join();
  ASSERT_TRUE(killed) << run.log;
  EXPECT_NE(run.rc, 0) << run.log;
  EXPECT_NE(run.log.find("rank 1 of 2 was killed by signal 9"), std::string::npos) << run.log;
  EXPECT_LT(run.seconds, 60.0) << run.log;
}

TEST(DistributedTrainer, UnderAnOutsideLauncherTheSurvivorFailsWhenItsPeerDies) {
  // Two processes started as torchrun would: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT.
  TinyDist tiny;
  const std::string mark = tiny.dir.file("ext");
  const std::string env = "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(free_port()) +
                          " KPLAB_TEST_MARK=" + mark;
  const std::string args = " --dist-timeout 30 --set phases.0.epochs=200";
  const std::string rank1 =
      test::kplab_command("train " + tiny.experiment + " --out " + tiny.dir.file("ext") + " --threads 1" + args,
                          env + " RANK=1") +
      " > " + tiny.dir.file("rank1.log") + " 2>&1";
  std::thread peer([&] { std::system(rank1.c_str()); });
  bool killed = false;
  std::thread crash([&] { killed = kill_rank_when(mark, 1, first_epoch_done(tiny.dir.file("ext"))); });
  auto rank0 = tiny.train("ext", args, env + " RANK=0");
  crash.join();
  peer.join();
  ASSERT_TRUE(killed) << rank0.log;
  EXPECT_NE(rank0.rc, 0) << rank0.log;
  EXPECT_NE(rank0.log.find("distributed: rank 0 of 2"), std::string::npos) << rank0.log;
  EXPECT_LT(rank0.seconds, 60.0) << rank0.log;
}

TEST(DistributedTrainer, TwoStepRun_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device: the CUDA training run is skipped";
  TinyDist tiny;
  // 20 train people at batch 8: 2 steps; NCCL across two GPUs when there are two.
  const bool two_gpus = torch::cuda::device_count() >= 2;
  auto run = tiny.train("cuda", std::string("--device cuda --set phases.0.epochs=1 --set phases.0.batch_size=") +
                                    (two_gpus ? "4 --nproc 2" : "8"));
  ASSERT_EQ(run.rc, 0) << run.log;
  EXPECT_TRUE(std::filesystem::exists(tiny.dir.file("cuda/checkpoints/last.pt")));
#ifdef KPLAB_WITH_NCCL
  // NCCL all-reduce on one rank (all a one-GPU machine allows).
  DistributedOptions o;
  o.backend = "nccl";
  o.master_port = free_port();
  Distributed d(o);
  torch::Tensor t = torch::ones({4}, torch::kCUDA);
  d.all_reduce_mean({t});
  EXPECT_TRUE(torch::equal(t.cpu(), torch::ones({4})));
#endif
}

}  // namespace
}  // namespace kplab
