// The HDF5 cache: write/read round trips for both encodings, and one clear
// kplab::Error (naming the file and the field) per broken file.

#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "data/cache.h"
#include "data/cache_seal.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace kplab {
namespace {

using test::expect_error_with;
using test::TempDir;

const std::vector<std::string> kLspJoints = {
    "right_ankle", "right_knee", "right_hip",      "left_hip",      "left_knee",  "left_ankle", "right_wrist",
    "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist", "neck",       "head_top"};

// N people of K = 14 joints with distinct values in every field.
CacheData make_cache(int n, const std::string& encoding, int size = 16) {
  CacheData d;
  d.image_size = size;
  d.num_joints = 14;
  d.encoding = encoding;
  d.schema = "lsp";
  d.joint_names = kLspJoints;
  d.command = "kplab prepare --format synthetic --out x.h5 --seed 18364758544493064720";
  d.seed = 0xFEDCBA9876543210ull;  // above INT64_MAX: must survive the int64 attribute
  cv::RNG rng(7);
  for (int i = 0; i < n; ++i) {
    cv::Mat img(size, size, CV_8UC3);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    if (encoding == "jpeg") {
      std::vector<uint8_t> bytes;
      cv::imencode(".jpg", img, bytes);
      d.jpeg.push_back(bytes);
    } else {
      d.raw.insert(d.raw.end(), img.data, img.data + img.total() * 3);
    }
    for (int j = 0; j < 14; ++j) {
      d.keypoints.push_back(0.25f * j + i);
      d.keypoints.push_back(-1.5f + 0.125f * j - i);
      d.visible.push_back(static_cast<uint8_t>((i + j) % 3 != 0));
      d.occluded.push_back(static_cast<uint8_t>((i * j) % 5 == 1));
    }
    for (int c = 0; c < 6; ++c) d.crop.push_back(0.5f * c - i * 0.1f);
    d.source.push_back("images/im" + std::to_string(i) + " (copy) \xC3\xA9.jpg");  // spaces, UTF-8
    d.image_id.push_back(i / 2);
    d.split.push_back(static_cast<uint8_t>(i % 3));
  }
  return d;
}

void expect_same(const CacheData& a, const CacheData& b) {
  EXPECT_EQ(a.image_size, b.image_size);
  EXPECT_EQ(a.num_joints, b.num_joints);
  EXPECT_EQ(a.encoding, b.encoding);
  EXPECT_EQ(a.schema, b.schema);
  EXPECT_EQ(a.joint_names, b.joint_names);
  EXPECT_EQ(a.command, b.command);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.jpeg, b.jpeg);
  EXPECT_EQ(a.raw, b.raw);
  EXPECT_EQ(a.keypoints, b.keypoints);
  EXPECT_EQ(a.visible, b.visible);
  EXPECT_EQ(a.occluded, b.occluded);
  EXPECT_EQ(a.crop, b.crop);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.image_id, b.image_id);
  EXPECT_EQ(a.split, b.split);
  EXPECT_EQ(a.size(), b.size());
}

// Writes a valid cache, then lets `edit` change it with the HDF5 C++ API.
std::string broken_cache(const TempDir& dir, const std::function<void(H5::H5File&)>& edit, int n = 3) {
  std::string path = dir.file("broken.h5");
  write_cache(path, make_cache(n, "jpeg"));
  {
    H5::H5File f(path, H5F_ACC_RDWR);
    edit(f);
  }
  reseal_cache(path);  // an edit with matching seal: the reader's own checks, not the seal's
  return path;
}

void write_float_dataset(H5::H5File& f, const std::string& name, const std::vector<hsize_t>& dims) {
  size_t count = 1;
  for (auto d : dims) count *= d;
  std::vector<float> v(count, 1.f);
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = f.createDataSet(name, H5::PredType::NATIVE_FLOAT, space);
  ds.write(v.data(), H5::PredType::NATIVE_FLOAT);
}

// ---------------------------------------------------------------- round trips

TEST(CacheRoundTrip, JpegEncodingKeepsEveryField) {
  TempDir dir;
  CacheData d = make_cache(5, "jpeg");
  write_cache(dir.file("c.h5"), d);
  CacheData r = read_cache(dir.file("c.h5"));
  expect_same(d, r);
  ASSERT_EQ(r.jpeg.size(), 5u);
  cv::Mat img = cv::imdecode(r.jpeg[3], cv::IMREAD_COLOR);
  EXPECT_EQ(img.cols, 16);
  EXPECT_EQ(img.rows, 16);
}

