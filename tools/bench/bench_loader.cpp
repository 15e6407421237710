// Loader + full augmentation throughput: images/s served at the cache's crop
// size, after a warm-up, as the training loop would see them.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/allocator.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/augment.h"
#include "data/cache.h"
#include "data/loader.h"
#include "data/schema.h"

int main(int argc, char** argv) {
  cxxopts::Options opts("bench_loader", "Images/s of the cache loader alone and with full augmentation (JSON out).");
  opts.add_options()
      ("cache", "HDF5 cache (kplab prepare)", cxxopts::value<std::string>())
      ("schema", "schema file (flip pairs)", cxxopts::value<std::string>())
      ("batch", "batch size", cxxopts::value<int>()->default_value("64"))
      ("batches", "timed batches", cxxopts::value<int>()->default_value("50"))
      ("warmup", "untimed batches first", cxxopts::value<int>()->default_value("5"))
      ("threads", "torch and decode threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("json", "write results here", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  kplab::tune_allocator();
  try {
    auto r = opts.parse(argc, argv);
    if (r.count("help") || !r.count("cache") || !r.count("schema")) {
      std::printf("%s", opts.help().c_str());
      return r.count("help") ? 0 : 2;
    }
    int threads = r["threads"].as<int>() > 0 ? r["threads"].as<int>() : kplab::default_threads();
    torch::set_num_threads(threads);
    auto cache = std::make_shared<kplab::CacheData>(kplab::read_cache(r["cache"].as<std::string>()));
    kplab::Schema schema = kplab::load_schema(r["schema"].as<std::string>());
    kplab::LoaderOptions lo;
    lo.batch_size = r["batch"].as<int>();
    lo.splits = {0, 1, 2};
    lo.workers = threads;
    kplab::Loader loader(cache, lo);
    kplab::Augmenter augment(kplab::AugmentOptions{}, schema.flip_permutation(), 0);
    const int warmup = r["warmup"].as<int>(), timed = r["batches"].as<int>();
    KP_CHECK(loader.batches_per_epoch() > 0, "bench_loader: the cache has fewer people than one batch");

    int64_t epoch = 0;
    loader.start_epoch(epoch);
    auto next = [&]() {
      auto b = loader.next();
      if (!b) {
        loader.start_epoch(++epoch);
        b = loader.next();
      }
      return *b;
    };
    // Images/s with and without augmentation, each after its own warm-up.
    auto measure = [&](bool augmented) {
      double checksum = 0;
      for (int i = 0; i < warmup; ++i) {
        auto b = next();
        if (augmented) checksum += augment(b).images.mean().item<double>();
      }
      int64_t images = 0;
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < timed; ++i) {
        auto b = next();
        images += b.images.size(0);
        // Reading one value forces the work to finish, as a training step would.
        checksum += augmented ? augment(b).images.mean().item<double>() : b.images[0][0][0][0].item<double>();
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return nlohmann::json{{"seconds", secs}, {"images_per_s", images / secs}, {"checksum", checksum}};
    };
    nlohmann::json out = {{"cache", r["cache"].as<std::string>()},
                          {"people", cache->size()},
                          {"image_size", cache->image_size},
                          {"encoding", cache->encoding},
                          {"batch", lo.batch_size},
                          {"batches", timed},
                          {"threads", threads},
                          {"device", "cpu"},
                          {"augmentation", "affine (rotate, scale, translate, flip+swap), colour jitter, occlusion"},
                          {"loader_only", measure(false)},
                          {"loader_and_augmentation", measure(true)}};
    std::printf("%s\n", out.dump(2).c_str());
    if (!r["json"].as<std::string>().empty()) std::ofstream(r["json"].as<std::string>()) << out.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_loader: error: %s\n", e.what());
    return 1;
  }
}
