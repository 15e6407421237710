// Replays every input of tests/fuzz/corpus/<target>/ (the seeds and every
// crash the fuzzers found, tests/fuzz/README.md) through its fuzz target in
// the normal build: each must end in success or kplab::Error. A target
// abort()s on any other exception escaping its reader, which fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace fs = std::filesystem;

namespace {

class FuzzRegressions : public testing::TestWithParam<kplab::fuzz::Target> {};

TEST_P(FuzzRegressions, EveryCorpusInputEndsInSuccessOrKplabError) {
  const kplab::fuzz::Target& target = GetParam();
  const fs::path dir = fs::path(KPLAB_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target.name;
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no inputs in " << dir;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(in.good() || in.eof()) << f;
    std::fprintf(stderr, "fuzz_%s %s\n", target.name, f.filename().c_str());  // names the input if it aborts
    EXPECT_EQ(target.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << f;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, FuzzRegressions, testing::ValuesIn(kplab::fuzz::targets()),
                         [](const testing::TestParamInfo<kplab::fuzz::Target>& info) { return std::string(info.param.name); });

}  // namespace
