// A damaged checkpoint is refused by name: one changed byte in a weight (its
// zip entry's CRC-32 no longer matches) or a file cut short. LibTorch alone
// loaded the first and gave slightly different numbers. Damage behind a
// matching CRC (found by fuzzing): a pickle whose tensor storage claims more
// bytes than its record (LibTorch's tensors then read past their buffer) or a
// memo index far past the table (LibTorch allocates up to 68 GB for it).
#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>

#include "core/zip_integrity.h"
#include "fuzz/fuzz_targets.h"
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

// Rewrites the contents of the entry whose name ends in `suffix` through `edit`
// (same size) and makes its CRC-32 match again: damage the CRC cannot see.
void edit_entry_behind_its_crc(const std::string& path, const std::string& suffix,
                               const std::function<void(std::string&)>& edit) {
  std::string bytes = test::slurp(path);
  const VerifiedZip zip = read_verified_zip(path);
  for (const ZipEntry& e : zip.entries) {
    if (e.name.size() < suffix.size() || e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    ASSERT_EQ(e.method, 0u) << e.name;
    std::string data = bytes.substr(e.begin, e.size);
    edit(data);
    ASSERT_EQ(data.size(), e.size);
    bytes.replace(e.begin, e.size, data);
    test::write_file(path, fuzz::with_fixed_crcs(bytes));
    ASSERT_NO_THROW(verify_zip_crcs(path));
    return;
  }
  FAIL() << "no entry *" << suffix << " in " << path;
}

// Replaces the first `from` in `data` with `to` (same size).
void replace_once(std::string& data, const std::string& from, const std::string& to) {
  const size_t at = data.find(from);
  ASSERT_NE(at, std::string::npos) << "pattern not found";
  data.replace(at, from.size(), to);
}

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

TEST(DamagedCheckpoint, AStorageClaimingMoreBytesThanItsRecordIsRefused) {
  Saved s;
  // The first storage is format_version's: ('storage', torch.LongStorage, '0', 'cpu', 1), 8 bytes.
  // Say 4 elements (32 bytes) instead.
  edit_entry_behind_its_crc(s.path, "/data.pkl", [](std::string& pkl) {
    replace_once(pkl, std::string("X\x03\x00\x00\x00" "cpuq\x06K\x01t", 13), std::string("X\x03\x00\x00\x00" "cpuq\x06K\x04t", 13));
  });
  {  // LibTorch alone takes it: the lie is only caught by comparing with the record
    torch::serialize::InputArchive archive;
    EXPECT_NO_THROW(archive.load_from(s.path));
  }
  test::expect_error_with([&] { s.load(); }, {s.path, "data.pkl", "storage '0' of 4 x 8 bytes", "8 bytes", "damaged"});
}

TEST(DamagedCheckpoint, AMemoIndexPastTheTableIsRefused) {
  Saved s;
  // LONG_BINPUT 256 -> 4294967295: LibTorch's unpickler would grow its memo to 2^32 entries (68 GB).
  edit_entry_behind_its_crc(s.path, "/data.pkl", [](std::string& pkl) {
    replace_once(pkl, std::string("r\x00\x01\x00\x00", 5), std::string("r\xff\xff\xff\xff", 5));
  });
  test::expect_error_with([&] { s.load(); }, {s.path, "data.pkl", "memo index at most 256", "4294967295"});
}

TEST(DamagedCheckpoint, AStringLongerThanThePickleIsRefused) {
  Saved s;
  // BINUNICODE 'format_version' (14 bytes) claiming 2^31: LibTorch allocates that before reading.
  edit_entry_behind_its_crc(s.path, "/data.pkl", [](std::string& pkl) {
    replace_once(pkl, std::string("X\x0e\x00\x00\x00" "format_version", 19),
                 std::string("X\x00\x00\x00\x80" "format_version", 19));
  });
  test::expect_error_with([&] { s.load(); }, {s.path, "data.pkl", "2147483648 more bytes", "damaged"});
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

// Rewrites the archive at `path` with its data.pkl passed through `edit`
// (which may change its size), through LibTorch's own zip reader and writer.
void rewrite_pickle(const std::string& path, const std::function<void(std::string&)>& edit) {
  std::vector<std::pair<std::string, std::string>> records;
  {
    caffe2::serialize::PyTorchStreamReader reader(path);
    for (const std::string& name : reader.getAllRecords()) {
      auto [data, size] = reader.getRecord(name);
      records.emplace_back(name, std::string(static_cast<const char*>(data.get()), size));
    }
  }
  std::string bytes;
  caffe2::serialize::PyTorchStreamWriter writer([&bytes](const void* p, size_t n) {
    bytes.append(static_cast<const char*>(p), n);
    return n;
  });
  for (auto& [name, data] : records) {
    if (name == ".data/version" || name == "version" || name == "byteorder" || name == ".data/serialization_id") continue;
    if (name == "data.pkl") edit(data);
    writer.writeRecord(name, data.data(), data.size());
  }
  writer.writeEndOfFile();
  test::write_file(path, bytes);
}

// Not damage: a checkpoint written on a GPU names its storages' device
// ("cuda:0") in the pickle, and LibTorch cannot even read such tensors on a
// machine without CUDA. The runs trained on the lent H200 are evaluated and
// exported here, so the weights load onto the model's own device. The pickle
// is rewritten the way a CUDA save writes it: the first storage's location
// string, to which every later storage refers through the memo.
TEST(CheckpointDevice, WeightsSavedFromACudaDeviceLoadOntoTheCpu) {
  Saved s;
  PoseModel saved = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  load_checkpoint(s.path, saved.get(), s.description, nullptr);
  rewrite_pickle(s.path, [](std::string& d) {
    const std::string cpu("X\x03\x00\x00\x00" "cpu", 8);
    const size_t at = d.find(cpu);
    ASSERT_NE(at, std::string::npos);
    d.replace(at, cpu.size(), std::string("X\x06\x00\x00\x00" "cuda:0", 11));
  });
  ASSERT_NE(test::slurp(s.path).find("cuda:0"), std::string::npos);
  PoseModel m = create_model("blazepose_lite", YAML::Load("{input_size: 64}"));
  ASSERT_NO_THROW(load_checkpoint(s.path, m.get(), s.description, nullptr));
  auto a = saved->named_parameters(), b = m->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) {
    EXPECT_TRUE(b[p.key()].device().is_cpu()) << p.key();
    EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  }
}

}  // namespace
}  // namespace kplab
