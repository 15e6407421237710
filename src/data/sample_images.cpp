#include "data/sample_images.h"

#include <algorithm>

#include "core/error.h"
#include "data/augment.h"
#include "data/loader.h"

namespace kplab {

torch::Tensor sample_images(std::shared_ptr<const CacheData> cache, int split, int64_t count, uint64_t seed) {
  KP_CHECK(count > 0, "sample_images: count: expected > 0, found ", count);
  const int64_t available = std::count(cache->split.begin(), cache->split.end(), static_cast<uint8_t>(split));
  KP_CHECK(available > 0, "sample_images: the cache has no people in split ", split);
  LoaderOptions lo;
  lo.splits = {split};
  lo.shuffle = true;
  lo.seed = seed;
  lo.drop_last = false;
  lo.batch_size = static_cast<int>(std::min(count, available));
  Loader loader(cache, lo);
  loader.start_epoch(0);
  auto batch = loader.next();
  KP_CHECK(batch.has_value(), "sample_images: the loader returned no batch");
  return to_model_input(*batch).images;
}

}  // namespace kplab
