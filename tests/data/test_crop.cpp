// Person crops: where a keypoint lands in the crop, that the pixels under it
// come along, the crop -> image transform, and the joint/box checks.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "data/crop.h"

namespace kplab {
namespace {

// A person with the given joints (all labeled) and no box.
RawPerson person(const std::vector<std::array<float, 2>>& joints) {
  RawPerson p;
  for (const auto& j : joints) {
    p.xy.push_back(j[0]);
    p.xy.push_back(j[1]);
    p.labeled.push_back(1);
    p.occluded.push_back(0);
  }
  return p;
}

// Uniform per-pixel noise in [1, 255] (never pure black).
cv::Mat noise_image(int w, int h, uint64_t seed) {
  cv::Mat img(h, w, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(img, cv::RNG::UNIFORM, 1, 256);
  return img;
}

// A 5x5 block of `colour` centred on pixel (x, y).
void draw_block(cv::Mat& img, int x, int y, const cv::Vec3b& colour, int half = 2) {
  for (int yy = y - half; yy <= y + half; ++yy)
    for (int xx = x - half; xx <= x + half; ++xx) img.at<cv::Vec3b>(yy, xx) = colour;
}

int max_channel_diff(const cv::Vec3b& a, const cv::Vec3b& b) {
  int d = 0;
  for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(a[c]) - int(b[c])));
  return d;
}

void expect_round_trip(const Crop& c, const RawPerson& p, float tol = 1e-3f) {
  for (size_t j = 0; j < p.labeled.size(); ++j) {
    if (!p.labeled[j]) continue;
    auto back = apply_affine(c.crop_to_image, c.xy[2 * j], c.xy[2 * j + 1]);
    EXPECT_NEAR(back[0], p.xy[2 * j], tol) << "joint " << j;
    EXPECT_NEAR(back[1], p.xy[2 * j + 1], tol) << "joint " << j;
  }
}

// ---------------------------------------------------------------- crop_person

TEST(CropPerson, KeypointLandsAtTheHandComputedCropPixel) {
  cv::Mat img = noise_image(200, 150, 1);
  RawPerson p = person({{90, 60}, {110.25f, 95.75f}});
  // Square centred at (100, 75), side 50, onto 100 x 100: scale 2. The square
  // spans the pixel area x in [75, 125] (pixel i covers [i - 0.5, i + 0.5] so
  // pixel-centre x sits at area coordinate x + 0.5), which maps onto the crop's
  // area [0, 100]: u = 2 (x + 0.5 - 75) - 0.5.
  Crop c = crop_person(img, p, {100, 75, 50}, 100);
  ASSERT_EQ(c.image.cols, 100);
  ASSERT_EQ(c.image.rows, 100);
  ASSERT_EQ(c.image.type(), CV_8UC3);
  ASSERT_EQ(c.xy.size(), 4u);
  EXPECT_NEAR(c.xy[0], 30.5f, 1e-4);  // 2 * 15.5 - 0.5
  EXPECT_NEAR(c.xy[1], 20.5f, 1e-4);  // 2 * (60.5 - 50) - 0.5
  EXPECT_NEAR(c.xy[2], 71.0f, 1e-4);  // 2 * 35.75 - 0.5
  EXPECT_NEAR(c.xy[3], 92.0f, 1e-4);  // 2 * (96.25 - 50) - 0.5
  // crop -> image: scale 1/2 and the offset back.
  EXPECT_NEAR(c.crop_to_image[0], 0.5f, 1e-6);
  EXPECT_NEAR(c.crop_to_image[1], 0.0f, 1e-6);
  EXPECT_NEAR(c.crop_to_image[3], 0.0f, 1e-6);
  EXPECT_NEAR(c.crop_to_image[4], 0.5f, 1e-6);
  expect_round_trip(c, p);
  EXPECT_EQ(c.visible, (std::vector<uint8_t>{1, 1}));
}

TEST(CropPerson, UnitScaleIsAnExactIntegerShiftWithBlackOutside) {
  cv::Mat img = noise_image(200, 150, 2);
  RawPerson p = person({{10, 10}, {30, 25}});
  // Side 60 onto 60: scale 1, u = x + 0.5 - (10 - 30) - 0.5 = x + 20.
  Crop c = crop_person(img, p, {10, 10, 60}, 60);
  EXPECT_NEAR(c.xy[0], 30.f, 1e-4);
  EXPECT_NEAR(c.xy[1], 30.f, 1e-4);
  for (int v = 0; v < 60; ++v)
    for (int u = 0; u < 60; ++u) {
      cv::Vec3b got = c.image.at<cv::Vec3b>(v, u);
      if (u < 20 || v < 20) {
        ASSERT_EQ(got, cv::Vec3b(0, 0, 0)) << "outside the image must be black at " << u << "," << v;
      } else {
        ASSERT_EQ(got, img.at<cv::Vec3b>(v - 20, u - 20)) << "crop pixel " << u << "," << v;
      }
    }
}

TEST(CropPerson, ColourUnderAKeypointComesAlong) {
  cv::Mat img = noise_image(220, 180, 3);
  const cv::Vec3b magenta(255, 0, 255), cyan(255, 255, 0);
  draw_block(img, 90, 60, magenta);
  draw_block(img, 120, 85, cyan);
  RawPerson p = person({{90, 60}, {120.3f, 84.6f}});
  // A non-integer scale (128 / 70) and centre.
  Crop c = crop_person(img, p, {97.3f, 71.9f, 70.f}, 128);
  EXPECT_EQ(img.at<cv::Vec3b>(60, 90), magenta);
  for (int j = 0; j < 2; ++j) {
    const cv::Vec3b want = j == 0 ? magenta : cyan;
    const int u = static_cast<int>(std::lround(c.xy[2 * j])), v = static_cast<int>(std::lround(c.xy[2 * j + 1]));
    ASSERT_TRUE(u >= 0 && u < 128 && v >= 0 && v < 128) << "joint " << j << " at " << u << "," << v;
    EXPECT_LE(max_channel_diff(c.image.at<cv::Vec3b>(v, u), want), 1)
        << "joint " << j << ": crop colour " << c.image.at<cv::Vec3b>(v, u) << " vs " << want;
  }
  expect_round_trip(c, p);
}

TEST(CropPerson, EveryCropPixelIsTheImageSampledAtItsMappedPoint) {
  cv::Mat img = noise_image(220, 180, 4);
  cv::GaussianBlur(img, img, cv::Size(0, 0), 1.5);  // smooth, so bilinear rounding stays small
  RawPerson p = person({{80, 50}, {130, 120}});
  Crop c = crop_person(img, p, {104.6f, 88.2f, 90.f}, 61);
  int worst = 0;
  for (int v = 2; v < 59; v += 3)
    for (int u = 2; u < 59; u += 3) {
      auto xy = apply_affine(c.crop_to_image, static_cast<float>(u), static_cast<float>(v));
      cv::Mat patch;
      cv::getRectSubPix(img, cv::Size(1, 1), cv::Point2f(xy[0], xy[1]), patch);
      worst = std::max(worst, max_channel_diff(c.image.at<cv::Vec3b>(v, u), patch.at<cv::Vec3b>(0, 0)));
    }
  EXPECT_LE(worst, 2) << "crop pixels disagree with the image at crop_to_image(u, v)";
}

TEST(CropPerson, DownscalePathMapsKeypointsAndPixels) {
  // 2000 x 1500, a person square of side 1000 cropped to 64 (scale 0.064, the
  // area-averaging path). A 101 x 101 block centred on (700, 500) becomes a
  // ~6.5 px blob whose centroid must sit on the mapped keypoint.
  cv::Mat img(1500, 2000, CV_8UC3, cv::Scalar(0, 0, 0));
  const cv::Vec3b colour(200, 60, 120);
  draw_block(img, 700, 500, colour, 50);
  RawPerson p = person({{700, 500}, {1300, 1100}, {640.5f, 333.25f}});
  Crop c = crop_person(img, p, {1000, 750, 1000}, 64);
  ASSERT_EQ(c.image.cols, 64);
  // u = 0.064 (x + 0.5 - 500) - 0.5; v = 0.064 (y + 0.5 - 250) - 0.5.
  EXPECT_NEAR(c.xy[0], 12.332f, 1e-4);
  EXPECT_NEAR(c.xy[1], 15.532f, 1e-4);
  EXPECT_NEAR(c.xy[2], 0.064f * 800.5f - 0.5f, 1e-4);
  EXPECT_NEAR(c.xy[3], 0.064f * 850.5f - 0.5f, 1e-4);
  expect_round_trip(c, p);

  double sw = 0, su = 0, sv = 0;
  for (int v = 0; v < 64; ++v)
    for (int u = 0; u < 64; ++u) {
      double w = c.image.at<cv::Vec3b>(v, u)[0];
      sw += w;
      su += w * u;
      sv += w * v;
    }
  ASSERT_GT(sw, 0);
  EXPECT_NEAR(su / sw, c.xy[0], 0.1) << "block centroid (x) is not where its keypoint maps";
  EXPECT_NEAR(sv / sw, c.xy[1], 0.1) << "block centroid (y) is not where its keypoint maps";
  const cv::Vec3b under = c.image.at<cv::Vec3b>(static_cast<int>(std::lround(c.xy[1])),
                                                static_cast<int>(std::lround(c.xy[0])));
  EXPECT_LE(max_channel_diff(under, colour), 3) << under;
}

TEST(CropPerson, DownscalePathWithANonIntegerShrunkSizeStaysRegistered) {
  // side 1001.96 onto 64: the pre-shrink factor 2 * 64 / 1001.96 makes
  // 2000 x 1500 shrink to 255.5 x 191.6 px, which must be rounded; the blob
  // of a block near the far corner must still sit on its mapped keypoint.
  cv::Mat img(1500, 2000, CV_8UC3, cv::Scalar(0, 0, 0));
  draw_block(img, 1800, 1350, cv::Vec3b(255, 255, 255), 50);
  const float side = 1001.96f;
  RawPerson p = person({{1800, 1350}, {1000, 1000}});
  Crop c = crop_person(img, p, {1400, 1000, side}, 64);
  const double k = 64.0 / side;
  EXPECT_NEAR(c.xy[0], k * (1800.5 - (1400 - side / 2.0)) - 0.5, 1e-3);
  EXPECT_NEAR(c.xy[1], k * (1350.5 - (1000 - side / 2.0)) - 0.5, 1e-3);
  double sw = 0, su = 0, sv = 0;
  for (int v = 0; v < 64; ++v)
    for (int u = 0; u < 64; ++u) {
      double w = c.image.at<cv::Vec3b>(v, u)[1];
      sw += w;
      su += w * u;
      sv += w * v;
    }
  ASSERT_GT(sw, 0);
  EXPECT_NEAR(su / sw, c.xy[0], 0.1);
  EXPECT_NEAR(sv / sw, c.xy[1], 0.1);
}

TEST(CropPerson, MaskedJointsCarryNoPositionAndOcclusionIsKept) {
  cv::Mat img = noise_image(100, 100, 5);
  RawPerson p = person({{20, 20}, {50, 50}, {80, 80}});
  p.labeled[1] = 0;
  p.occluded[2] = 1;
  Crop c = crop_person(img, p, {50, 50, 80}, 32);
  EXPECT_EQ(c.visible, (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(c.occluded, (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(c.xy[2], 0.f);
  EXPECT_EQ(c.xy[3], 0.f);
  p.occluded.clear();  // no occlusion info: all 0
  EXPECT_EQ(crop_person(img, p, {50, 50, 80}, 32).occluded, (std::vector<uint8_t>{0, 0, 0}));
}

// ---------------------------------------------------------------- check_joints_against_image

TEST(CropJointCheck, SlightlyOutsideKeptFarOutsideMasked) {
  // 100 x 80 image, margin 0.1: joints up to 10 px outside [-0.5, 99.5] x [-0.5, 79.5] are kept.
  RawPerson p = person({{50, 40},      // inside
                        {-3, 40},      // 2.5 px left: kept, counted
                        {100, 10},     // 0.5 px right: kept, counted
                        {-0.5f, 79.5f},// exactly on the corner: inside
                        {50, 95},      // 15.5 px below: masked
                        {-20, -20},    // far outside: masked
                        {500, 500}});  // unlabeled: ignored
  p.labeled[6] = 0;
  ReadStats stats;
  check_joints_against_image(p, 100, 80, 0.1f, stats);
  EXPECT_EQ(p.labeled, (std::vector<uint8_t>{1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(stats.outside_kept, 2);
  EXPECT_EQ(stats.masked_joints["far outside the image (outlier)"], 2);
  EXPECT_EQ(stats.masked_joints.size(), 1u);
  EXPECT_FLOAT_EQ(p.xy[2], -3.f);  // kept joints keep their position
}

TEST(CropJointCheck, MarginScalesWithTheLargerSide) {
  RawPerson p = person({{50, 105}});  // 25.5 px below a 300 x 80 image; limit 0.1 * 300 = 30
  ReadStats stats;
  check_joints_against_image(p, 300, 80, 0.1f, stats);
  EXPECT_EQ(p.labeled[0], 1);
  EXPECT_EQ(stats.outside_kept, 1);
}

// ---------------------------------------------------------------- person_square

TEST(CropPersonSquare, FromTheBoxWithMargin) {
  RawPerson p = person({{0, 0}});
  p.has_box = true;
  p.box[0] = 10;
  p.box[1] = 20;
  p.box[2] = 40;
  p.box[3] = 60;
  ReadStats stats;
  auto sq = person_square(p, 0.25f, stats);
  ASSERT_TRUE(sq.has_value());
  EXPECT_FLOAT_EQ((*sq)[0], 30.f);
  EXPECT_FLOAT_EQ((*sq)[1], 50.f);
  EXPECT_FLOAT_EQ((*sq)[2], 75.f);  // 60 * 1.25
}

TEST(CropPersonSquare, FromTheLabeledJointsExtent) {
  RawPerson p = person({{10, 10}, {30, 50}, {1000, 1000}});
  p.labeled[2] = 0;  // unlabeled joints do not count
  ReadStats stats;
  auto sq = person_square(p, 0.5f, stats);
  ASSERT_TRUE(sq.has_value());
  EXPECT_FLOAT_EQ((*sq)[0], 20.f);
  EXPECT_FLOAT_EQ((*sq)[1], 30.f);
  EXPECT_FLOAT_EQ((*sq)[2], 60.f);  // 40 * 1.5
  EXPECT_TRUE(stats.skipped_people.empty());
}

TEST(CropPersonSquare, FewerThanTwoLabeledJointsAndNoBoxIsSkippedAndCounted) {
  ReadStats stats;
  RawPerson one = person({{10, 10}, {30, 50}});
  one.labeled[1] = 0;
  EXPECT_FALSE(person_square(one, 0.25f, stats).has_value());
  RawPerson none = person({{10, 10}});
  none.labeled[0] = 0;
  EXPECT_FALSE(person_square(none, 0.25f, stats).has_value());
  EXPECT_EQ(stats.skipped_people["fewer than 2 labeled joints and no box"], 2);
  // A box rescues a person with one joint.
  one.has_box = true;
  one.box[2] = one.box[3] = 20;
  EXPECT_TRUE(person_square(one, 0.25f, stats).has_value());
}

TEST(CropPersonSquare, DegenerateExtentIsSkippedAndCounted) {
  ReadStats stats;
  RawPerson p = person({{10, 10}, {10.5f, 10.5f}});
  EXPECT_FALSE(person_square(p, 0.25f, stats).has_value());
  EXPECT_EQ(stats.skipped_people.size(), 1u);
  EXPECT_EQ(stats.skipped_people.begin()->second, 1);
}

}  // namespace
}  // namespace kplab
