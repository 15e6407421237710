// Small fixtures the robustness tests share: a synthetic cache, an
// experiment on it, and byte surgery on files (flip a byte, cut a file).
#pragma once

#include <string>

#include "support/temp_dir.h"

namespace kplab::test {

// A synthetic LSP-schema cache of `count` people at 64 px in `dir`, split by `split`.
std::string synthetic_cache(const TempDir& dir, const std::string& name, int count = 24,
                            const std::string& split = "0.5,0.25,0.25");

// A one-phase blazepose_lite experiment on `cache` (2 epochs, batch 4), with
// `optimizer` as the phase's optimizer mapping.
std::string tiny_experiment(const TempDir& dir, const std::string& cache,
                            const std::string& optimizer = "{type: adam, lr: 0.001}");

// Offset and size of the largest entry's data in a zip archive (a checkpoint's biggest tensor).
std::pair<size_t, size_t> largest_zip_entry(const std::string& path);

// Inserts an EXIF block with orientation tag `orientation` (1..8) after a JPEG's start marker.
void add_exif_orientation(const std::string& jpeg_path, int orientation);
// Rewrites the width and height a baseline JPEG's frame header claims (the pixels stay as they are).
void set_jpeg_header_size(const std::string& jpeg_path, int width, int height);

void flip_byte(const std::string& path, size_t offset);    // XORs one bit pattern into the byte
void cut_file(const std::string& path, size_t keep_bytes);  // truncates to the first keep_bytes

}  // namespace kplab::test
