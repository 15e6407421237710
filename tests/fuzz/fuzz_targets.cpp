#include "fuzz/fuzz_targets.h"

#include <H5Cpp.h>
#include <cxxabi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <typeinfo>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "data/cache.h"
#include "data/readers/readers.h"
#include "data/schema.h"
#include "models/registry.h"
#include "train/checkpoint.h"
#include "train/experiment.h"

namespace kplab::fuzz {
namespace {

namespace fs = std::filesystem;

// This process's scratch folder under $TMPDIR, removed at exit (an abort leaves it).
const fs::path& scratch() {
  struct Dir {
    fs::path path = fs::temp_directory_path() / ("kplab-fuzz-" + std::to_string(::getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const Dir dir;
  return dir.path;
}

// A folder of the scratch folder, made on first use and kept across inputs.
fs::path folder(const std::string& name) {
  fs::path p = scratch() / name;
  fs::create_directories(p);
  return p;
}

void write_bytes(const fs::path& path, const void* data, size_t size) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}
void write_bytes(const fs::path& path, const std::string& bytes) { write_bytes(path, bytes.data(), bytes.size()); }

// A tiny valid JPEG (the readers only check that images exist; loading is lazy).
const std::string& tiny_jpeg() {
  static const std::string bytes = [] {
    std::vector<uint8_t> buf;
    cv::imencode(".jpg", cv::Mat(4, 4, CV_8UC3, cv::Scalar(40, 120, 200)), buf);
    return std::string(buf.begin(), buf.end());
  }();
  return bytes;
}

// Splits `bytes` at every kPartSeparator.
std::vector<std::string> split_parts(const std::string& bytes) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t at = bytes.find(kPartSeparator, start);
    parts.push_back(bytes.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + kPartSeparator.size();
  }
  return parts;
}

std::string type_name(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : t.name();
}

[[noreturn]] void escaped(const char* target, const std::string& type, const std::string& what) {
  std::fprintf(stderr, "\nfuzz_%s: %s escaped the reader (only kplab::Error may): %s\n", target, type.c_str(),
               what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The policy: kplab::Error is the expected end of bad bytes; anything else escaping aborts.
template <typename F>
int guarded(const char* target, F&& run) {
  try {
    run();
  } catch (const Error& e) {
    static const bool verbose = std::getenv("KPLAB_FUZZ_VERBOSE") != nullptr;  // say why inputs are refused
    if (verbose) std::fprintf(stderr, "fuzz_%s: kplab::Error: %s\n", target, e.what());
    return 0;
  } catch (const H5::Exception& e) {
    escaped(target, type_name(typeid(e)), e.getFuncName() + ": " + e.getDetailMsg());
  } catch (const std::exception& e) {
    escaped(target, type_name(typeid(e)), e.what());
  } catch (...) {
    escaped(target, "an exception of unknown type", "");
  }
  return 0;
}

// LSP and LSPET image names for the first images, so read_lsp gets past image 1.
const fs::path& lsp_folder() {
  static const fs::path dir = [] {
    fs::path d = folder("mat");
    for (int i = 1; i <= 3; ++i) {
      char lsp[32], lspet[32];
      std::snprintf(lsp, sizeof(lsp), "im%04d.jpg", i);
      std::snprintf(lspet, sizeof(lspet), "im%05d.jpg", i);
      write_bytes(d / "images" / lsp, tiny_jpeg());
      write_bytes(d / "images" / lspet, tiny_jpeg());
    }
    return d;
  }();
  return dir;
}

// A YOLO layout: images/{train,val,test}/a.jpg; the label goes to labels/train/a.txt.
const fs::path& yolo_folder() {
  static const fs::path dir = [] {
    fs::path d = folder("yolo");
    for (const char* split : {"train", "val", "test"}) write_bytes(d / "images" / split / "a.jpg", tiny_jpeg());
    return d;
  }();
  return dir;
}

// Images a COCO file may name: a.jpg, b.jpg beside it, c.jpg under images/.
const fs::path& coco_folder() {
  static const fs::path dir = [] {
    fs::path d = folder("coco");
    write_bytes(d / "a.jpg", tiny_jpeg());
    write_bytes(d / "b.jpg", tiny_jpeg());
    write_bytes(d / "images" / "c.jpg", tiny_jpeg());
    return d;
  }();
  return dir;
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

}  // namespace

int fuzz_mat(const uint8_t* data, size_t size) {
  const fs::path dir = lsp_folder();
  write_bytes(dir / "joints.mat", data, size);
  return guarded("mat", [&] { read_lsp(dir.string()); });
}

int fuzz_yolo(const uint8_t* data, size_t size) {
  const fs::path dir = yolo_folder();
  std::vector<std::string> parts = split_parts(std::string(reinterpret_cast<const char*>(data), size));
  write_bytes(dir / "data.yaml", parts[0]);
  write_bytes(dir / "labels" / "train" / "a.txt", parts.size() > 1 ? parts[1] : std::string());
  return guarded("yolo", [&] { read_yolo((dir / "data.yaml").string(), 2); });
}

int fuzz_coco(const uint8_t* data, size_t size) {
  const fs::path dir = coco_folder();
  write_bytes(dir / "person_keypoints.json", data, size);
  return guarded("coco", [&] { read_coco((dir / "person_keypoints.json").string(), ""); });
}

int fuzz_yaml(const uint8_t* data, size_t size) {
  const fs::path dir = folder("yaml");
  std::vector<std::string> parts = split_parts(std::string(reinterpret_cast<const char*>(data), size));
  const fs::path file = dir / "experiment.yaml";
  write_bytes(file, parts[0]);
  // Lines after the first separator are --set overrides.
  std::vector<std::string> overrides;
  if (parts.size() > 1) {
    std::istringstream lines(parts[1]);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) overrides.push_back(line);
  }
  guarded("yaml", [&] { load_experiment(file.string()); });
  if (!overrides.empty()) guarded("yaml", [&] { load_experiment(file.string(), overrides); });
  guarded("yaml", [&] { load_schema(file.string()); });
  return 0;
}

int fuzz_cache(const uint8_t* data, size_t size) {
  const fs::path file = folder("cache") / "cache.h5";
  write_bytes(file, data, size);
  return guarded("cache", [&] { read_cache(file.string()); });
}

namespace {

// The model of the checkpoint seeds: blazepose_lite cut down to a few thousand weights.
const char* const kTinyModel =
    "{input_size: 64, num_keypoints: 2, stem: 4, widths: [4, 4, 4, 4], depths: [1, 1, 1, 1], decoder: 4, "
    "head: 4, regression_depths: [1, 1, 1], tail_depths: [1]}";

uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

}  // namespace

std::string with_fixed_crcs(std::string z) {
  auto u16 = [&](size_t at) { return at + 2 <= z.size() ? uint32_t(uint8_t(z[at]) | uint8_t(z[at + 1]) << 8) : 0u; };
  auto u32 = [&](size_t at) { return at + 4 <= z.size() ? u16(at) | u16(at + 2) << 16 : 0u; };
  auto put32 = [&](size_t at, uint32_t v) {
    for (int b = 0; b < 4; ++b) z[at + b] = static_cast<char>(v >> (8 * b));
  };
  if (z.size() < 22) return z;
  size_t eocd = z.size() - 22;
  while (eocd > 0 && u32(eocd) != 0x06054b50u) --eocd;
  if (u32(eocd) != 0x06054b50u) return z;
  size_t at = u32(eocd + 16);
  for (uint32_t i = 0, n = u16(eocd + 10); i < n && at + 46 <= z.size() && u32(at) == 0x02014b50u; ++i) {
    const size_t local = u32(at + 42), size = u32(at + 20);
    const size_t next = at + 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
    if (u16(at + 10) == 0 && local + 30 <= z.size() && u32(local) == 0x04034b50u) {
      const size_t begin = local + 30 + u16(local + 26) + u16(local + 28);
      if (begin <= z.size() && size <= z.size() - begin) {
        const uint32_t crc = crc32(reinterpret_cast<const uint8_t*>(z.data()) + begin, size);
        put32(at + 16, crc);
        if (!(u16(local + 6) & 8)) put32(local + 14, crc);  // else a data descriptor holds it (LibTorch's case)
      }
    }
    at = next;
  }
  return z;
}

namespace {

void load_checkpoint_file(const fs::path& file) {
  bool metadata_ok = false;
  guarded("checkpoint", [&] {
    load_checkpoint(file.string(), nullptr, "", nullptr);
    metadata_ok = true;
  });
  if (!metadata_ok) return;
  guarded("checkpoint", [&] {
    PoseModel model = create_model("blazepose_lite", YAML::Load(kTinyModel));
    // Adam over the first weight only: its saved state stays a few bytes.
    torch::optim::Adam optimizer({model->parameters().front()}, torch::optim::AdamOptions(1e-3));
    load_checkpoint(file.string(), model.get(), yaml_text(model->describe()), &optimizer);
  });
}

}  // namespace

int fuzz_checkpoint(const uint8_t* data, size_t size) {
  const fs::path file = folder("checkpoint") / "checkpoint.pt";
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  write_bytes(file, bytes);
  load_checkpoint_file(file);  // as given: the CRC check's business
  const std::string fixed = with_fixed_crcs(bytes);
  if (fixed != bytes) {  // with matching CRCs: LibTorch's reader and the metadata checks
    write_bytes(file, fixed);
    load_checkpoint_file(file);
  }
  return 0;
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"mat", fuzz_mat},     {"yolo", fuzz_yolo},   {"coco", fuzz_coco},
                                          {"yaml", fuzz_yaml},   {"cache", fuzz_cache}, {"checkpoint", fuzz_checkpoint}};
  return all;
}

}  // namespace kplab::fuzz
