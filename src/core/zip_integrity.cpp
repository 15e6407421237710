#include "core/zip_integrity.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"

namespace kplab {

namespace {

struct Bytes {
  const std::vector<unsigned char>& b;
  const std::string& path;

  // Little-endian field of `n` bytes at `at`; a field past the end is a damaged file.
  uint64_t get(uint64_t at, int n, const char* what) const {
    if (at > b.size() || b.size() - at < static_cast<uint64_t>(n))
      throw input_error(path, "zip structure", str(what, " inside the file"), "the file ends before it (truncated?)");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | b[at + i];
    return v;
  }
};

uLong crc_of(const unsigned char* p, uint64_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (uint64_t done = 0; done < size;) {  // zlib takes 32-bit lengths
    const uInt chunk = static_cast<uInt>(std::min<uint64_t>(size - done, 1u << 30));
    crc = crc32(crc, p + done, chunk);
    done += chunk;
  }
  return crc;
}

// Inflates a raw deflate stream (zip method 8; small entries such as
// LibTorch's code/ files), returning the CRC-32 of what it inflates to and
// appending that to `out` when given.
uLong inflate_entry(const unsigned char* p, uint64_t size, const std::string& path, const std::string& name,
                    std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw Error(str(path, ": entry ", name, ": zlib cannot start inflating"));
  std::vector<unsigned char> buffer(1 << 16);
  uLong crc = crc32(0L, Z_NULL, 0);
  z.next_in = const_cast<unsigned char*>(p);
  z.avail_in = static_cast<uInt>(std::min<uint64_t>(size, UINT32_MAX));
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const uInt got = static_cast<uInt>(buffer.size() - z.avail_out);
    crc = crc32(crc, buffer.data(), got);
    if (out) out->append(reinterpret_cast<const char*>(buffer.data()), got);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    throw input_error(path, str("entry ", name), "a complete deflate stream", "a broken one: the file is damaged, refused");
  return crc;
}

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64Locator = 0x07064b50, kZip64End = 0x06064b50,
                   kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;

}  // namespace

const ZipEntry* VerifiedZip::find(const std::string& name) const {
  for (const ZipEntry& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

std::string VerifiedZip::contents(const ZipEntry& e) const {
  if (e.method == 0) return std::string(reinterpret_cast<const char*>(&bytes[e.begin]), e.size);
  std::string out;
  inflate_entry(&bytes[e.begin], e.size, path, e.name, &out);
  return out;
}

uint64_t VerifiedZip::uncompressed_size(const ZipEntry& e) const {
  return e.method == 0 ? e.size : contents(e).size();
}

VerifiedZip read_verified_zip(const std::string& path) {
  VerifiedZip zip;
  zip.path = path;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path, "file", "a readable file", "cannot open it");
    zip.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::vector<unsigned char>& data = zip.bytes;
  const Bytes r{data, path};
  // The end-of-directory record: the last signature match within 64 KiB + 22 bytes of the end.
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(data.size()) - 22; i >= 0 && i + 65557 >= static_cast<int64_t>(data.size()); --i)
    if (r.get(i, 4, "signature") == kEndOfDirectory) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw input_error(path, "zip structure", "a zip archive (LibTorch checkpoint)", "no end-of-directory record");
  uint64_t entries = r.get(eocd + 10, 2, "entry count"), dir_offset = r.get(eocd + 16, 4, "directory offset");
  if ((entries == 0xFFFF || dir_offset == 0xFFFFFFFF) && eocd >= 20 && r.get(eocd - 20, 4, "zip64 locator") == kZip64Locator) {
    const uint64_t end64 = r.get(eocd - 12, 8, "zip64 record offset");
    if (r.get(end64, 4, "zip64 record") != kZip64End)
      throw input_error(path, "zip structure", "a zip64 end-of-directory record", "none where the locator points");
    entries = r.get(end64 + 32, 8, "zip64 entry count");
    dir_offset = r.get(end64 + 48, 8, "zip64 directory offset");
  }
  uint64_t at = dir_offset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (r.get(at, 4, "directory entry") != kDirectoryEntry)
      throw input_error(path, "zip structure", str("directory entry ", e + 1, " of ", entries), "other bytes (damaged)");
    const uint64_t method = r.get(at + 10, 2, "method"), crc = r.get(at + 16, 4, "CRC");
    uint64_t size = r.get(at + 20, 4, "size");
    const uint64_t name_len = r.get(at + 28, 2, "name length"), extra_len = r.get(at + 30, 2, "extra length"),
                   comment_len = r.get(at + 32, 2, "comment length");
    uint64_t local = r.get(at + 42, 4, "local header offset");
    if (at + 46 + name_len > data.size()) throw input_error(path, "zip structure", "an entry name", "the end of the file");
    const std::string name(reinterpret_cast<const char*>(&data[at + 46]), name_len);
    // Zip64 sizes and offsets live in extra field 0x0001, in this order, when the 32-bit field is saturated.
    for (uint64_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint64_t id = r.get(x, 2, "extra id"), len = r.get(x + 2, 2, "extra length");
      if (id == 1) {
        uint64_t f = x + 4;
        if (r.get(at + 24, 4, "size") == 0xFFFFFFFF) f += 8;  // uncompressed size comes first
        if (size == 0xFFFFFFFF) size = r.get(f, 8, "zip64 size"), f += 8;
        if (local == 0xFFFFFFFF) local = r.get(f, 8, "zip64 offset");
      }
      x += 4 + len;
    }
    if (method != 0 && method != 8)
      throw input_error(path, str("entry ", name), "stored or deflated data (as LibTorch writes)",
                        str("compression method ", method));
    if (r.get(local, 4, "local header") != kLocalHeader)
      throw input_error(path, str("entry ", name), "a local header where the directory points", "other bytes (damaged)");
    const uint64_t begin = local + 30 + r.get(local + 26, 2, "name length") + r.get(local + 28, 2, "extra length");
    if (begin > data.size() || data.size() - begin < size)
      throw input_error(path, str("entry ", name), str(size, " bytes of data"), "the end of the file (truncated?)");
    const uLong actual = method == 0 ? crc_of(&data[begin], size) : inflate_entry(&data[begin], size, path, name, nullptr);
    if (actual != crc)
      throw input_error(path, str("entry ", name), str("CRC-32 ", std::hex, crc),
                        str(std::hex, actual, std::dec, ": the file is damaged (a changed byte), refused"));
    zip.entries.push_back({name, method, begin, size});
    at += 46 + name_len + extra_len + comment_len;
  }
  return zip;
}

}  // namespace kplab
