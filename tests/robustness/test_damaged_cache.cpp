// A damaged cache is refused by name before libhdf5 reads it: kplab prepare
// seals the file (size and CRC-32 of everything after a 512-byte header in
// HDF5's user block, data/cache_seal.h). libhdf5 1.10 crashed, over-read or
// looped forever on damaged files that fuzzing found (tests/fuzz/corpus/cache/
// crash-libhdf5-*, replayed by test_fuzz_regressions), which no check after
// H5Fopen can catch.
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <filesystem>

#include "data/cache.h"
#include "data/cache_seal.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

TEST(DamagedCache, ASealedCacheReadsAndStillOpensInHdf5) {
  TempDir dir;
  const std::string path = test::synthetic_cache(dir, "c.h5", 8);
  EXPECT_TRUE(test::slurp(path).rfind("KPLAB-CACHE 1\nbytes ", 0) == 0);
  EXPECT_NO_THROW(check_cache_seal(path));
  EXPECT_EQ(read_cache(path).size(), 8);
  H5::H5File f(path, H5F_ACC_RDONLY);  // the header is HDF5's user block: other tools still read the file
  EXPECT_TRUE(f.nameExists("keypoints"));
}

TEST(DamagedCache, OneChangedByteIsRefusedBeforeHdf5ReadsIt) {
  TempDir dir;
  const std::string path = test::synthetic_cache(dir, "c.h5", 8);
  for (size_t offset : {size_t{kCacheSealBytes} + 3, static_cast<size_t>(fs::file_size(path)) / 2,
                        static_cast<size_t>(fs::file_size(path)) - 1}) {
    const std::string copy = dir.file("copy.h5");
    fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
    test::flip_byte(copy, offset);
    test::expect_error_with([&] { read_cache(copy); }, {copy, "cache CRC-32", "damaged"});
  }
}

TEST(DamagedCache, ACutOrExtendedFileIsRefused) {
  TempDir dir;
  const std::string path = test::synthetic_cache(dir, "c.h5", 8);
  const std::string whole = test::slurp(path);
  test::cut_file(path, whole.size() - 100);
  test::expect_error_with([&] { read_cache(path); }, {path, "cache size", "cut short"});
  test::write_file(path, whole + "tail");
  test::expect_error_with([&] { read_cache(path); }, {path, "cache size", "appended"});
}

TEST(DamagedCache, ADamagedHeaderIsRefused) {
  TempDir dir;
  const std::string path = test::synthetic_cache(dir, "c.h5", 8);
  test::flip_byte(path, 20);  // inside "bytes N"
  test::expect_error_with([&] { read_cache(path); }, {path, "cache"});
}

TEST(DamagedCache, AnUnsealedCacheOfTheOldFormatAsksForPrepareAgain) {
  TempDir dir;
  const std::string path = dir.file("old.h5");
  {
    H5::H5File f(path, H5F_ACC_TRUNC);  // no user block: format 1 caches and other tools' files
    const int64_t v = 1;
    f.createAttribute("format_version", H5::PredType::NATIVE_INT64, H5::DataSpace()).write(H5::PredType::NATIVE_INT64, &v);
  }
  test::expect_error_with([&] { read_cache(path); }, {path, "cache header", "older kplab", "kplab prepare"});
  EXPECT_THROW(reseal_cache(path), Error);  // nothing to reseal: the header's place is HDF5's superblock
}

TEST(DamagedCache, TrainingOnADamagedCacheFailsNamingIt) {
  TempDir dir;
  const std::string cache = test::synthetic_cache(dir, "c.h5", 8);
  const std::string experiment = test::tiny_experiment(dir, cache);
  test::flip_byte(cache, static_cast<size_t>(fs::file_size(cache)) / 3);
  const test::CliResult r = test::run_kplab(dir, "train " + test::quote(experiment) + " --out " + test::quote(dir.file("run")));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(test::has(r.err, cache)) << r.err;
  EXPECT_TRUE(test::has(r.err, "damaged")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("run")));
}

}  // namespace
}  // namespace kplab
