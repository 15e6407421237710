#include "train/tensorboard_log.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iterator>

#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace kplab {

namespace {

// ---- CRC-32C (polynomial 0x82F63B78, reflected), table-driven.
const uint32_t* crc32c_table() {
  static uint32_t table[256];
  static const bool ready = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return true;
  }();
  (void)ready;
  return table;
}

uint32_t crc32c(const char* p, size_t n) {
  const uint32_t* t = crc32c_table();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = t[(c ^ static_cast<uint8_t>(p[i])) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

// ---- protocol buffer wire format, the few pieces an Event needs.
void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void key(std::string& out, int field, int wire) { varint(out, (static_cast<uint64_t>(field) << 3) | wire); }
void bytes_field(std::string& out, int field, const std::string& b) {
  key(out, field, 2);
  varint(out, b.size());
  out += b;
}
template <typename T>
void fixed_field(std::string& out, int field, T v) {  // double: wire 1, float: wire 5 (little-endian machines)
  key(out, field, sizeof(T) == 8 ? 1 : 5);
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Event { wall_time = 1; step = 2; file_version = 3; summary = 5 }
std::string event(int64_t step, const std::string* summary, const std::string* file_version) {
  std::string e;
  fixed_field(e, 1, now_seconds());
  key(e, 2, 0);
  varint(e, static_cast<uint64_t>(step));
  if (file_version) bytes_field(e, 3, *file_version);
  if (summary) bytes_field(e, 5, *summary);
  return e;
}

// Summary { repeated Value value = 1 }; Value { tag = 1; simple_value = 2; image = 4 }
std::string summary_of(const std::string& value) {
  std::string s;
  bytes_field(s, 1, value);
  return s;
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "host";
  return buf;
}

// ---- reading back
struct Cursor {
  const std::string& b;
  size_t at;
  size_t end;
  const std::string& path;
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= end) throw input_error(path, "event", "a complete protocol buffer", "a cut varint");
      const uint8_t c = static_cast<uint8_t>(b[at++]);
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if (!(c & 0x80)) return v;
    }
    throw input_error(path, "event", "a varint of at most 10 bytes", "a longer one");
  }
  std::string take(size_t n) {
    if (end - at < n) throw input_error(path, "event", "a complete protocol buffer", "a cut field");
    std::string s = b.substr(at, n);
    at += n;
    return s;
  }
};

// Calls f(field, wire, cursor-at-value) for each field of the message b[at, end).
template <typename F>
void fields(const std::string& b, const std::string& path, F f) {
  Cursor c{b, 0, b.size(), path};
  while (c.at < c.end) {
    const uint64_t k = c.varint();
    const int field = static_cast<int>(k >> 3), wire = static_cast<int>(k & 7);
    std::string value;
    uint64_t number = 0;
    if (wire == 0) number = c.varint();
    else if (wire == 1) value = c.take(8);
    else if (wire == 5) value = c.take(4);
    else if (wire == 2) value = c.take(c.varint());
    else throw input_error(path, "event", "wire types 0, 1, 2 or 5", std::to_string(wire));
    f(field, wire, value, number);
  }
}

}  // namespace

uint32_t masked_crc32c(const std::string& bytes) { return mask(crc32c(bytes.data(), bytes.size())); }

TensorBoardLog::TensorBoardLog(const std::string& dir) {
  const auto seconds = static_cast<long long>(now_seconds());
  path_ = (std::filesystem::path(dir) / str("events.out.tfevents.", seconds, ".", host_name(), ".kplab")).string();
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw Error(str(path_, ": cannot create the TensorBoard event file"));
  const std::string version = "brain.Event:2";
  record(event(0, nullptr, &version));
}

void TensorBoardLog::record(const std::string& data) {
  std::string header(8, '\0');
  const uint64_t n = data.size();
  std::memcpy(&header[0], &n, 8);
  const uint32_t hcrc = masked_crc32c(header), dcrc = masked_crc32c(data);
  out_.write(header.data(), 8);
  out_.write(reinterpret_cast<const char*>(&hcrc), 4);
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  out_.write(reinterpret_cast<const char*>(&dcrc), 4);
}

