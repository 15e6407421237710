#include "data/cache.h"

#include <cmath>

#include <H5Cpp.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/cache_seal.h"

namespace kplab {

namespace {

// HDF5 prints its own error stacks to stderr by default; we report one line.
struct QuietHdf5 {
  QuietHdf5() { H5::Exception::dontPrint(); }
};
const QuietHdf5 quiet_hdf5;

const H5::StrType& vlen_string() {
  static const H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  return t;
}

H5::DSetCreatPropList chunked(const std::vector<hsize_t>& dims, hsize_t rows) {
  H5::DSetCreatPropList props;
  std::vector<hsize_t> chunk = dims;
  chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], rows));
  props.setChunk(static_cast<int>(chunk.size()), chunk.data());
  return props;
}

template <typename T>
void write_array(H5::H5File& f, const std::string& name, const H5::PredType& type, const std::vector<T>& v,
                 const std::vector<hsize_t>& dims, hsize_t chunk_rows) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = f.createDataSet(name, type, space, chunked(dims, chunk_rows));
  if (!v.empty()) ds.write(v.data(), type);
}

void write_string_attr(H5::H5File& f, const std::string& name, const std::string& value) {
  H5::Attribute a = f.createAttribute(name, vlen_string(), H5::DataSpace(H5S_SCALAR));
  const char* p = value.c_str();
  a.write(vlen_string(), &p);
}

