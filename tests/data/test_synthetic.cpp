// The synthetic reader: shape of what it returns, determinism in (seed, index)
// whatever the count or thread, and rejection of bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "data/readers/readers.h"

namespace {

kplab::RawDataset synth(int count, uint64_t seed, int size = 96) {
  kplab::SyntheticOptions o;
  o.count = count;
  o.seed = seed;
  o.image_size = size;
  return kplab::read_synthetic(o);
}

bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  return cv::norm(a, b, cv::NORM_INF) == 0;
}

bool same_labels(const kplab::RawPerson& a, const kplab::RawPerson& b) {
  return a.xy == b.xy && a.labeled == b.labeled && a.occluded == b.occluded;
}

}  // namespace

TEST(Synthetic, CountJointsAndFields) {
  auto ds = synth(7, 3, 64);
  EXPECT_EQ(ds.format, "synthetic");
  EXPECT_EQ(ds.num_joints, 14);
  ASSERT_EQ(ds.images.size(), 7u);
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const auto& im = ds.images[i];
    EXPECT_EQ(im.source, "synthetic:3:" + std::to_string(i));
    EXPECT_FALSE(im.normalized);
    EXPECT_EQ(im.split, -1);
    ASSERT_EQ(im.people.size(), 1u);
    const auto& p = im.people[0];
    EXPECT_EQ(p.xy.size(), 28u);
    EXPECT_EQ(p.labeled, std::vector<uint8_t>(14, 1));
    ASSERT_EQ(p.occluded.size(), 14u);
    for (uint8_t v : p.occluded) EXPECT_LE(v, 1);
    EXPECT_FALSE(p.has_box);
  }
  cv::Mat img = ds.images[0].load();
  EXPECT_EQ(img.rows, 64);
  EXPECT_EQ(img.cols, 64);
  EXPECT_EQ(img.type(), CV_8UC3);
}

TEST(Synthetic, SameSeedSameLabelsAndImages) {
  auto a = synth(5, 42), b = synth(5, 42);
  for (int i : {0, 2, 4}) {
    EXPECT_TRUE(same_labels(a.images[i].people[0], b.images[i].people[0])) << "index " << i;
    EXPECT_TRUE(same_bytes(a.images[i].load(), b.images[i].load())) << "index " << i;
    // And load() twice on the same entry.
    EXPECT_TRUE(same_bytes(a.images[i].load(), a.images[i].load())) << "index " << i;
  }
}

TEST(Synthetic, ImageDoesNotDependOnCount) {
  auto small = synth(5, 9), large = synth(50, 9);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(same_labels(small.images[i].people[0], large.images[i].people[0])) << "index " << i;
    EXPECT_TRUE(same_bytes(small.images[i].load(), large.images[i].load())) << "index " << i;
  }
}

TEST(Synthetic, DifferentSeedsDiffer) {
  auto a = synth(5, 1), b = synth(5, 2);
  for (int i = 0; i < 5; ++i) EXPECT_NE(a.images[i].people[0].xy, b.images[i].people[0].xy) << "index " << i;
  EXPECT_FALSE(same_bytes(a.images[0].load(), b.images[0].load()));
  // Different indices of one seed differ too.
  EXPECT_NE(a.images[0].people[0].xy, a.images[1].people[0].xy);
}

TEST(Synthetic, JointsFiniteMostlyInsideAndSided) {
  const int size = 96, count = 300;
  auto ds = synth(count, 11, size);
  int inside = 0, total = 0, right_hip_left = 0, occluded = 0;
  for (const auto& im : ds.images) {
    const auto& xy = im.people[0].xy;
    for (int j = 0; j < 14; ++j) {
      float x = xy[2 * j], y = xy[2 * j + 1];
      ASSERT_TRUE(std::isfinite(x) && std::isfinite(y));
      inside += x >= -0.5f && y >= -0.5f && x <= size - 0.5f && y <= size - 0.5f;
      occluded += im.people[0].occluded[j];
      ++total;
    }
    // LSP order: 2 right_hip, 3 left_hip. Facing the camera and mostly
    // upright, the person's right hip is usually on the image's left.
    right_hip_left += xy[2 * 2] < xy[2 * 3];
  }
  EXPECT_GT(inside, total * 9 / 10);
  EXPECT_GT(right_hip_left, count * 6 / 10);
  EXPECT_GT(occluded, 0);            // occluders happen...
  EXPECT_LT(occluded, total / 4);    // ...but hide a minority of joints
}

