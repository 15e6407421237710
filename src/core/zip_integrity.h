// Checks every entry of a zip archive against the CRC-32 its central
// directory records. LibTorch's checkpoint reader does not: a checkpoint with
// one flipped bit in a weight loads and gives slightly different numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kplab {

struct ZipEntry {
  std::string name;
  uint64_t method = 0;   // 0 stored, 8 deflated
  uint64_t begin = 0;    // offset of its data in the file
  uint64_t size = 0;     // bytes of data in the file (compressed size)
};

// A zip archive read whole, every entry checked.
struct VerifiedZip {
  std::string path;
  std::vector<unsigned char> bytes;
  std::vector<ZipEntry> entries;

  const ZipEntry* find(const std::string& name) const;
  // The entry's contents (inflated when deflated).
  std::string contents(const ZipEntry& e) const;
  // Bytes the entry holds once inflated (its stored size when stored).
  uint64_t uncompressed_size(const ZipEntry& e) const;
};

// Reads `path` and checks every entry's data against its recorded CRC-32.
// Throws kplab::Error naming `path` and the first damaged entry (or the
// broken structure). Entries must be stored or deflated, as LibTorch writes them.
VerifiedZip read_verified_zip(const std::string& path);

inline void verify_zip_crcs(const std::string& path) { read_verified_zip(path); }

}  // namespace kplab
