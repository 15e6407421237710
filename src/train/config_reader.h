// Reading and writing the experiment's config structs (train/experiment.h).
// Reader validates values and names the file each offending key came from;
// ConfigField tables declare a struct's keys once, and that one declaration
// drives reading, the unknown-key check and writing back to YAML
// (train/config_fields.h has the tables).
#pragma once

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/yaml_read.h"
#include "train/experiment_document.h"

namespace kplab {

inline std::string quoted(const YAML::Node& n) { return describe_node(n); }

class Reader {
 public:
  explicit Reader(Origins origins) : origins_(std::move(origins)) {}

  // The file to blame for `node` at `where`: its origin, or the top file when it is missing.
  std::string file(const std::string& where, const YAML::Node& node) const {
    return node ? origins_.file_for(where) : origins_.top;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& where, const std::string& expected,
                         const std::string& found) const {
    throw input_error(file(where, node), where.empty() ? "top level" : where, expected, found);
  }

  // A mapping holding only `allowed` keys. A null optional section reads as empty.
  bool mapping(const YAML::Node& m, const std::set<std::string>& allowed, const std::string& where,
               bool null_ok) const {
    if (null_ok && m && m.IsNull()) return false;
    if (!m || !m.IsMap()) fail(m, where, "a mapping", describe_node(m));
    for (const auto& kv : m) {
      const std::string key = kv.first.Scalar();
      if (!allowed.count(key)) check_known_keys(m, allowed, origins_.file_for(join_key(where, key)), where);
    }
    return true;
  }

  template <typename T>
  T scalar(const YAML::Node& n, const std::string& where, const std::string& expected) const {
    return yaml_as<T>(n, file(where, n), where, expected);
  }

  // Reads m[key] into `out` when present; `ok` checks the value, `expected` says what it should be.
  template <typename T>
  void optional(const YAML::Node& m, const char* key, const std::string& where, T& out, const std::string& expected,
                const std::function<bool(T)>& ok = nullptr) const {
    const YAML::Node n = m[key];
    if (!n) return;
    out = value<T>(n, join_key(where, key), expected, ok);
  }

  template <typename T>
  T required(const YAML::Node& m, const char* key, const std::string& where, const std::string& expected,
             const std::function<bool(T)>& ok = nullptr) const {
    return value<T>(m[key], join_key(where, key), expected, ok);
  }

  template <typename T>
  T value(const YAML::Node& n, const std::string& w, const std::string& expected,
          const std::function<bool(T)>& ok) const {
    if constexpr (std::is_unsigned_v<T>) {
      if (n && n.IsScalar() && !n.Scalar().empty() && n.Scalar()[0] == '-') fail(n, w, expected, quoted(n));
    }
    T v = scalar<T>(n, w, expected);
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(v)) fail(n, w, expected, quoted(n));
    }
    if (ok && !ok(v)) fail(n, w, expected, quoted(n));
    return v;
  }

  void choice(const YAML::Node& m, const char* key, const std::string& where, std::string& out,
              const std::vector<std::string>& options) const {
    std::string expected;
    for (size_t i = 0; i < options.size(); ++i)
      expected += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + options[i];
    optional<std::string>(m, key, where, out, expected, [&](const std::string& s) {
      return std::find(options.begin(), options.end(), s) != options.end();
    });
  }

  template <typename T>
  std::vector<T> list(const YAML::Node& n, const std::string& where, const std::string& expected_item,
                      const std::function<bool(T)>& ok = nullptr, bool allow_empty = false) const {
    if (!n || !n.IsSequence()) fail(n, where, "a list of " + expected_item, describe_node(n));
    if (!allow_empty && n.size() == 0) fail(n, where, "a non-empty list of " + expected_item, "an empty list");
    std::vector<T> out;
    for (size_t i = 0; i < n.size(); ++i) out.push_back(value<T>(n[i], str(where, "[", i, "]"), expected_item, ok));
    return out;
  }

 private:
  Origins origins_;
};

inline const std::function<bool(double)> positive = [](double v) { return v > 0; };
inline const std::function<bool(double)> non_negative = [](double v) { return v >= 0; };
inline const std::function<bool(double)> unit_interval = [](double v) { return v >= 0 && v <= 1; };
inline const std::function<bool(float)> non_negative_f = [](float v) { return v >= 0; };
inline const std::function<bool(float)> unit_interval_f = [](float v) { return v >= 0 && v <= 1; };
inline const std::function<bool(int64_t)> at_least_one = [](int64_t v) { return v >= 1; };

// Shortest text that reads back as the same value.
template <typename T>
inline std::string number_text(T v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a float for readers
  return s;
}

// One key of a config struct S: how to read it (validated) and write it.
// A field without a key is a check across the fields read before it.
template <typename S>
struct ConfigField {
  std::string key;
  std::function<void(const Reader&, const YAML::Node& m, const std::string& where, S&)> read;
  std::function<void(const S&, YAML::Node& out)> write;  // null: not written
};

template <typename S>
using ConfigFields = std::vector<ConfigField<S>>;

// Reads the mapping `m` at `where` into `s`: only the fields' keys are
// allowed; a null section reads as empty (false: nothing read).
template <typename S>
bool read_fields(const Reader& r, const YAML::Node& m, const std::string& where, const ConfigFields<S>& fields, S& s) {
  std::set<std::string> keys;
  for (const auto& f : fields)
    if (!f.key.empty()) keys.insert(f.key);
  if (!r.mapping(m, keys, where, true)) return false;
  for (const auto& f : fields) f.read(r, m, where, s);
  return true;
}

template <typename S>
void write_fields(const S& s, const ConfigFields<S>& fields, YAML::Node out) {
  for (const auto& f : fields)
    if (f.write) f.write(s, out);
}

// A number (floating point or integer) member, with what it must satisfy.
template <typename S, typename T>
ConfigField<S> number_field(const std::string& key, T S::*member, const std::string& expected,
                            std::function<bool(T)> ok = nullptr) {
  return {key,
          [=](const Reader& r, const YAML::Node& m, const std::string& w, S& s) {
            r.optional<T>(m, key.c_str(), w, s.*member, expected, ok);
          },
          [=](const S& s, YAML::Node& out) {
            if constexpr (std::is_floating_point_v<T>) out[key] = number_text(s.*member);
            else out[key] = s.*member;
          }};
}

// A string member that must be one of `options`.
template <typename S>
ConfigField<S> choice_field(const std::string& key, std::string S::*member, const std::vector<std::string>& options) {
  return {key,
          [=](const Reader& r, const YAML::Node& m, const std::string& w, S& s) {
            r.choice(m, key.c_str(), w, s.*member, options);
          },
          [=](const S& s, YAML::Node& out) { out[key] = s.*member; }};
}

// A check across fields read before it: `bad` says whether s is wrong and fails through the Reader.
template <typename S>
ConfigField<S> check_field(std::function<void(const Reader&, const YAML::Node& m, const std::string& where, S&)> check) {
  return {"", std::move(check), nullptr};
}

}  // namespace kplab