void write_int_attr(H5::H5File& f, const std::string& name, int64_t value) {
  H5::Attribute a = f.createAttribute(name, H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

void write_strings(H5::H5File& f, const std::string& name, const std::vector<std::string>& v) {
  hsize_t n = v.size();
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  H5::DataSpace space(1, &n);
  H5::DataSet ds = f.createDataSet(name, vlen_string(), space, chunked({n}, 4096));
  if (n) ds.write(ptrs.data(), vlen_string());
}

}  // namespace

void write_cache(const std::string& path, const CacheData& d, const std::string& name_in_errors) {
  const hsize_t n = d.size(), k = d.num_joints, s = d.image_size;
  auto rows = [&](size_t have, size_t per_row, const char* field) {
    KP_CHECK(have == n * per_row, "internal: cache field ", field, " has ", have, " values, expected ", n * per_row);
  };
  rows(d.keypoints.size(), k * 2, "keypoints");
  rows(d.visible.size(), k, "visible");
  rows(d.occluded.size(), k, "occluded");
  rows(d.crop.size(), 6, "crop");
  rows(d.source.size(), 1, "source");
  rows(d.image_id.size(), 1, "image_id");
  KP_CHECK(d.joint_names.size() == k, "internal: ", d.joint_names.size(), " joint names for K = ", k);
  // The file is built in memory (HDF5's core driver) and written out by
  // write_whole_file(): a full disk then fails in our checked write, with a
  // clear message, instead of inside HDF5's close callbacks (which crashed
  // the process at exit when a flush failed).
  std::vector<char> image;
  try {
    H5::FileAccPropList in_memory;
    H5Pset_fapl_core(in_memory.getId(), 64 << 20, /*backing_store=*/0);
    H5::FileCreatPropList with_seal_room;
    with_seal_room.setUserblock(kCacheSealBytes);
    H5::H5File f(path, H5F_ACC_TRUNC, with_seal_room, in_memory);
    if (d.encoding == "jpeg") {
      rows(d.jpeg.size(), 1, "images");
      H5::VarLenType vtype(H5::PredType::NATIVE_UINT8);
      std::vector<hvl_t> blobs(n);
      for (hsize_t i = 0; i < n; ++i) {
        blobs[i].len = d.jpeg[i].size();
        blobs[i].p = const_cast<uint8_t*>(d.jpeg[i].data());
      }
      H5::DataSpace space(1, &n);
      H5::DataSet ds = f.createDataSet("images", vtype, space, chunked({n}, 256));
      if (n) ds.write(blobs.data(), vtype);
    } else {
      KP_CHECK(d.encoding == "raw", "internal: unknown image encoding '", d.encoding, "'");
      rows(d.raw.size(), s * s * 3, "images");
      write_array(f, "images", H5::PredType::NATIVE_UINT8, d.raw, {n, s, s, 3}, 16);
    }
    write_array(f, "keypoints", H5::PredType::NATIVE_FLOAT, d.keypoints, {n, k, 2}, 4096);
    write_array(f, "visible", H5::PredType::NATIVE_UINT8, d.visible, {n, k}, 4096);
    write_array(f, "occluded", H5::PredType::NATIVE_UINT8, d.occluded, {n, k}, 4096);
    write_array(f, "crop", H5::PredType::NATIVE_FLOAT, d.crop, {n, 6}, 4096);
    write_array(f, "image_id", H5::PredType::NATIVE_INT32, d.image_id, {n}, 4096);
    write_array(f, "split", H5::PredType::NATIVE_UINT8, d.split, {n}, 4096);
    write_strings(f, "source", d.source);

    write_int_attr(f, "format_version", kCacheFormatVersion);
    write_int_attr(f, "image_size", d.image_size);
    write_int_attr(f, "seed", static_cast<int64_t>(d.seed));
    write_string_attr(f, "encoding", d.encoding);
    write_string_attr(f, "schema", d.schema);
    write_string_attr(f, "command", d.command);
    hsize_t nk = k;
    std::vector<const char*> names;
    for (const auto& j : d.joint_names) names.push_back(j.c_str());
    H5::Attribute a = f.createAttribute("joint_names", vlen_string(), H5::DataSpace(1, &nk));
    a.write(vlen_string(), names.data());
    f.flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(f.getId(), nullptr, 0);
    KP_CHECK(size > 0, path, ": writing the HDF5 cache failed: no file image from HDF5's core driver");
    // The core driver's image starts at the superblock: the user block (the
    // seal's room) goes in front of it, as HDF5 lays it out on disk.
    image.resize(kCacheSealBytes + size);
    KP_CHECK(H5Fget_file_image(f.getId(), image.data() + kCacheSealBytes, size) == size,
             path, ": writing the HDF5 cache failed: the file image changed size");
  } catch (const H5::Exception& e) {
    throw Error(str(path, ": writing the HDF5 cache failed in ", e.getFuncName(), ": ", e.getDetailMsg()));
  }
  seal_cache_image(image);
  write_whole_file(path, image.data(), image.size(), name_in_errors);
}

namespace {

struct Reader {
  H5::H5File& f;
  const std::string& path;

  H5::DataSet open(const std::string& name) const {
    if (!f.nameExists(name)) throw input_error(path, name, "a dataset '" + name + "' (kplab cache)", "none");
    return f.openDataSet(name);
  }

  std::vector<hsize_t> dims(const H5::DataSet& ds) const {
    H5::DataSpace sp = ds.getSpace();
    std::vector<hsize_t> d(sp.getSimpleExtentNdims());
    sp.getSimpleExtentDims(d.data());
    return d;
  }

  static std::string shape_str(const std::vector<hsize_t>& d) {
    std::string s;
    for (size_t i = 0; i < d.size(); ++i) s += (i ? "x" : "") + std::to_string(d[i]);
    return s.empty() ? "a scalar" : s;
  }

  void expect_shape(const std::string& name, const H5::DataSet& ds, const std::vector<hsize_t>& want) const {
    auto have = dims(ds);
    if (have != want) throw input_error(path, name, "shape " + shape_str(want), shape_str(have));
  }

  void expect_class(const std::string& name, const H5::DataSet& ds, H5T_class_t cls, size_t bytes,
                    const std::string& what) const {
    H5::DataType t = ds.getDataType();
    if (t.getClass() != cls || (bytes && t.getSize() != bytes))
      throw input_error(path, name, what, str("HDF5 type class ", static_cast<int>(t.getClass()), " of ", t.getSize(), " bytes"));
  }

  template <typename T>
  std::vector<T> read(const std::string& name, const H5::PredType& mem, H5T_class_t cls, size_t bytes,
                      const std::vector<hsize_t>& shape, const std::string& what) const {
    H5::DataSet ds = open(name);
    expect_shape(name, ds, shape);
    expect_class(name, ds, cls, bytes, what);
    const size_t count = elements(name, shape);
    std::vector<T> v(count);
    if (count) ds.read(v.data(), mem);
    return v;
  }

  // The element count of `shape`, refused above the file's size in bytes: a
  // cache stores every element uncompressed, so more is a damaged header (a
  // fuzzed file declared 2^42 elements and read_cache tried to allocate them).
  size_t elements(const std::string& name, const std::vector<hsize_t>& shape) const {
    std::error_code ec;
    const uintmax_t bytes = std::filesystem::file_size(path, ec);
    size_t count = 1;
    bool overflow = false;
    for (hsize_t d : shape) overflow |= __builtin_mul_overflow(count, static_cast<size_t>(d), &count);
    if (overflow || ec || count > bytes)
      throw input_error(path, name, str("a shape of at most ", bytes, " elements (the file's size in bytes)"),
                        "shape " + shape_str(shape));
    return count;
  }

  H5::Attribute attr(const std::string& name) const {
    if (!f.attrExists(name)) throw input_error(path, "attribute " + name, "present (kplab cache)", "none");
    return f.openAttribute(name);
  }
  // The attribute, refused unless it holds one value of class `cls` (and, for
  // strings, variable-length): H5Aread writes as many values as the
  // attribute's dataspace holds into the one it is handed.
  H5::Attribute one_value_attr(const std::string& name, H5T_class_t cls, const std::string& what) const {
    H5::Attribute a = attr(name);
    const hssize_t values = a.getSpace().getSimpleExtentNpoints();
    const bool variable = cls != H5T_STRING || (a.getTypeClass() == H5T_STRING && a.getStrType().isVariableStr());
    if (values != 1 || a.getTypeClass() != cls || !variable)
      throw input_error(path, "attribute " + name, what,
                        str(values, " value(s) of HDF5 type class ", static_cast<int>(a.getTypeClass())));
    return a;
  }
  int64_t int_attr(const std::string& name) const {
    int64_t v = 0;
    one_value_attr(name, H5T_INTEGER, "one integer").read(H5::PredType::NATIVE_INT64, &v);
    return v;
  }
  std::string string_attr(const std::string& name) const {
    H5::Attribute a = one_value_attr(name, H5T_STRING, "one variable-length string");
    char* p = nullptr;
    a.read(vlen_string(), &p);
    std::string s = p ? p : "";
    free(p);
    return s;
  }
};

// The attribute joint_names: one variable-length string per joint.
std::vector<std::string> read_joint_names(const Reader& r) {
  const std::string& path = r.path;
  H5::Attribute a = r.attr("joint_names");
  H5::DataSpace sp = a.getSpace();
  hsize_t k = 0;
  if (sp.getSimpleExtentNdims() != 1) throw input_error(path, "attribute joint_names", "a list of names", "another shape");
  if (a.getTypeClass() != H5T_STRING || !a.getStrType().isVariableStr())
    throw input_error(path, "attribute joint_names", "variable-length strings",
                      str("HDF5 type class ", static_cast<int>(a.getTypeClass())));
  sp.getSimpleExtentDims(&k);
  std::vector<char*> ptrs(r.elements("attribute joint_names", {k}), nullptr);
  if (k) a.read(vlen_string(), ptrs.data());
  std::vector<std::string> names;
  for (auto* p : ptrs) {
    names.emplace_back(p ? p : "");
    free(p);
  }
  return names;
}

// The file's attributes: format version (checked), sizes, provenance, joint names.
void read_attributes(const Reader& r, CacheData& d) {
  int64_t version = r.int_attr("format_version");
  if (version != kCacheFormatVersion)
    throw input_error(r.path, "attribute format_version", std::to_string(kCacheFormatVersion), std::to_string(version));
  d.image_size = static_cast<int>(r.int_attr("image_size"));
  d.seed = static_cast<uint64_t>(r.int_attr("seed"));
  d.encoding = r.string_attr("encoding");
  d.schema = r.string_attr("schema");
  d.command = r.string_attr("command");
  d.joint_names = read_joint_names(r);
  d.num_joints = static_cast<int>(d.joint_names.size());
}

// N, the row count, from the 1-D split dataset.
hsize_t row_count(const Reader& r) {
  H5::DataSet split = r.open("split");
  auto sd = r.dims(split);
  if (sd.size() != 1) throw input_error(r.path, "split", "a 1-D dataset [N]", Reader::shape_str(sd));
  return sd[0];
}

// The per-row labels: split, keypoints, visibility, crop transforms, image ids.
void read_labels(const Reader& r, CacheData& d, hsize_t n) {
  const std::string& path = r.path;
  const hsize_t k = d.num_joints;
  d.split = r.read<uint8_t>("split", H5::PredType::NATIVE_UINT8, H5T_INTEGER, 1, {n}, "uint8");
  for (hsize_t i = 0; i < n; ++i)
    if (d.split[i] > 2) throw input_error(path, str("split[", i, "]"), "0, 1 or 2", std::to_string(d.split[i]));
  d.keypoints = r.read<float>("keypoints", H5::PredType::NATIVE_FLOAT, H5T_FLOAT, 4, {n, k, 2}, "float32");
  d.visible = r.read<uint8_t>("visible", H5::PredType::NATIVE_UINT8, H5T_INTEGER, 1, {n, k}, "uint8");
  d.occluded = r.read<uint8_t>("occluded", H5::PredType::NATIVE_UINT8, H5T_INTEGER, 1, {n, k}, "uint8");
  d.crop = r.read<float>("crop", H5::PredType::NATIVE_FLOAT, H5T_FLOAT, 4, {n, 6}, "float32");
  // One NaN label would make every loss NaN: refuse it here, by row and joint.
  for (size_t i = 0; i < d.keypoints.size(); ++i)
    if (!std::isfinite(d.keypoints[i]))
      throw input_error(path, str("keypoints[", i / (2 * k), "][", i / 2 % k, "]"), "finite crop coordinates",
                        str(d.keypoints[i]));
  for (size_t i = 0; i < d.crop.size(); ++i)
    if (!std::isfinite(d.crop[i]))
      throw input_error(path, str("crop[", i / 6, "]"), "a finite crop-to-image transform", str(d.crop[i]));
  d.image_id = r.read<int32_t>("image_id", H5::PredType::NATIVE_INT32, H5T_INTEGER, 4, {n}, "int32");
}

std::vector<std::string> read_sources(const Reader& r, hsize_t n) {
  H5::DataSet ds = r.open("source");
  r.expect_shape("source", ds, {n});
  std::vector<char*> ptrs(n, nullptr);
  if (n) ds.read(ptrs.data(), vlen_string());
  std::vector<std::string> sources;
  for (auto* p : ptrs) {
    sources.emplace_back(p ? p : "");
    free(p);
  }
  return sources;
}

// The JPEG crops: one variable-length uint8 entry per row, none empty.
std::vector<std::vector<uint8_t>> read_jpeg_images(const Reader& r, hsize_t n) {
  H5::DataSet ds = r.open("images");
  r.expect_shape("images", ds, {n});
  r.expect_class("images", ds, H5T_VLEN, 0, "variable-length uint8 (JPEG bytes)");
  H5::VarLenType vtype(H5::PredType::NATIVE_UINT8);
  std::vector<hvl_t> blobs(n);
  if (n) ds.read(blobs.data(), vtype);
  std::vector<std::vector<uint8_t>> jpeg(n);
  for (hsize_t i = 0; i < n; ++i) {
    auto* p = static_cast<uint8_t*>(blobs[i].p);
    jpeg[i].assign(p, p + blobs[i].len);
  }
  if (n) {
    H5::DataSpace space = ds.getSpace();
    H5::DataSet::vlenReclaim(blobs.data(), vtype, space);
  }
  for (hsize_t i = 0; i < n; ++i)
    if (jpeg[i].empty()) throw input_error(r.path, str("images[", i, "]"), "the JPEG bytes of a crop", "an empty entry");
  return jpeg;
}

// The crops in the file's encoding: JPEG bytes, or raw N x S x S x 3 pixels.
void read_images(const Reader& r, CacheData& d, hsize_t n) {
  const hsize_t s = d.image_size;
  if (d.encoding == "jpeg") {
    d.jpeg = read_jpeg_images(r, n);
  } else if (d.encoding == "raw") {
    d.raw = r.read<uint8_t>("images", H5::PredType::NATIVE_UINT8, H5T_INTEGER, 1, {n, s, s, 3}, "uint8");
  } else {
    throw input_error(r.path, "attribute encoding", "'jpeg' or 'raw'", "'" + d.encoding + "'");
  }
}

}  // namespace

CacheData read_cache(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw input_error(path, "cache", "an existing HDF5 file (make one with kplab prepare)", "no such file");
  if (!has_cache_seal(path) && !H5::H5File::isHdf5(path))
    throw input_error(path, "cache", "an HDF5 file", "another kind of file");
  check_cache_seal(path);  // before libhdf5 parses it: it crashes on some damaged files
  CacheData d;
  try {
    H5::H5File f(path, H5F_ACC_RDONLY);
    Reader r{f, path};
    read_attributes(r, d);
    const hsize_t n = row_count(r);
    read_labels(r, d, n);
    d.source = read_sources(r, n);
    read_images(r, d, n);
  } catch (const H5::Exception& e) {
    throw Error(str(path, ": reading the HDF5 cache failed in ", e.getFuncName(), ": ", e.getDetailMsg()));
  }
  return d;
}

}  // namespace kplab
