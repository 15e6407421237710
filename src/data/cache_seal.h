// The cache's seal: a 512-byte header in the HDF5 user block (HDF5 and h5py
// skip it) recording the size and CRC-32 of the rest of the file, written by
// `kplab prepare` and checked before HDF5 parses a byte. libhdf5 (1.10) crashes,
// over-reads or loops forever on some damaged files (49 such inputs in 10
// minutes of fuzzing, tests/fuzz/README.md), which no check of ours after
// H5Fopen can catch; a damaged or cut cache is now refused by name before.
//
//   KPLAB-CACHE 1\n
//   bytes <bytes after the header>\n
//   crc32 <8 hex digits>\n
//   (zeros up to 512 bytes)
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kplab {

constexpr size_t kCacheSealBytes = 512;  // HDF5's smallest user block

// Fills the first kCacheSealBytes of `image`: room left in front of an HDF5
// file image (H5Fget_file_image) made with a user block of that size.
void seal_cache_image(std::vector<char>& image);

// Whether `path` starts with a seal's first line (damaged or not).
bool has_cache_seal(const std::string& path);

// Throws kplab::Error naming `path` unless its header is a seal whose size and
// CRC-32 match the rest of the file.
void check_cache_seal(const std::string& path);

// Rewrites the seal of a cache edited in place with HDF5 (a tool that edits a
// cache, and the reader's tests, which damage fields on purpose).
void reseal_cache(const std::string& path);

}  // namespace kplab
