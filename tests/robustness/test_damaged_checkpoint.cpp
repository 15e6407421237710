// A damaged checkpoint is refused by name: one changed byte in a weight (its
// zip entry's CRC-32 no longer matches) or a file cut short. LibTorch alone
// loaded the first and gave slightly different numbers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/zip_integrity.h"
#include "models/registry.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "support/tiny_run.h"
#include "train/checkpoint.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

struct Saved {
  TempDir dir;
  std::string path = dir.file("w.pt");
  std::string description;
  Saved() {
    torch::manual_seed(1);
    PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
    YAML::Emitter e;
    e << m->describe();
    description = e.c_str();
    Checkpoint c;
    c.model = description;
    save_checkpoint(path, c, *m, nullptr);
  }
  void load() const {
    PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
    load_checkpoint(path, m.get(), description, nullptr);
  }
};

TEST(DamagedCheckpoint, AnIntactOneLoads) {
  Saved s;
  EXPECT_NO_THROW(verify_zip_crcs(s.path));
  EXPECT_NO_THROW(s.load());
}

TEST(DamagedCheckpoint, OneFlippedBitInAWeightIsRefusedNamingTheEntry) {
  Saved s;
  const auto [offset, size] = test::largest_zip_entry(s.path);
  test::flip_byte(s.path, offset + size / 2);
  test::expect_error_with([&] { s.load(); }, {s.path, "entry ", "CRC-32", "damaged"});
}

TEST(DamagedCheckpoint, AFileCutShortIsRefused) {
  Saved s;
  test::cut_file(s.path, fs::file_size(s.path) * 2 / 3);
  test::expect_error_with([&] { s.load(); }, {s.path, "zip"});
}

TEST(DamagedCheckpoint, EvalOfARunWithADamagedCheckpointFailsNamingIt) {
  TempDir dir;
  const std::string run = test::copy_tiny_run(dir, "run");
  for (const char* name : {"best.pt", "last.pt"}) {
    const std::string ckpt = run + "/checkpoints/" + name;
    const auto [offset, size] = test::largest_zip_entry(ckpt);
    test::flip_byte(ckpt, offset + size / 3);
  }
  const test::CliResult r = test::run_kplab(dir, "eval " + test::quote(run) + " --split test");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(test::has(r.err, "checkpoints/best.pt")) << r.err;
  EXPECT_TRUE(test::has(r.err, "damaged")) << r.err;
}

}  // namespace
}  // namespace kplab