void TensorBoardLog::scalar(const std::string& tag, double value, int64_t step) {
  std::string v;
  bytes_field(v, 1, tag);
  fixed_field(v, 2, static_cast<float>(value));
  const std::string s = summary_of(v);
  record(event(step, &s, nullptr));
}

void TensorBoardLog::image(const std::string& tag, const cv::Mat& bgr, int64_t step) {
  std::vector<uchar> png;
  if (!cv::imencode(".png", bgr, png)) throw Error(str(path_, ": ", tag, ": PNG encoding failed"));
  // Summary.Image { height = 1; width = 2; colorspace = 3; encoded_image_string = 4 }
  std::string img;
  key(img, 1, 0);
  varint(img, bgr.rows);
  key(img, 2, 0);
  varint(img, bgr.cols);
  key(img, 3, 0);
  varint(img, bgr.channels());
  bytes_field(img, 4, std::string(png.begin(), png.end()));
  std::string v;
  bytes_field(v, 1, tag);
  bytes_field(v, 4, img);
  const std::string s = summary_of(v);
  record(event(step, &s, nullptr));
}

void TensorBoardLog::flush() {
  out_.flush();
  if (!out_) throw Error(str(path_, ": writing the TensorBoard event file failed: ", write_failure_reason(path_, 0)));
}

std::vector<TensorBoardValue> read_tensorboard_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "event file", "a readable file", "cannot open it");
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<TensorBoardValue> out;
  for (size_t at = 0; at < b.size();) {
    if (b.size() - at < 12) throw input_error(path, str("record at byte ", at), "a 12-byte header", "the end of the file");
    const std::string header = b.substr(at, 8);
    uint64_t n = 0;
    uint32_t hcrc = 0, dcrc = 0;
    std::memcpy(&n, header.data(), 8);
    std::memcpy(&hcrc, b.data() + at + 8, 4);
    if (hcrc != masked_crc32c(header)) throw input_error(path, str("record at byte ", at), "a length CRC that matches", "another");
    if (b.size() - at - 12 < n + 4) throw input_error(path, str("record at byte ", at), str(n, " bytes"), "the end of the file");
    const std::string data = b.substr(at + 12, n);
    std::memcpy(&dcrc, b.data() + at + 12 + n, 4);
    if (dcrc != masked_crc32c(data)) throw input_error(path, str("record at byte ", at), "a data CRC that matches", "another");
    at += 12 + n + 4;
    double wall = 0;
    int64_t step = 0;
    std::string summary;
    fields(data, path, [&](int field, int wire, const std::string& v, uint64_t number) {
      if (field == 1 && wire == 1) std::memcpy(&wall, v.data(), 8);
      if (field == 2 && wire == 0) step = static_cast<int64_t>(number);
      if (field == 5 && wire == 2) summary = v;
    });
    fields(summary, path, [&](int field, int wire, const std::string& value, uint64_t) {
      if (field != 1 || wire != 2) return;
      TensorBoardValue tv;
      tv.step = step;
      tv.wall_time = wall;
      fields(value, path, [&](int f, int w, const std::string& v, uint64_t) {
        if (f == 1 && w == 2) tv.tag = v;
        if (f == 2 && w == 5) std::memcpy(&tv.value, v.data(), 4);
        if (f == 4 && w == 2) {
          tv.is_image = true;
          fields(v, path, [&](int g, int, const std::string& iv, uint64_t num) {
            if (g == 1) tv.height = static_cast<int>(num);
            if (g == 2) tv.width = static_cast<int>(num);
            if (g == 4) tv.png = iv;
          });
        }
      });
      out.push_back(std::move(tv));
    });
  }
  return out;
}

}  // namespace kplab
