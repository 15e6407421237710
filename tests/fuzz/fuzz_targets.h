// The fuzz targets of kplab's input readers: each writes the bytes it is given
// into the file(s) its reader expects, in a private temporary folder, and calls
// the real reader. Bad bytes must end in kplab::Error (the one-line user
// error): that returns 0. Anything else escaping (another exception type) is
// printed and abort()s, so libFuzzer keeps the input; crashes and ASan reports
// are bugs too. tools/fuzz/fuzz_main.cpp runs one under libFuzzer (tools/fuzz.sh);
// tests/robustness/test_fuzz_regressions.cpp replays tests/fuzz/corpus/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kplab::fuzz {

// joints.mat of an LSP/LSPET folder (read_lsp).
int fuzz_mat(const uint8_t* data, size_t size);
// data.yaml and one label file, split at kPartSeparator, beside images (read_yolo, K = 2).
int fuzz_yolo(const uint8_t* data, size_t size);
// A COCO keypoints .json file (read_coco).
int fuzz_coco(const uint8_t* data, size_t size);
// One YAML file read as an experiment (load_experiment) and as a schema
// (load_schema); lines after a kPartSeparator are --set overrides.
int fuzz_yaml(const uint8_t* data, size_t size);
// An HDF5 cache file (read_cache).
int fuzz_cache(const uint8_t* data, size_t size);
// A checkpoint file (load_checkpoint): metadata only, then into a tiny
// blazepose_lite and an Adam optimizer of its first weight; then the same
// bytes with their zip CRCs made to match, to get past the CRC check.
int fuzz_checkpoint(const uint8_t* data, size_t size);

// `zip` with the CRC-32 of every stored entry rewritten to match its data (in
// the central directory and the local header): mutated bytes then get past
// load_checkpoint's CRC check. Bytes it cannot follow are left as they are.
std::string with_fixed_crcs(std::string zip);

// Separates the parts of an input: data.yaml | label file (yolo), experiment | overrides (yaml).
inline const std::string kPartSeparator = "\n#--kplab-fuzz-part--\n";

// Every target by name (the folder names of tests/fuzz/corpus).
struct Target {
  const char* name;
  int (*run)(const uint8_t*, size_t);
};
const std::vector<Target>& targets();

}  // namespace kplab::fuzz
