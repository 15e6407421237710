// A full disk fails cleanly: one line naming the file and saying the disk is
// full, exit 1 (no crash in HDF5's or LibTorch's cleanup), and nothing
// half-written left on the disk; when only the --json summary cannot be
// written, the verb's other outputs are not kept either.
//
// The small disk is a 2 MB tmpfs mounted over a temporary folder (we and CI
// run as root with the right to mount). Where mounting is refused, a per-file
// size limit (ulimit -f, SIGXFSZ ignored) makes the same writes fail with
// EFBIG instead of ENOSPC: the clean-failure checks still run, only the words
// "disk is full" are not expected then.
#include <gtest/gtest.h>

#include <sys/mount.h>

#include <filesystem>

#include <torch/torch.h>

#include "data/prepare.h"
#include "export/export_model.h"
#include "models/registry.h"
#include "robustness/robustness_fixtures.h"
#include "support/cli_run.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;
using test::has;
using test::quote;
using test::TempDir;

class SmallDisk {
 public:
  explicit SmallDisk(const TempDir& dir) : path_(dir.file("disk")) {
    fs::create_directories(path_);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=2m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  bool real() const { return mounted_; }
  // The run_kplab environment prefix: a file size limit when no tmpfs could be mounted.
  std::string env() const { return mounted_ ? "OMP_NUM_THREADS=1" : "trap '' XFSZ; ulimit -f 1024; OMP_NUM_THREADS=1"; }
  // Fills the disk to the last byte (for tests where only a later, small write must fail).
  void fill() const {
    ASSERT_TRUE(mounted_);
    (void)!std::system(("dd if=/dev/zero of=" + quote(file("filler")) + " bs=64k >/dev/null 2>&1").c_str());
  }

 private:
  std::string path_;
  bool mounted_ = false;
};

// Every non-empty stderr line is the one error line, naming `path`.
void expect_clean_failure(const test::CliResult& r, const SmallDisk& disk, const std::string& path) {
  EXPECT_EQ(r.code, 1) << "exit 1, not a crash: " << r.err;
  const auto err = test::lines(r.err);
  ASSERT_FALSE(err.empty());
  EXPECT_TRUE(has(err.back(), path)) << r.err;
  if (disk.real()) EXPECT_TRUE(has(err.back(), "the disk is full")) << r.err;
}

bool any_temporary(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

TEST(DiskFull, PrepareSaysSoAndLeavesNothing) {
  TempDir dir;
  SmallDisk disk(dir);
  const std::string out = disk.file("big.h5");
  const test::CliResult r = test::run_kplab(
      dir, "prepare --format synthetic --count 600 --size 128 --schema " + quote(test::source_dir() + "/datasets/lsp.yaml") +
               " --out " + quote(out),
      disk.env());
  expect_clean_failure(r, disk, out);
  EXPECT_TRUE(test::list_dir(disk.path()).empty()) << "no cache and no temporary";
}

TEST(DiskFull, TrainSaysSoAndLeavesNoTemporary) {
  TempDir dir;
  SmallDisk disk(dir);
  const std::string exp = test::tiny_experiment(dir, test::synthetic_cache(dir, "c.h5"));
  const std::string run = disk.file("run");
  const test::CliResult r = test::run_kplab(dir, "train " + quote(exp) + " --out " + quote(run), disk.env());
  expect_clean_failure(r, disk, run + "/checkpoints/");
  EXPECT_FALSE(any_temporary(disk.path()));
}

TEST(DiskFull, PrepareWhoseJsonCannotBeWrittenKeepsNoCache) {
  TempDir dir;
  // The mechanism, on any machine: the summary is written before the cache is renamed into place.
  PrepareOptions o;
  o.format = "synthetic";
  o.synthetic_count = 8;
  o.size = 64;
  o.schema_path = test::source_dir() + "/datasets/lsp.yaml";
  o.out = dir.file("c.h5");
  o.progress = false;
  o.before_commit = [](const PrepareSummary&) { throw Error("summary.json: writing failed: the disk is full"); };
  test::expect_error_with([&] { prepare(o); }, {"summary.json"});
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{}) << "no cache, no temporary";

  // The command, with the summary on a full disk.
  SmallDisk disk(dir);
  if (!disk.real()) GTEST_SKIP() << "the command-line half needs a mountable tmpfs (the mechanism was checked above)";
  disk.fill();
  const std::string json = disk.file("summary.json");
  const test::CliResult r = test::run_kplab(dir, "prepare --format synthetic --count 8 --size 64 --schema " +
                                                     quote(o.schema_path) + " --out " + quote(o.out) + " --json " +
                                                     quote(json), disk.env());
  expect_clean_failure(r, disk, json);
  EXPECT_FALSE(fs::exists(o.out));
  EXPECT_EQ(test::list_dir(disk.path()), std::vector<std::string>{"filler"});
}

TEST(DiskFull, PredictWhoseJsonCannotBeWrittenKeepsNoOverlays) {
  TempDir dir;
  SmallDisk disk(dir);
  if (!disk.real()) GTEST_SKIP() << "needs a mountable tmpfs for the summary alone to fail";
  torch::manual_seed(5);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  onnx_export::export_onnx(*m, dir.file("lite.onnx"), {});
  test::write_test_jpeg(dir.file("photo.jpg"), 96, 80, 1);
  disk.fill();
  const std::string json = disk.file("predict.json"), out = dir.file("out");
  const test::CliResult r = test::run_kplab(
      dir, "predict " + quote(dir.file("lite.onnx")) + " --schema " + quote(test::source_dir() + "/datasets/lsp.yaml") +
               " --input " + quote(dir.file("photo.jpg")) + " --out " + quote(out) + " --json " + quote(json),
      disk.env());
  expect_clean_failure(r, disk, json);
  EXPECT_FALSE(fs::exists(out)) << "no overlays or CSV without the summary";
  EXPECT_EQ(test::list_dir(disk.path()), std::vector<std::string>{"filler"});
}

}  // namespace
}  // namespace kplab
