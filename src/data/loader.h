// Batches from the HDF5 cache: the whole cache is held in memory (JPEG crops
// are small), a background thread decodes the next batches on a few threads
// while the caller trains on the current one.
#pragma once

#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "data/cache.h"

namespace kplab {

// One batch as stored: images still uint8 so the copy to the device is 4x smaller.
struct Batch {
  torch::Tensor images;     // B x S x S x 3 uint8, RGB
  torch::Tensor keypoints;  // B x K x 2 float32, crop pixels
  torch::Tensor visible;    // B x K uint8 (0 masked, 1 labeled)
  torch::Tensor occluded;   // B x K uint8
  torch::Tensor index;      // B int64, rows of the cache

  Batch to(const torch::Device& device) const;  // non-blocking where possible
};

struct LoaderOptions {
  int batch_size = 32;
  std::vector<int> splits = {0};  // cache splits to serve (0 train, 1 val, 2 test)
  int64_t max_samples = 0;        // serve only the first N people of those splits (cache order); 0 = all
  bool shuffle = true;            // new seeded order every epoch
  bool drop_last = true;          // only full batches (training); false for evaluation
  uint64_t seed = 0;              // order = f(seed, epoch): resumable and reproducible
  int workers = 0;                // decode threads; 0 = all cores
  int prefetch = 4;               // batches decoded ahead
  // Multi-process training: rank r of world_size W serves items r, r+W, r+2W, ...
  // of each epoch's order (disjoint shards), truncated (drop_last) or padded by
  // wrapping around (otherwise) to the same count on every rank.
  int rank = 0;
  int world_size = 1;
};

class Loader {
 public:
  Loader(std::shared_ptr<const CacheData> cache, LoaderOptions options);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  int64_t num_samples() const { return static_cast<int64_t>(rows_.size()); }  // in the splits, all ranks
  int64_t samples_per_epoch() const;  // served to this rank per epoch
  int64_t batches_per_epoch() const;  // of this rank
  const CacheData& cache() const { return *cache_; }

  // Starts serving `epoch` (its order depends only on seed and epoch) from
  // batch `skip` on (a resumed run skips what it already trained on without
  // decoding it). Any unfinished epoch is abandoned.
  void start_epoch(int64_t epoch, int64_t skip = 0);
  // The next batch of the epoch, or nullopt at its end. Decode errors
  // (corrupt JPEG in the cache) are rethrown here.
  std::optional<Batch> next();

  // Decodes the given cache rows into a batch on the calling thread.
  Batch load_rows(const std::vector<int64_t>& rows) const;

 private:
  void stop_worker();
  void produce(std::vector<std::vector<int64_t>> batches);

  std::shared_ptr<const CacheData> cache_;
  LoaderOptions options_;
  std::vector<int64_t> rows_;  // cache rows in the selected splits

  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::exception_ptr error_;
  int64_t remaining_ = 0;   // batches of this epoch not yet handed out
  bool stop_ = false;
};

}  // namespace kplab