// Every limb has a dark outline (so an arm in front of the same-coloured
// shirt stays visible) and only the person's right limbs a light centre
// stripe (what tells left from right). Sampled at each forearm's middle: on
// its axis for the stripe, and across it, just outside the coloured capsule,
// for the outline. Other limbs, occluders and noise cover some samples, so
// the checks count people.
TEST(Synthetic, EveryLimbOutlinedOnlyTheRightStriped) {
  const int size = 512, count = 60;
  auto ds = synth(count, 5, size);
  int outlined[2] = {0, 0}, striped[2] = {0, 0};  // [0] right forearm, [1] left
  for (const auto& im : ds.images) {
    const cv::Mat img = im.load();
    const auto& xy = im.people[0].xy;
    auto at = [&](int j) { return cv::Point2d(xy[2 * j], xy[2 * j + 1]); };
    // The torso unit T sets every width; neck to mid-hip is 0.9-1.0 T.
    const cv::Point2d mid_hip = (at(2) + at(3)) * 0.5;
    const double T = cv::norm(at(12) - mid_hip) / 0.95;
    auto pixel = [&](cv::Point2d q) {
      int x = static_cast<int>(std::lround(q.x)), y = static_cast<int>(std::lround(q.y));
      return (x < 0 || y < 0 || x >= size || y >= size) ? cv::Vec3b(128, 128, 128) : img.at<cv::Vec3b>(y, x);
    };
    auto dark = [](cv::Vec3b v) { return v[0] < 70 && v[1] < 70 && v[2] < 70; };
    auto light = [](cv::Vec3b v) { return v[0] > 190 && v[1] > 190 && v[2] > 190; };
    const int elbow[2] = {7, 10}, wrist[2] = {6, 11};  // LSP order: right, left
    for (int side = 0; side < 2; ++side) {
      const cv::Point2d a = at(elbow[side]), b = at(wrist[side]), mid = (a + b) * 0.5;
      const double len = cv::norm(b - a);
      if (len < 0.2 * T) continue;
      const cv::Point2d across(-(b - a).y / len, (b - a).x / len);
      // The forearm is 0.15 T wide; its outline a band of max(2 px, 0.06 T) around it.
      const double r = 0.075 * T + 0.5 * std::max(2.0, 0.06 * T) * 0.5 + 0.25;
      outlined[side] += dark(pixel(mid + across * r)) || dark(pixel(mid - across * r));
      striped[side] += light(pixel(mid));
    }
  }
  EXPECT_GT(outlined[0], count / 2) << "right forearms outlined";
  EXPECT_GT(outlined[1], count / 2) << "left forearms outlined";
  EXPECT_GT(striped[0], count / 2) << "right forearms striped";
  EXPECT_LT(striped[1], count / 5) << "left forearms striped";
}

TEST(Synthetic, ConcurrentLoadsAgree) {
  auto ds = synth(6, 5);
  std::vector<cv::Mat> first(6), second(6);
  std::thread t1([&] { for (int i = 0; i < 6; ++i) first[i] = ds.images[i].load(); });
  std::thread t2([&] { for (int i = 5; i >= 0; --i) second[i] = ds.images[i].load(); });
  t1.join();
  t2.join();
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(same_bytes(first[i], second[i])) << "index " << i;
    EXPECT_TRUE(same_bytes(first[i], ds.images[i].load())) << "index " << i;
  }
}

TEST(Synthetic, BadOptionsThrow) {
  auto expect_error = [](int count, int size, const std::string& field) {
    try {
      synth(count, 0, size);
      ADD_FAILURE() << "no error for count " << count << ", image_size " << size;
    } catch (const kplab::Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_error(0, 96, "count");
  expect_error(-3, 96, "count");
  expect_error(4, 16, "image_size");
  expect_error(4, 0, "image_size");
  EXPECT_NO_THROW(synth(1, 0, 32));
}
