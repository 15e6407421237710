#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "core/text.h"

namespace kplab {

SplitId parse_split_name(const std::string& name) {
  if (name == "train" || name == "0") return kTrain;
  if (name == "val" || name == "1") return kVal;
  if (name == "test" || name == "2") return kTest;
  throw input_error("--split", "split name", "train, val or test", "'" + name + "'");
}

const char* split_name(int id) {
  switch (id) {
    case kTrain: return "train";
    case kVal: return "val";
    case kTest: return "test";
  }
  return "unknown";
}

namespace {

double parse_number(const std::string& s, const std::string& spec) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v) && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw input_error("--split", "'" + spec + "'", "non-negative numbers like 0.8,0.1,0.1", "'" + s + "'");
}

// A permutation of [0, n) that depends only on the seed (std::shuffle's
// algorithm is unspecified, so it is written out: Fisher-Yates on mt19937_64).
std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed) {
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1));
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

}  // namespace

std::vector<uint8_t> assign_splits(const std::string& spec, int64_t n, uint64_t seed,
                                   const std::vector<int>& source_splits) {
  std::vector<uint8_t> out(n, kTrain);
  if (spec == "source") {
    for (int64_t i = 0; i < n; ++i) {
      int s = i < static_cast<int64_t>(source_splits.size()) ? source_splits[i] : -1;
      if (s < 0) throw input_error("--split", "source", "a dataset with its own splits (YOLO train/val/test)",
                                   "an image without one");
      out[i] = static_cast<uint8_t>(s);
    }
    return out;
  }
  auto parts = split_commas(spec);
  if (!parts.empty() && parts[0].find('=') != std::string::npos) {
    // Explicit ranges; images not covered by any range are an error, so a
    // typo cannot silently drop data into train.
    std::vector<int> seen(n, -1);
    for (const auto& part : parts) {
      auto eq = part.find('='), colon = part.find(':');
      if (eq == std::string::npos || colon == std::string::npos || colon < eq)
        throw input_error("--split", "'" + part + "'", "NAME=BEGIN:END", "'" + part + "'");
      SplitId id = parse_split_name(part.substr(0, eq));
      double av = parse_number(part.substr(eq + 1, colon - eq - 1), spec);
      double bv = parse_number(part.substr(colon + 1), spec);
      if (av != std::floor(av) || bv != std::floor(bv))
        throw input_error("--split", "'" + part + "'", "whole image indices", str(av, ":", bv));
      auto a = static_cast<int64_t>(av), b = static_cast<int64_t>(bv);
      if (a > b || b > n)
        throw input_error("--split", "'" + part + "'", str("a range within [0, ", n, "]"), str("[", a, ", ", b, ")"));
      for (int64_t i = a; i < b; ++i) {
        if (seen[i] >= 0) throw input_error("--split", "'" + part + "'", "ranges that do not overlap", str("image ", i, " twice"));
        seen[i] = id;
        out[i] = id;
      }
    }
    for (int64_t i = 0; i < n; ++i)
      if (seen[i] < 0) throw input_error("--split", "'" + spec + "'", str("ranges covering all ", n, " images"), str("image ", i, " in none"));
    return out;
  }
  if (parts.size() < 2 || parts.size() > 3)
    throw input_error("--split", "'" + spec + "'", "2 or 3 comma-separated values (train,val[,test])",
                      str(parts.size(), " values"));
  std::vector<double> v;
  for (const auto& p : parts) v.push_back(parse_number(p, spec));
  v.resize(3, 0.0);
  double sum = v[0] + v[1] + v[2];
  std::vector<int64_t> counts(3);
  if (std::abs(sum - 1.0) < 1e-6) {
    // Fractions: val and test rounded (test clamped so the two never exceed
    // the image count), train takes the rest.
    counts[1] = std::llround(v[1] * n);
    counts[2] = std::min<int64_t>(std::llround(v[2] * n), n - counts[1]);
    counts[0] = n - counts[1] - counts[2];
  } else {
    for (int i = 0; i < 3; ++i) {
      if (v[i] != std::floor(v[i]))
        throw input_error("--split", "'" + spec + "'", "fractions summing to 1 or whole image counts", str(v[i]));
      counts[i] = static_cast<int64_t>(v[i]);
    }
    if (counts[0] + counts[1] + counts[2] != n)
      throw input_error("--split", "'" + spec + "'", str("counts summing to the ", n, " images"),
                        str(counts[0] + counts[1] + counts[2]));
  }
  if (counts[0] < 0) throw input_error("--split", "'" + spec + "'", "val + test not above the image count", str(n, " images"));
  auto perm = seeded_permutation(n, seed);
  for (int64_t r = 0; r < n; ++r) out[perm[r]] = r < counts[0] ? kTrain : (r < counts[0] + counts[1] ? kVal : kTest);
  return out;
}

}  // namespace kplab
