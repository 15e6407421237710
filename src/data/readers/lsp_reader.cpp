// LSP / LSPET reader: joints.mat (read with matio) plus one image per column.
//
// Layouts (MATLAB arrays are column-major: the first index runs fastest):
//   3 x 14 x N  original LSP: rows x, y, flag; flag 1 = occluded, 0 = visible;
//               every joint is annotated; images im%04d.jpg
//   14 x 3 x N  LSPET: columns x, y, flag; flag 1 = annotated, 0 = not
//               annotated (masked); images im%05d.jpg
// MATLAB drops a trailing singleton dimension, so a one-image file is 3 x 14
// or 14 x 3; both are read as N = 1.

#include <matio.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/readers/readers.h"

namespace kplab {
namespace {

namespace fs = std::filesystem;

constexpr int kLspJoints = 14;

struct MatCloser {
  void operator()(mat_t* m) const { if (m) Mat_Close(m); }
};
struct VarFreer {
  void operator()(matvar_t* v) const { if (v) Mat_VarFree(v); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

const char* class_name(matio_classes c) {
  switch (c) {
    case MAT_C_EMPTY: return "empty";
    case MAT_C_CELL: return "cell";
    case MAT_C_STRUCT: return "struct";
    case MAT_C_OBJECT: return "object";
    case MAT_C_CHAR: return "char";
    case MAT_C_SPARSE: return "sparse";
    case MAT_C_DOUBLE: return "double";
    case MAT_C_SINGLE: return "single";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    case MAT_C_FUNCTION: return "function";
    case MAT_C_OPAQUE: return "opaque";
  }
  return "unknown";
}

// Element i of a numeric matio variable (data is stored in the class's type).
double element(const matvar_t& v, size_t i) {
  switch (v.class_type) {
    case MAT_C_DOUBLE: return static_cast<const double*>(v.data)[i];
    case MAT_C_SINGLE: return static_cast<const float*>(v.data)[i];
    case MAT_C_INT8: return static_cast<const int8_t*>(v.data)[i];
    case MAT_C_UINT8: return static_cast<const uint8_t*>(v.data)[i];
    case MAT_C_INT16: return static_cast<const int16_t*>(v.data)[i];
    case MAT_C_UINT16: return static_cast<const uint16_t*>(v.data)[i];
    case MAT_C_INT32: return static_cast<const int32_t*>(v.data)[i];
    case MAT_C_UINT32: return static_cast<const uint32_t*>(v.data)[i];
    case MAT_C_INT64: return static_cast<double>(static_cast<const int64_t*>(v.data)[i]);
    case MAT_C_UINT64: return static_cast<double>(static_cast<const uint64_t*>(v.data)[i]);
    default: return NAN;
  }
}

bool numeric_class(matio_classes c) {
  return c == MAT_C_DOUBLE || c == MAT_C_SINGLE || c == MAT_C_INT8 || c == MAT_C_UINT8 ||
         c == MAT_C_INT16 || c == MAT_C_UINT16 || c == MAT_C_INT32 || c == MAT_C_UINT32 ||
         c == MAT_C_INT64 || c == MAT_C_UINT64;
}

std::string dims_text(const matvar_t& v) {
  std::string s;
  for (int d = 0; d < v.rank; ++d) s += (d ? "x" : "") + std::to_string(v.dims[d]);
  return s.empty() ? "a scalar" : s;
}

std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  return str(v);
}

// Names of all variables in the file, for "no variable `joints`" errors.
std::vector<std::string> variable_names(mat_t* mat) {
  std::vector<std::string> names;
  Mat_Rewind(mat);
  while (matvar_t* info = Mat_VarReadNextInfo(mat)) {
    MatVar guard(info);
    names.push_back(info->name ? info->name : "(unnamed)");
  }
  Mat_Rewind(mat);
  return names;
}

// Checks the contents [begin, end) of one uncompressed miMATRIX element before
// matio sees them: every sub-element fits inside it (flags, dimensions and
// name at least, unless it is empty), and the dimensions claim no more
// elements than it has bytes (sparse arrays aside). matio allocates what the
// dimensions and tags claim before reading, so damaged files made it ask for
// tens of gigabytes (found by fuzzing, tests/fuzz/corpus/mat/crash-*).
template <typename U32>
void check_mat5_matrix(const std::string& mfile, const std::vector<unsigned char>& buf, size_t begin, size_t end,
                       const U32& u32, int depth) {
  auto bad = [&](const std::string& what) {
    return input_error(mfile, "file", "a well-formed MAT file", str("the variable at byte ", begin - 8, ": ", what));
  };
  if (depth > 32) throw bad("cells or structs nested more than 32 deep");
  uint32_t cls = 0;
  size_t p = begin;
  int index = 0;
  for (; p + 8 <= end; ++index) {
    uint32_t type = u32(&buf[p]), nbytes = u32(&buf[p + 4]);
    size_t data = p + 8, next = p + 8;
    if (type >> 16) {  // small data element: up to 4 bytes inside the tag
      nbytes = type >> 16;
      type &= 0xffff;
      data = p + 4;
      if (nbytes > 4) throw bad(str("a small data element of ", nbytes, " bytes"));
    } else {
      if (nbytes > end - p - 8) throw bad(str("an element of ", nbytes, " bytes in ", end - p - 8));
      next = std::min<size_t>(end, p + 8 + (static_cast<size_t>(nbytes) + 7) / 8 * 8);
    }
    if (index == 0 && nbytes >= 4) cls = u32(&buf[data]) & 0xff;  // array flags
    if (index == 1) {                                               // dimensions (int32 each)
      if (nbytes % 4 != 0 || nbytes < 8) throw bad(str("dimensions of ", nbytes, " bytes"));
      size_t count = 1;
      bool overflow = false;
      for (size_t d = 0; d < nbytes; d += 4) overflow |= __builtin_mul_overflow(count, size_t{u32(&buf[data + d])}, &count);
      if (cls != MAT_C_SPARSE && (overflow || count > end - begin))
        throw bad(str("dimensions of more elements than its ", end - begin, " bytes"));
    }
    if (index >= 2 && type == 14) check_mat5_matrix(mfile, buf, data, data + nbytes, u32, depth + 1);  // a cell or field
    p = next;
  }
  // matio reads flags, dimensions and name whatever the element's size says
  // (only a cell or field may be an empty element).
  if ((depth == 0 || begin != end) && index < 3) throw bad("no room for its array flags, dimensions and name");
}

// matio reads a truncated MAT5 file without complaint (the missing data comes
// back as zeros, i.e. every joint "unlabeled"), so walk the top-level elements
// and check that each one fits in the file (and, uncompressed, its contents:
// check_mat5_matrix). v7.3 (HDF5) files check themselves.
void check_mat5_complete(const std::string& mfile) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(mfile, ec);
  if (ec) throw input_error(mfile, "file", "a readable MAT file", ec.message());
  if (size < 128) throw input_error(mfile, "file", "a MAT file (128-byte header, then variables)", str("a file of ", size, " bytes"));
  std::ifstream in(mfile, std::ios::binary);
  std::vector<unsigned char> buf(size);
  if (!in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(size)))
    throw input_error(mfile, "file", "a readable MAT file", "a read error");
  const unsigned char* hdr = buf.data();
  const bool little = hdr[126] == 'I' && hdr[127] == 'M', big = hdr[126] == 'M' && hdr[127] == 'I';
  if (!little && !big) return;  // not MAT5: let matio decide
  auto u16 = [&](const unsigned char* b) { return little ? uint32_t(b[0] | b[1] << 8) : uint32_t(b[1] | b[0] << 8); };
  auto u32 = [&](const unsigned char* b) {
    return little ? uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24
                  : uint32_t(b[3]) | uint32_t(b[2]) << 8 | uint32_t(b[1]) << 16 | uint32_t(b[0]) << 24;
  };
  if (u16(hdr + 124) != 0x0100) return;  // v7.3 (HDF5) or unknown: matio's business
  uintmax_t offset = 128;
  while (offset + 8 <= size) {
    const unsigned char* tag = &buf[offset];
    uint32_t type = u32(tag), nbytes = u32(tag + 4);
    if (type >> 16) {  // small data element: 4 bytes of data inside the tag
      offset += 8;
      continue;
    }
    uintmax_t end = offset + 8 + nbytes;
    if (end > size)
      throw input_error(mfile, "file", str("a complete MAT file (the variable at byte ", offset, " needs ", end, " bytes)"),
                        str("a truncated file of ", size, " bytes"));
    if (type == 14) check_mat5_matrix(mfile, buf, offset + 8, end, u32, 0);
    if (type == 14) end = (end + 7) / 8 * 8;  // miMATRIX elements are padded to 8 bytes
    offset = end;
  }
}

// The dataset folder and its joints.mat; `root_arg` may name joints.mat itself.
struct LspPaths {
  fs::path root, mat_path;
};

LspPaths locate(const std::string& root_arg) {
  fs::path root(root_arg);
  fs::path mat_path = root / "joints.mat";
  if (fs::is_regular_file(root)) {  // tolerate being handed joints.mat itself
    mat_path = root;
    root = root.parent_path();
  }
  if (!fs::is_directory(root))
    throw input_error(root.string(), "dataset root", "a folder holding joints.mat and the images", "no such folder");
  if (!fs::is_regular_file(mat_path))
    throw input_error(mat_path.string(), "file", "a MATLAB joints.mat file", "no such file");
  return {root, mat_path};
}

void check_has_joints(mat_t* mat, const std::string& mfile) {
  std::vector<std::string> names = variable_names(mat);
  bool has_joints = false;
  for (const auto& n : names) has_joints |= (n == "joints");
  if (has_joints) return;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + ("'" + n + "'");
  throw input_error(mfile, "variables", "a variable named 'joints'",
                    names.empty() ? std::string("no variables") : "only " + list);
}

// matio allocates what the dimensions claim before reading; compressed
// variables escape check_mat5_complete, so bound them by zlib's largest ratio.
void check_joints_fit(mat_t* mat, const std::string& mfile) {
  MatVar info(Mat_VarReadInfo(mat, "joints"));
  if (!info) throw input_error(mfile, "joints", "a readable numeric array", "a variable matio cannot read");
  size_t count = 1;
  bool overflow = false;
  for (int d = 0; d < info->rank; ++d) overflow |= __builtin_mul_overflow(count, info->dims[d], &count);
  if (overflow || count / 1032 > fs::file_size(mfile))
    throw input_error(mfile, "joints", "dimensions whose data fits in the file", dims_text(*info));
}

// The open file and its `joints` variable, read only after the file and its
// size claims are checked. Members in this order so that the variable is
// freed before the file closes (a v7.3 variable holds HDF5 ids in it).
struct JointsVariable {
  MatFile mat;
  MatVar var;
};

JointsVariable read_joints_variable(const std::string& mfile) {
  check_mat5_complete(mfile);
  JointsVariable joints;
  joints.mat.reset(Mat_Open(mfile.c_str(), MAT_ACC_RDONLY));
  if (!joints.mat) throw input_error(mfile, "file", "a MATLAB v5/v7.3 .mat file", "a file matio cannot open");
  check_has_joints(joints.mat.get(), mfile);
  check_joints_fit(joints.mat.get(), mfile);
  joints.var.reset(Mat_VarRead(joints.mat.get(), "joints"));
  if (!joints.var) throw input_error(mfile, "joints", "a readable numeric array", "a variable matio cannot read");
  return joints;
}

// Which of the two layouts `joints` has, and its dimensions.
struct JointsLayout {
  size_t d0, d1, n;  // n: images
  bool lspet;        // 14x3xN; else 3x14xN (LSP)
};

// Shape: 14x3xN (LSPET) or 3x14xN (LSP); rank 2 means N = 1.
JointsLayout check_layout(const matvar_t& v, const std::string& mfile) {
  if (!numeric_class(v.class_type))
    throw input_error(mfile, "joints", "a numeric array (double or single)", str("class ", class_name(v.class_type)));
  if (v.isComplex) throw input_error(mfile, "joints", "a real numeric array", "a complex array");
  size_t d0 = v.rank >= 1 ? v.dims[0] : 0, d1 = v.rank >= 2 ? v.dims[1] : 0;
  size_t n = v.rank == 3 ? v.dims[2] : 1;
  bool lspet = d0 == kLspJoints && d1 == 3, lsp = d0 == 3 && d1 == kLspJoints;
  if ((v.rank != 2 && v.rank != 3) || !(lspet || lsp))
    throw input_error(mfile, "joints", "an array of 14x3xN (LSPET) or 3x14xN (LSP)", dims_text(v));
  if (n == 0) throw input_error(mfile, "joints", "at least one image (N > 0)", dims_text(v));
  if (!v.data) throw input_error(mfile, "joints", "array data", "no data");
  return {d0, d1, n, lspet};
}

// Image k's person; `unlabeled` counts the joints LSPET marks as not annotated.
RawPerson read_person(const matvar_t& v, const JointsLayout& l, size_t k, const std::string& mfile,
                      int64_t& unlabeled) {
  RawPerson p;
  p.xy.assign(kLspJoints * 2, 0.f);
  p.labeled.assign(kLspJoints, 0);
  p.occluded.assign(kLspJoints, 0);
  for (int j = 0; j < kLspJoints; ++j) {
    // Column-major: element (a, b, k) sits at a + d0 * (b + d1 * k).
    auto at = [&](size_t a, size_t b) { return element(v, a + l.d0 * (b + l.d1 * k)); };
    double x = l.lspet ? at(j, 0) : at(0, j);
    double y = l.lspet ? at(j, 1) : at(1, j);
    double f = l.lspet ? at(j, 2) : at(2, j);
    std::string field = str("joints[:, :, ", k, "] joint ", j);
    if (f != 0.0 && f != 1.0)
      throw input_error(mfile, field + " flag", "0 or 1", number_text(f));
    bool labeled = l.lspet ? f == 1.0 : true;
    if (labeled) {
      if (!std::isfinite(x) || !std::isfinite(y))
        throw input_error(mfile, field, "finite x, y for a labeled joint",
                          str("(", number_text(x), ", ", number_text(y), ")"));
      p.labeled[j] = 1;
      p.occluded[j] = l.lspet ? 0 : static_cast<uint8_t>(f == 1.0);
    } else {
      ++unlabeled;
    }
    // Unlabeled joints keep finite coordinates as given; NaN/Inf become 0.
    p.xy[2 * j] = std::isfinite(x) ? static_cast<float>(x) : 0.f;
    p.xy[2 * j + 1] = std::isfinite(y) ? static_cast<float>(y) : 0.f;
  }
  return p;
}

// Image k's file: under images/ first, else directly in the root.
fs::path image_path(const fs::path& root, bool lspet, size_t k, const std::string& mfile) {
  const fs::path images_dir = root / "images";
  char name[32];
  std::snprintf(name, sizeof(name), lspet ? "im%05zu.jpg" : "im%04zu.jpg", k + 1);
  fs::path path = images_dir / name;
  if (fs::is_regular_file(path)) return path;
  fs::path direct = root / name;
  if (!fs::is_regular_file(direct))
    throw input_error(mfile, str("joints[:, :, ", k, "] image"),
                      str("image file ", name, " in ", images_dir.string(), " or ", root.string()), "no such file");
  return direct;
}

}  // namespace

RawDataset read_lsp(const std::string& root_arg) {
  const LspPaths paths = locate(root_arg);
  const std::string mfile = paths.mat_path.string();
  const JointsVariable joints = read_joints_variable(mfile);
  const matvar_t& v = *joints.var;
  const JointsLayout layout = check_layout(v, mfile);

  RawDataset ds;
  ds.format = "lsp";
  ds.num_joints = kLspJoints;
  ds.images.reserve(layout.n);
  int64_t unlabeled = 0;
  for (size_t k = 0; k < layout.n; ++k) {
    RawPerson p = read_person(v, layout, k, mfile, unlabeled);
    RawImage img;
    img.source = image_path(paths.root, layout.lspet, k, mfile).string();
    img.load = [s = img.source] { return load_image_file(s); };
    img.people.push_back(std::move(p));
    ds.images.push_back(std::move(img));
  }
  if (unlabeled) ds.stats.masked_joints["unlabeled"] += unlabeled;
  return ds;
}

}  // namespace kplab