TEST(CacheRoundTrip, RawEncodingKeepsEveryField) {
  TempDir dir;
  CacheData d = make_cache(4, "raw", 8);
  write_cache(dir.file("c.h5"), d);
  CacheData r = read_cache(dir.file("c.h5"));
  expect_same(d, r);
  EXPECT_EQ(r.raw.size(), 4u * 8 * 8 * 3);
  EXPECT_TRUE(r.jpeg.empty());
}

TEST(CacheRoundTrip, OnePersonWithALargerCrop) {
  TempDir dir;
  CacheData d = make_cache(1, "jpeg", 64);
  write_cache(dir.file("one.h5"), d);
  expect_same(d, read_cache(dir.file("one.h5")));
}

TEST(CacheWrite, MismatchedFieldLengthsAreRefused) {
  TempDir dir;
  CacheData d = make_cache(3, "jpeg");
  d.visible.pop_back();
  expect_error_with([&] { write_cache(dir.file("c.h5"), d); }, {"visible"});
  CacheData e = make_cache(3, "jpeg");
  e.encoding = "png";
  expect_error_with([&] { write_cache(dir.file("e.h5"), e); }, {"png"});
}

// ---------------------------------------------------------------- read errors

TEST(CacheRead, MissingFileFails) {
  TempDir dir;
  expect_error_with([&] { read_cache(dir.file("absent.h5")); }, {dir.file("absent.h5"), "cache", "no such file"});
}

TEST(CacheRead, NonHdf5FileFails) {
  TempDir dir;
  test::write_file(dir.file("notes.h5"), "this is a text file, not HDF5\n");
  expect_error_with([&] { read_cache(dir.file("notes.h5")); }, {dir.file("notes.h5"), "cache", "an HDF5 file"});
}

TEST(CacheRead, Hdf5FileWithoutKeypointsFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) { f.unlink("keypoints"); });
  expect_error_with([&] { read_cache(path); }, {path, "keypoints", "none"});
}

TEST(CacheRead, Hdf5FileThatIsNotACacheFails) {
  TempDir dir;
  std::string path = dir.file("other.h5");
  {
    H5::H5File f(path, H5F_ACC_TRUNC);
    write_float_dataset(f, "data", {4, 4});
  }
  expect_error_with([&] { read_cache(path); }, {path, "cache header", "older kplab or another tool"});
}

TEST(CacheRead, KeypointsWithTheWrongKFail) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) {
    f.unlink("keypoints");
    write_float_dataset(f, "keypoints", {3, 13, 2});  // joint_names has 14
  });
  expect_error_with([&] { read_cache(path); }, {path, "keypoints", "3x14x2", "3x13x2"});
}

TEST(CacheRead, RowCountDisagreeingWithSplitFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) {
    f.unlink("crop");
    write_float_dataset(f, "crop", {2, 6});
  });
  expect_error_with([&] { read_cache(path); }, {path, "crop", "3x6", "2x6"});
}

TEST(CacheRead, WrongDtypeFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) {
    f.unlink("keypoints");
    hsize_t dims[3] = {3, 14, 2};
    std::vector<int32_t> v(3 * 14 * 2, 1);
    H5::DataSet ds = f.createDataSet("keypoints", H5::PredType::NATIVE_INT32, H5::DataSpace(3, dims));
    ds.write(v.data(), H5::PredType::NATIVE_INT32);
  });
  expect_error_with([&] { read_cache(path); }, {path, "keypoints", "float32"});
}

TEST(CacheRead, WrongFormatVersionFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) {
    int64_t v = 99;
    f.openAttribute("format_version").write(H5::PredType::NATIVE_INT64, &v);
  });
  expect_error_with([&] { read_cache(path); }, {path, "format_version", "99"});
}

TEST(CacheRead, SplitValueOutOfRangeFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) {
    uint8_t s[3] = {0, 3, 1};
    f.openDataSet("split").write(s, H5::PredType::NATIVE_UINT8);
  });
  expect_error_with([&] { read_cache(path); }, {path, "split[1]", "3"});
}

TEST(CacheRead, MissingAttributeFails) {
  TempDir dir;
  std::string path = broken_cache(dir, [](H5::H5File& f) { f.removeAttr("joint_names"); });
  expect_error_with([&] { read_cache(path); }, {path, "joint_names"});
}

}  // namespace
}  // namespace kplab
