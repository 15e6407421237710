// kplab's own vector kernels for the XNNPACK runner (src/infer/
// depthwise_conv.h, nhwc::add_relu): every instruction set this CPU runs
// against the plain loops, on the shapes that stress the edges (channel
// blocks of 16 and a last one of 8, windows wider than the image, stride 2
// with the asymmetric padding a folded Pad gives, a fused ReLU, batch 2, a
// share of the rows at a time as the runner's threads take them).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "infer/depthwise_conv.h"
#include "infer/nhwc_kernels.h"
#include "infer/vector_isa.h"
#include "infer/vector_kernels_isa.h"

namespace kplab::nhwc {
namespace {

std::vector<VectorIsa> isas_here() {
  std::vector<VectorIsa> out;
  for (VectorIsa isa : {VectorIsa::avx2, VectorIsa::avx512})
    if (runs(isa)) out.push_back(isa);
  return out;
}

std::vector<float> random_values(size_t n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

struct Shape {
  int64_t n, c, h, w, k, stride, top, left, bottom, right;
  bool relu;
};

Depthwise make(const Shape& s, std::mt19937& rng) {
  Depthwise d;
  d.in = {s.n, s.c, s.h, s.w};
  d.k = s.k;
  d.stride = s.stride;
  d.top = s.top, d.left = s.left;
  d.out_h = (s.h + s.top + s.bottom - s.k) / s.stride + 1;
  d.out_w = (s.w + s.left + s.right - s.k) / s.stride + 1;
  d.weights = random_values(s.k * s.k * s.c, rng);
  d.bias = random_values(s.c, rng);
  if (s.relu) d.lo = 0.f;
  return d;
}

const std::vector<Shape> kShapes = {
    {1, 24, 17, 13, 3, 1, 1, 1, 1, 1, false},  // blocks of 16 + 8
    {2, 48, 9, 10, 3, 1, 1, 1, 1, 1, true},    // batch 2, ReLU
    {1, 8, 16, 16, 3, 2, 0, 0, 1, 1, false},   // a folded Pad's asymmetric padding, stride 2
    {1, 32, 15, 15, 3, 2, 1, 1, 1, 1, true},
    {1, 16, 11, 12, 5, 1, 2, 2, 2, 2, false},  // 5 x 5
    {1, 24, 9, 9, 5, 2, 1, 2, 2, 1, false},
    {1, 8, 3, 2, 5, 1, 2, 2, 2, 2, true},      // the window wider than the image: no interior columns
    {1, 16, 1, 1, 3, 1, 1, 1, 1, 1, false},    // one pixel
};

TEST(DepthwiseConv, EveryInstructionSetMatchesThePlainLoopsRowShareByRowShare) {
  const auto isas = isas_here();
  if (isas.empty()) GTEST_SKIP() << "this CPU runs neither AVX2 nor AVX-512: the runner keeps XNNPACK's kernels";
  std::mt19937 rng(7);
  for (const Shape& s : kShapes) {
    const Depthwise d = make(s, rng);
    ASSERT_TRUE(depthwise_covered(d)) << "k " << s.k << " stride " << s.stride << " C " << s.c;
    const std::vector<float> in = random_values(s.n * s.h * s.w * s.c, rng);
    const int64_t rows = s.n * d.out_h, row_size = d.out_w * s.c;
    std::vector<float> want(rows * row_size);
    depthwise_reference(d, in.data(), want.data());
    for (VectorIsa isa : isas) {
      std::vector<float> got(rows * row_size, std::nanf(""));
      const int64_t split = rows / 3;  // two shares, as two threads would take them
      depthwise_rows(d, in.data(), got.data(), 0, split, isa);
      depthwise_rows(d, in.data(), got.data() + split * row_size, split, rows, isa);
      float worst = 0.f;
      for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
      EXPECT_LE(worst, 1e-5f) << isa_name(isa) << ": k " << s.k << " stride " << s.stride << " C " << s.c << " "
                              << s.h << "x" << s.w;
      if (s.relu) EXPECT_GE(*std::min_element(got.begin(), got.end()), 0.f) << isa_name(isa);
    }
  }
}

TEST(DepthwiseConv, CoversOnlyWhatTheKernelsDo) {
  std::mt19937 rng(1);
  Depthwise d = make({1, 12, 8, 8, 3, 1, 1, 1, 1, 1, false}, rng);
  EXPECT_FALSE(depthwise_covered(d)) << "12 channels: not a multiple of 8";
  d = make({1, 16, 8, 8, 7, 1, 3, 3, 3, 3, false}, rng);
  EXPECT_FALSE(depthwise_covered(d)) << "7 x 7";
  d = make({1, 16, 9, 9, 3, 3, 0, 0, 0, 0, false}, rng);
  EXPECT_FALSE(depthwise_covered(d)) << "stride 3";
}

TEST(AddRelu, EveryInstructionSetMatchesThePlainLoop) {
  std::mt19937 rng(3);
  const std::vector<float> a = random_values(1000, rng), b = random_values(1000, rng);
  for (VectorIsa isa : isas_here())
    for (auto [begin, end] : std::vector<std::pair<int64_t, int64_t>>{{0, 1000}, {3, 997}, {5, 12}, {7, 7}}) {
      std::vector<float> got(1000, -1.f);
      if (isa == VectorIsa::avx512) avx512::add_relu(a.data(), b.data(), got.data(), begin, end);
      if (isa == VectorIsa::avx2) avx2::add_relu(a.data(), b.data(), got.data(), begin, end);
      for (int64_t i = 0; i < 1000; ++i) {
        const float want = i >= begin && i < end ? std::max(a[i] + b[i], 0.f) : -1.f;
        ASSERT_EQ(got[i], want) << isa_name(isa) << " [" << begin << ", " << end << ") at " << i;
      }
    }
  // The dispatcher the runner calls; in place (out = a) as well.
  std::vector<float> inplace = a;
  add_relu(inplace.data(), b.data(), inplace.data(), 0, 1000);
  for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(inplace[i], std::max(a[i] + b[i], 0.f)) << i;
}

}  // namespace
}  // namespace kplab::nhwc
