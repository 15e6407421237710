#include "data/cache_seal.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace kplab {

namespace {

constexpr const char* kMagic = "KPLAB-CACHE 1\n";

std::string hex8(unsigned long crc) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08lx", crc);
  return hex;
}

std::string header_text(uint64_t bytes, unsigned long crc) {
  return str(kMagic, "bytes ", bytes, "\n", "crc32 ", hex8(crc), "\n");
}

unsigned long crc_of(const char* p, uint64_t n, unsigned long crc) {
  for (uint64_t done = 0; done < n;) {  // zlib takes 32-bit lengths
    const uInt chunk = static_cast<uInt>(std::min<uint64_t>(n - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(p + done), chunk);
    done += chunk;
  }
  return crc;
}

// Size and CRC-32 of `path` after its header, read in 4 MiB blocks (caches
// reach GBs; read_cache then holds the contents once, not twice).
std::pair<uint64_t, unsigned long> measure(const std::string& path, std::ifstream& in) {
  in.seekg(kCacheSealBytes);
  std::vector<char> block(4 << 20);
  uint64_t bytes = 0;
  unsigned long crc = crc32(0L, Z_NULL, 0);
  while (in) {
    in.read(block.data(), block.size());
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    crc = crc_of(block.data(), got, crc);
    bytes += got;
  }
  if (in.bad()) throw input_error(path, "cache", "a readable file", "a read error");
  return {bytes, crc};
}

}  // namespace

void seal_cache_image(std::vector<char>& image) {
  KP_CHECK(image.size() >= kCacheSealBytes, "internal: an HDF5 cache image of ", image.size(),
           " bytes has no room for its seal");
  const uint64_t bytes = image.size() - kCacheSealBytes;
  const std::string h = header_text(bytes, crc_of(image.data() + kCacheSealBytes, bytes, crc32(0L, Z_NULL, 0)));
  std::fill(image.begin(), image.begin() + kCacheSealBytes, '\0');
  std::memcpy(image.data(), h.data(), h.size());
}

bool has_cache_seal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic(std::strlen(kMagic), '\0');
  in.read(magic.data(), magic.size());
  return in && magic == kMagic;
}

void check_cache_seal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "cache", "a readable file", "cannot open it");
  std::string head(kCacheSealBytes, '\0');
  in.read(head.data(), head.size());
  const std::string magic = kMagic;
  if (in.gcount() < static_cast<std::streamsize>(kCacheSealBytes) || head.compare(0, magic.size(), magic) != 0)
    throw input_error(path, "cache header",
                      "kplab's seal ('KPLAB-CACHE 1', size and CRC-32), which kplab prepare writes since cache format 2",
                      "none: a cache of an older kplab or another tool, or not a cache; make it again with kplab prepare");
  std::istringstream fields(head.substr(magic.size()));
  std::string k1, k2, crc_hex;
  uint64_t bytes = 0;
  fields >> k1 >> bytes >> k2 >> crc_hex;
  unsigned long crc = 0;
  if (k1 != "bytes" || k2 != "crc32" || crc_hex.size() != 8 || std::sscanf(crc_hex.c_str(), "%8lx", &crc) != 1)
    throw input_error(path, "cache header", "'bytes N' and 'crc32 HEX' after 'KPLAB-CACHE 1'", "other text (damaged)");
  const auto [have, actual] = measure(path, in);
  if (have != bytes)
    throw input_error(path, "cache size", str(bytes, " bytes after the header, as its seal records"),
                      str(have, have < bytes ? " (cut short?)" : " (bytes appended?)"));
  if (actual != crc)
    throw input_error(path, "cache CRC-32", str(crc_hex, ", as its seal records"),
                      str(hex8(actual), ": the file is damaged (a changed byte), refused; make it again with kplab prepare"));
}

void reseal_cache(const std::string& path) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  if (!f) throw input_error(path, "cache", "a writable file", "cannot open it");
  std::ifstream in(path, std::ios::binary);
  std::string magic(std::strlen(kMagic), '\0');
  in.read(magic.data(), magic.size());
  if (magic != kMagic)  // without a user block, the header's place holds HDF5's superblock
    throw input_error(path, "cache header", "a seal to rewrite", "none (no kplab user block)");
  const auto [bytes, crc] = measure(path, in);
  const std::string h = header_text(bytes, crc);
  std::string block(kCacheSealBytes, '\0');
  std::memcpy(block.data(), h.data(), h.size());
  f.write(block.data(), block.size());
  if (!f.flush()) throw input_error(path, "cache header", "written", "a write error");
}

}  // namespace kplab
