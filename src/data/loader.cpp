#include "data/loader.h"

#include <cstring>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/threads.h"

namespace kplab {

Batch Batch::to(const torch::Device& device) const {
  if (images.device() == device) return *this;
  return {images.to(device, true), keypoints.to(device, true), visible.to(device, true), occluded.to(device, true),
          index.to(device, true)};
}

Loader::Loader(std::shared_ptr<const CacheData> cache, LoaderOptions options)
    : cache_(std::move(cache)), options_(std::move(options)) {
  KP_CHECK(options_.batch_size > 0, "loader: batch size: expected > 0, found ", options_.batch_size);
  KP_CHECK(options_.prefetch > 0, "loader: prefetch: expected > 0, found ", options_.prefetch);
  KP_CHECK(options_.world_size >= 1 && options_.rank >= 0 && options_.rank < options_.world_size,
           "loader: rank: expected [0, world_size = ", options_.world_size, "), found ", options_.rank);
  KP_CHECK(options_.max_samples >= 0, "loader: max_samples: expected >= 0, found ", options_.max_samples);
  for (int64_t i = 0; i < cache_->size(); ++i)
    for (int s : options_.splits)
      if (cache_->split[i] == s) rows_.push_back(i);
  if (options_.max_samples > 0 && static_cast<int64_t>(rows_.size()) > options_.max_samples)
    rows_.resize(options_.max_samples);
  if (options_.workers <= 0) options_.workers = default_threads();
}

Loader::~Loader() { stop_worker(); }

int64_t Loader::samples_per_epoch() const {
  const int64_t n = num_samples(), w = options_.world_size;
  return options_.drop_last ? n / w : (n + w - 1) / w;
}

int64_t Loader::batches_per_epoch() const {
  int64_t n = samples_per_epoch(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void Loader::stop_worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  stop_ = false;
  queue_.clear();
  error_ = nullptr;
}

void Loader::start_epoch(int64_t epoch, int64_t skip) {
  stop_worker();
  std::vector<int64_t> order = rows_;
  if (options_.shuffle) {
    // Fisher-Yates written out: std::shuffle's algorithm is unspecified, and
    // the order must be the same wherever a run is resumed.
    std::mt19937_64 rng(options_.seed * 1000003ULL + static_cast<uint64_t>(epoch));
    for (int64_t i = static_cast<int64_t>(order.size()) - 1; i > 0; --i)
      std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  }
  if (options_.world_size > 1 && !order.empty()) {
    // This rank's shard: the same global order on every rank, strided.
    std::vector<int64_t> shard(samples_per_epoch());
    for (size_t i = 0; i < shard.size(); ++i)
      shard[i] = order[(options_.rank + i * options_.world_size) % order.size()];
    order = std::move(shard);
  }
  std::vector<std::vector<int64_t>> batches;
  const int64_t b = options_.batch_size;
  for (int64_t start = 0; start < static_cast<int64_t>(order.size()); start += b) {
    int64_t end = std::min<int64_t>(start + b, order.size());
    if (end - start < b && options_.drop_last) break;
    batches.emplace_back(order.begin() + start, order.begin() + end);
  }
  batches.erase(batches.begin(), batches.begin() + std::min<int64_t>(std::max<int64_t>(skip, 0), batches.size()));
  std::lock_guard<std::mutex> lock(mutex_);
  remaining_ = static_cast<int64_t>(batches.size());
  worker_ = std::thread([this, batches = std::move(batches)]() mutable { produce(std::move(batches)); });
}

void Loader::produce(std::vector<std::vector<int64_t>> batches) {
  for (auto& rows : batches) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || static_cast<int>(queue_.size()) < options_.prefetch; });
      if (stop_) return;
    }
    try {
      Batch batch = load_rows(rows);
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      cv_.notify_all();
      return;
    }
    cv_.notify_all();
  }
}

std::optional<Batch> Loader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (remaining_ <= 0) return std::nullopt;
  cv_.wait(lock, [&] { return !queue_.empty() || error_; });
  if (queue_.empty() && error_) std::rethrow_exception(error_);
  Batch b = std::move(queue_.front());
  queue_.pop_front();
  --remaining_;
  lock.unlock();
  cv_.notify_all();
  return b;
}

Batch Loader::load_rows(const std::vector<int64_t>& rows) const {
  const CacheData& c = *cache_;
  const int64_t n = rows.size(), s = c.image_size, k = c.num_joints;
  Batch b;
  b.images = torch::empty({n, s, s, 3}, torch::kUInt8);
  b.keypoints = torch::empty({n, k, 2}, torch::kFloat32);
  b.visible = torch::empty({n, k}, torch::kUInt8);
  b.occluded = torch::empty({n, k}, torch::kUInt8);
  b.index = torch::empty({n}, torch::kInt64);
  uint8_t* img = b.images.data_ptr<uint8_t>();
  float* kp = b.keypoints.data_ptr<float>();
  uint8_t* vis = b.visible.data_ptr<uint8_t>();
  uint8_t* occ = b.occluded.data_ptr<uint8_t>();
  int64_t* idx = b.index.data_ptr<int64_t>();
  const int64_t pixels = s * s * 3;
  parallel_for(n, options_.workers, [&](int64_t i) {
    const int64_t r = rows[i];
    uint8_t* dst = img + i * pixels;
    if (c.encoding == "raw") {
      std::memcpy(dst, c.raw.data() + r * pixels, pixels);
    } else {
      // (imdecode's in-place variant leaves its target untouched on failure,
      // which would hide a corrupt crop: decode, check, then convert BGR -> RGB
      // straight into the batch tensor.)
      cv::Mat decoded;
      try {
        if (!c.jpeg[r].empty()) decoded = cv::imdecode(c.jpeg[r], cv::IMREAD_COLOR);
      } catch (const cv::Exception&) {
        // (falls through to the error below, which names the row)
      }
      if (decoded.empty() || decoded.rows != s || decoded.cols != s)
        throw Error(str("cache row ", r, " (", c.source[r], "): images: expected a ", s, "x", s,
                        " JPEG crop, found undecodable or wrongly sized data"));
      cv::Mat out(static_cast<int>(s), static_cast<int>(s), CV_8UC3, dst);
      cv::cvtColor(decoded, out, cv::COLOR_BGR2RGB);
    }
    std::memcpy(kp + i * k * 2, c.keypoints.data() + r * k * 2, k * 2 * sizeof(float));
    std::memcpy(vis + i * k, c.visible.data() + r * k, k);
    std::memcpy(occ + i * k, c.occluded.data() + r * k, k);
    idx[i] = r;
  });
  return b;
}

}  // namespace kplab
