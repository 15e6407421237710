#include "infer/xnnpack_net.h"

#include <onnx/onnx_pb.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <set>

#include "export/static_shapes.h"
#include "infer/depthwise_conv.h"
#include "infer/nhwc_kernels.h"

namespace kplab {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// XNNPACK may read up to XNN_EXTRA_BYTES past the end of an input.
constexpr size_t kSlack = XNN_EXTRA_BYTES / sizeof(float) + 1;

// KPLAB_XNNPACK_DEPTHWISE=xnnpack keeps XNNPACK's depthwise kernels
// (to compare the two); anything else, or unset, uses kplab's where covered.
bool depthwise_enabled() {
  const char* v = std::getenv("KPLAB_XNNPACK_DEPTHWISE");
  return !(v && std::string(v) == "xnnpack");
}

int64_t numel(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

using onnx_export::shape_str;

nhwc::Shape4 shape4(const std::vector<int64_t>& s) { return {s[0], s[1], s[2], s[3]}; }

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
int64_t int_attr(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : fallback;
}
float float_attr(const onnx::NodeProto& n, const std::string& name, float fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->f() : fallback;
}
std::string string_attr(const onnx::NodeProto& n, const std::string& name, const std::string& fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->s() : fallback;
}
std::vector<int64_t> ints_attr(const onnx::NodeProto& n, const std::string& name, std::vector<int64_t> fallback) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

// An initializer's values, from raw_data or from the typed field `typed`
// (float_data, int64_data), as a tensor of its dims.
template <typename T, typename Repeated>
torch::Tensor initializer_values(const onnx::TensorProto& t, const std::string& path, torch::ScalarType type,
                                 const Repeated& typed, const char* what) {
  std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
  const int64_t n = numel(dims);
  torch::Tensor out = torch::empty(dims, type);
  if (!t.raw_data().empty()) {
    KP_CHECK(static_cast<int64_t>(t.raw_data().size()) == n * static_cast<int64_t>(sizeof(T)), path, ": initializer '",
             t.name(), "': expected ", n * sizeof(T), " bytes for ", shape_str(dims), ", found ", t.raw_data().size());
    std::memcpy(out.data_ptr<T>(), t.raw_data().data(), n * sizeof(T));
  } else {
    KP_CHECK(typed.size() == n, path, ": initializer '", t.name(), "': expected ", n, " ", what, ", found ",
             typed.size());
    std::copy(typed.begin(), typed.end(), out.data_ptr<T>());
  }
  return out;
}

torch::Tensor from_proto(const onnx::TensorProto& t, const std::string& path) {
  if (t.data_type() == onnx::TensorProto::FLOAT)
    return initializer_values<float>(t, path, torch::kFloat32, t.float_data(), "floats");
  if (t.data_type() == onnx::TensorProto::INT64)
    return initializer_values<int64_t>(t, path, torch::kInt64, t.int64_data(), "int64s");
  throw UnsupportedGraph(str(path, ": initializer '", t.name(), "' has ONNX data type ", t.data_type(),
                             "; the XNNPACK runner reads float32 and int64"));
}

void check_xnn(xnn_status s, const std::string& what) {
  KP_CHECK(s == xnn_status_success, "XNNPACK: ", what, " failed (xnn_status ", static_cast<int>(s), ")");
}

// One planned operation: the activations it reads and writes, and how to
// build its run once every buffer has its address.
struct Step {
  std::string label;  // for the summary: "convolution", "add", ...
  std::vector<std::string> reads, writes;
  std::function<std::function<void()>()> bind;
};

}  // namespace

struct XnnpackNet::Impl {
  std::string path;
  pthreadpool_t pool = nullptr;
  std::string input_name;
  std::vector<int64_t> input_shape;
  std::vector<std::string> outputs;
  std::map<std::string, std::vector<int64_t>> shapes;
  std::map<std::string, torch::Tensor> constants;
  std::vector<std::vector<float>> buffers;
  std::map<std::string, size_t> slot;  // activation -> buffer
  std::vector<xnn_operator_t> ops;
  std::vector<std::vector<char>> workspaces;
  std::vector<std::function<void()>> runs;
  std::vector<std::string> run_labels;  // runs[i]'s step label
  std::map<std::string, std::vector<float>> results;  // requested outputs, ONNX order
  std::map<std::string, int> counts;                 // step labels, for summary()
  std::vector<torch::Tensor> held;                   // constants operators read at every run (not packed)

  ~Impl() {
    for (xnn_operator_t op : ops) xnn_delete_operator(op);
    if (pool) pthreadpool_destroy(pool);
  }

  float* buf(const std::string& v) { return buffers[slot.at(v)].data(); }
  const std::vector<int64_t>& shape(const std::string& v) const {
    auto it = shapes.find(v);
    KP_CHECK(it != shapes.end(), path, ": value '", v, "' has no static shape in the graph (value_info)");
    return it->second;
  }
  bool is_constant(const std::string& v) const { return constants.count(v) > 0; }
  const torch::Tensor& constant(const onnx::NodeProto& n, int i) const {
    KP_CHECK(n.input_size() > i, path, ": node '", n.name(), "' (", n.op_type(), "): expected input ", i);
    auto it = constants.find(n.input(i));
    if (it == constants.end())
      throw UnsupportedGraph(str(path, ": node '", n.name(), "' (", n.op_type(), "): input '", n.input(i),
                                 "' is computed; the XNNPACK runner needs a constant there"));
    return it->second;
  }
  xnn_operator_t keep(xnn_operator_t op) {
    ops.push_back(op);
    return op;
  }
  std::function<void()> run_op(xnn_operator_t op) {
    pthreadpool_t p = pool;
    return [op, p] { check_xnn(xnn_run_operator(op, p), "running an operator"); };
  }
  void* workspace(size_t size, size_t alignment) {
    if (size == 0) return nullptr;
    workspaces.emplace_back(size + alignment);
    auto addr = reinterpret_cast<uintptr_t>(workspaces.back().data());
    return reinterpret_cast<void*>((addr + alignment - 1) / alignment * alignment);
  }

  [[noreturn]] void unsupported(const onnx::NodeProto& n, const std::string& why) const {
    throw UnsupportedGraph(
        str(path, ": node '", n.name(), "' (", n.op_type(), "): ", why, " is not covered by the XNNPACK runner"));
  }

  // An NHWC value into ONNX's NCHW order, planes shared among the threads.
  void write_nchw(const float* in, const std::vector<int64_t>& shape, float* out) const {
    const nhwc::Shape4 s = shape4(shape);
    pthreadpool_parallelize_1d_tile_1d(
        pool, [&](size_t begin, size_t count) { nhwc::to_nchw_planes(in, s, out, begin, begin + count); },
        s.n * s.c, 1);
  }

  // The requested outputs into `results`, in ONNX's order.
  void copy_results() {
    for (auto& [name, values] : results) {
      const std::vector<int64_t>& s = shape(name);
      if (s.size() == 4)
        write_nchw(buf(name), s, values.data());
      else
        std::memcpy(values.data(), buf(name), sizeof(float) * values.size());
    }
  }

  // The NCHW input into its NHWC buffer, rows shared among the threads.
  void read_input(const float* input) {
    const nhwc::Shape4 s = shape4(input_shape);
    float* out = buf(input_name);
    pthreadpool_parallelize_1d_tile_1d(
        pool, [&](size_t begin, size_t count) { nhwc::from_nchw_rows(input, s, out, begin, begin + count); },
        s.n * s.h, 8);
  }

  void read_graph(const onnx::ModelProto& model, std::vector<std::string> wanted);
  std::vector<Step> plan(const onnx::GraphProto& g);
  void allocate_and_bind(std::vector<Step>& steps);
};

void XnnpackNet::Impl::read_graph(const onnx::ModelProto& model, std::vector<std::string> wanted) {
  const auto& g = model.graph();
  for (const auto& t : g.initializer()) constants[t.name()] = from_proto(t, path);
  auto record = [&](const onnx::ValueInfoProto& vi) {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape()) return;
    std::vector<int64_t> s;
    for (const auto& d : vi.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() <= 0) return;  // dynamic: not recorded, refused where used
      s.push_back(d.dim_value());
    }
    shapes[vi.name()] = s;
  };
  for (const auto& vi : g.input()) record(vi);
  for (const auto& vi : g.value_info()) record(vi);
  for (const auto& vi : g.output()) record(vi);
  for (const auto& [name, t] : constants) shapes[name] = t.sizes().vec();

  for (const auto& vi : g.input())
    if (!is_constant(vi.name())) {
      KP_CHECK(input_name.empty(), path, ": expected one graph input, found '", input_name, "' and '", vi.name(), "'");
      input_name = vi.name();
    }
  KP_CHECK(!input_name.empty(), path, ": the graph has no input");
  input_shape = shape(input_name);
  KP_CHECK(input_shape.size() == 4, path, ": input '", input_name, "': expected N x C x H x W, found ",
           shape_str(input_shape));

  std::set<std::string> graph_outputs;
  for (const auto& vi : g.output()) graph_outputs.insert(vi.name());
  if (wanted.empty()) wanted.assign(graph_outputs.begin(), graph_outputs.end());
  for (const auto& o : wanted)
    KP_CHECK(graph_outputs.count(o), path, ": expected a graph output named '", o, "', found none");
  outputs = wanted;
}

std::vector<Step> XnnpackNet::Impl::plan(const onnx::GraphProto& g) {
  // The nodes the outputs need, and who reads each value.
  std::set<std::string> needed(outputs.begin(), outputs.end());
  std::vector<const onnx::NodeProto*> nodes;
  for (int i = g.node_size() - 1; i >= 0; --i) {
    const auto& n = g.node(i);
    bool used = false;
    for (const auto& o : n.output()) used = used || needed.count(o);
    if (!used) continue;
    nodes.push_back(&n);
    for (const auto& in : n.input())
      if (!in.empty()) needed.insert(in);
  }
  std::reverse(nodes.begin(), nodes.end());
  std::map<std::string, std::vector<const onnx::NodeProto*>> readers;
  for (const auto* n : nodes)
    for (const auto& in : n->input()) readers[in].push_back(n);
  const std::set<std::string> output_set(outputs.begin(), outputs.end());
  auto sole_reader = [&](const std::string& v, const std::string& op) -> const onnx::NodeProto* {
    auto it = readers.find(v);
    if (output_set.count(v) || it == readers.end() || it->second.size() != 1) return nullptr;
    return it->second[0]->op_type() == op ? it->second[0] : nullptr;
  };

  struct Folded {
    std::string source;
    int64_t top, left, bottom, right;
  };
  std::map<std::string, Folded> folded_pads;  // a Pad's output -> its input and padding
  std::set<const onnx::NodeProto*> fused;     // Relus folded into the convolution before them
  std::vector<Step> steps;

  for (const auto* np : nodes) {
    const onnx::NodeProto& n = *np;
    if (fused.count(np)) continue;
    const std::string& op = n.op_type();
    KP_CHECK(n.output_size() >= 1, path, ": node '", n.name(), "' has no output");
    const std::string out = n.output(0);
    for (const auto& in : n.input())
      if (!in.empty()) shape(in);  // every value read must have a static shape
    const std::vector<int64_t>& oshape = shape(out);
    auto activation = [&](int i) -> std::string {
      if (n.input_size() <= i || is_constant(n.input(i)))
        unsupported(n, str("input ", i, " must be computed, not a constant"));
      return n.input(i);
    };

    // An operation written for ONNX's row-major order: 4-D inputs (kept
    // NHWC) are put in that order first, a 4-D result back into NHWC after.
    // Only the attention of the ViT blocks goes this way, on small tensors.
    auto rowmajor_step = [&](const std::string& label, const std::vector<std::string>& ins,
                             std::function<void(const std::vector<const float*>&, float*)> fn) {
      steps.push_back({label, ins, {out}, [=, this] {
                         std::vector<const float*> direct;
                         std::vector<std::shared_ptr<std::vector<float>>> copies;
                         std::vector<nhwc::Shape4> shapes4;
                         for (const auto& v : ins) {
                           const bool four = shape(v).size() == 4;
                           copies.push_back(four ? std::make_shared<std::vector<float>>(numel(shape(v))) : nullptr);
                           shapes4.push_back(four ? shape4(shape(v)) : nhwc::Shape4{0, 0, 0, 0});
                           direct.push_back(buf(v));
                         }
                         const bool out4 = oshape.size() == 4;
                         auto result = std::make_shared<std::vector<float>>(out4 ? numel(oshape) : 0);
                         float* o = buf(out);
                         const nhwc::Shape4 os = out4 ? shape4(oshape) : nhwc::Shape4{0, 0, 0, 0};
                         return std::function<void()>([=] {
                           std::vector<const float*> ptrs = direct;
                           for (size_t i = 0; i < ptrs.size(); ++i)
                             if (copies[i]) {
                               nhwc::to_nchw(direct[i], shapes4[i], copies[i]->data());
                               ptrs[i] = copies[i]->data();
                             }
                           fn(ptrs, out4 ? result->data() : o);
                           if (out4) nhwc::from_nchw(result->data(), os, o);
                         });
                       }});
    };

    if (op == "Pad") {
      const std::string x = activation(0);
      if (string_attr(n, "mode", "constant") != "constant") unsupported(n, "a non-constant padding mode");
      if (n.input_size() > 2 && !n.input(2).empty() && constant(n, 2).item<float>() != 0.f)
        unsupported(n, "padding with a non-zero value");
      const torch::Tensor p = constant(n, 1).to(torch::kInt64).contiguous();
      const int64_t* d = p.data_ptr<int64_t>();
      if (p.numel() != 8 || shape(x).size() != 4 || d[0] || d[1] || d[4] || d[5])
        unsupported(n, "padding other than H and W of a 4-D tensor");
      for (int i = 0; i < 8; ++i)
        if (d[i] < 0) unsupported(n, "negative padding (cropping)");
      bool only_convs = !output_set.count(out);
      for (const auto* r : readers[out]) only_convs = only_convs && r->op_type() == "Conv" && r->input(0) == out;
      if (only_convs) {
        folded_pads[out] = {x, d[2], d[3], d[6], d[7]};
        continue;
      }
      steps.push_back({"pad", {x}, {out}, [this, x, out, t = d[2], l = d[3], b = d[6], r = d[7]] {
                         const nhwc::Shape4 s = shape4(shape(x));
                         float *in = buf(x), *o = buf(out);
                         return std::function<void()>([=] { nhwc::pad(in, s, t, l, b, r, o); });
                       }});
    } else if (op == "Conv") {
      std::string x = activation(0);
      std::vector<int64_t> pads = ints_attr(n, "pads", {0, 0, 0, 0});
      if (string_attr(n, "auto_pad", "NOTSET") != "NOTSET") unsupported(n, "auto_pad");
      if (pads.size() != 4 || shape(x).size() != 4) unsupported(n, "a convolution that is not 2-D");
      bool folded = false;
      if (auto it = folded_pads.find(x); it != folded_pads.end()) {
        pads[0] += it->second.top, pads[1] += it->second.left, pads[2] += it->second.bottom,
            pads[3] += it->second.right;
        x = it->second.source;
        folded = true;
      }
      std::string y = out;
      float lo = -kInf;
      if (const auto* relu = sole_reader(out, "Relu")) {
        fused.insert(relu);
        y = relu->output(0);
        lo = 0.f;
      }
      const torch::Tensor w = constant(n, 1);
      const torch::Tensor bias = n.input_size() > 2 && !n.input(2).empty()
                                     ? constant(n, 2).contiguous()
                                     : torch::zeros({w.size(0)}, torch::kFloat32);
      const std::vector<int64_t> strides = ints_attr(n, "strides", {1, 1});
      const std::vector<int64_t> dil = ints_attr(n, "dilations", {1, 1});
      const int64_t groups = int_attr(n, "group", 1);
      const std::vector<int64_t>& xs = shape(x);
      if (w.dim() != 4 || xs[1] % groups || w.size(0) % groups || w.size(1) * groups != xs[1])
        unsupported(n, str("weights ", shape_str(w.sizes().vec()), " for input ", shape_str(xs), " in ", groups,
                           " groups"));
      const std::string fusions = std::string(lo == 0.f ? " + relu" : "") + (folded ? " + pad" : "");
      // A depthwise convolution (one filter per channel) runs on kplab's own
      // kernel where it covers the shape: XNNPACK's is slower on large maps.
      nhwc::Depthwise dw;
      dw.in = shape4(xs);
      dw.k = w.size(2);
      dw.stride = strides[0];
      dw.top = pads[0], dw.left = pads[1];
      dw.out_h = oshape[2], dw.out_w = oshape[3];
      dw.lo = lo;
      if (groups == xs[1] && w.size(0) == groups && w.size(1) == 1 && w.size(2) == w.size(3) &&
          strides[0] == strides[1] && dil[0] == 1 && dil[1] == 1 && depthwise_enabled() &&
          nhwc::depthwise_covered(dw) &&
          (xs[2] + pads[0] + pads[2] - dw.k) / dw.stride + 1 == dw.out_h &&
          (xs[3] + pads[1] + pads[3] - dw.k) / dw.stride + 1 == dw.out_w) {
        const torch::Tensor hwc = w.reshape({w.size(0), dw.k * dw.k}).t().contiguous();  // [ky*k+kx][c]
        dw.weights.assign(hwc.data_ptr<float>(), hwc.data_ptr<float>() + hwc.numel());
        dw.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
        steps.push_back({"depthwise convolution" + fusions, {x}, {y}, [=, this] {
                           auto d = std::make_shared<const nhwc::Depthwise>(dw);
                           const float* in = buf(x);
                           float* o = buf(y);
                           pthreadpool_t p = pool;
                           return std::function<void()>([=] {
                             pthreadpool_parallelize_1d_tile_1d(
                                 p,
                                 [=](size_t begin, size_t count) {
                                   nhwc::depthwise_rows(*d, in, o + begin * d->out_w * d->in.c, begin, begin + count);
                                 },
                                 d->in.n * d->out_h, 1);
                           });
                         }});
        continue;
      }
      const std::string label = "convolution" + fusions;
      steps.push_back({label, {x}, {y}, [=, this] {
                         // XNNPACK wants OHWI weights (per group: out x kh x kw x in).
                         const torch::Tensor ohwi = w.permute({0, 2, 3, 1}).contiguous();
                         xnn_operator_t o = nullptr;
                         check_xnn(xnn_create_convolution2d_nhwc_f32(
                                       pads[0], pads[3], pads[2], pads[1], w.size(2), w.size(3), strides[0],
                                       strides[1], dil[0], dil[1], groups, w.size(1), w.size(0) / groups, xs[1],
                                       w.size(0), ohwi.data_ptr<float>(), bias.data_ptr<float>(), lo, kInf, 0,
                                       nullptr, nullptr, &o),
                                   str("creating convolution ", n.name()));
                         keep(o);
                         size_t ws = 0, align = 1, oh = 0, ow = 0;
                         check_xnn(xnn_reshape_convolution2d_nhwc_f32(o, xs[0], xs[2], xs[3], &ws, &align, &oh, &ow,
                                                                      pool),
                                   str("shaping convolution ", n.name()));
                         KP_CHECK(static_cast<int64_t>(oh) == oshape[2] && static_cast<int64_t>(ow) == oshape[3], path,
                                  ": node '", n.name(), "': the graph declares ", shape_str(oshape), ", XNNPACK computes ",
                                  oh, " x ", ow);
                         check_xnn(xnn_setup_convolution2d_nhwc_f32(o, workspace(ws, align), buf(x), buf(y)),
                                   str("binding convolution ", n.name()));
                         return run_op(o);
                       }});
    } else if (op == "Relu" || op == "Sigmoid" || op == "Sqrt") {
      const std::string x = activation(0);
      const xnn_unary_operator type = op == "Relu" ? xnn_unary_clamp : op == "Sigmoid" ? xnn_unary_sigmoid
                                                                                       : xnn_unary_square_root;
      std::string label = op == "Relu" ? "relu" : op == "Sigmoid" ? "sigmoid" : "square root";
      steps.push_back({label, {x}, {out}, [=, this] {
                         xnn_operator_t o = nullptr;
                         xnn_unary_params params{};
                         params.clamp.min = 0.f;
                         params.clamp.max = kInf;
                         check_xnn(xnn_create_unary_elementwise_nc(type, xnn_datatype_fp32, xnn_datatype_fp32,
                                                                   op == "Relu" ? &params : nullptr, nullptr, nullptr,
                                                                   0, &o),
                                   str("creating ", op, " ", n.name()));
                         keep(o);
                         const size_t count = numel(oshape);
                         check_xnn(xnn_reshape_unary_elementwise_nc(o, 1, count, count, count, pool),
                                   str("shaping ", n.name()));
                         check_xnn(xnn_setup_unary_elementwise_nc(o, buf(x), buf(out)), str("binding ", n.name()));
                         return run_op(o);
                       }});
    } else if (const onnx::NodeProto* relu = op == "Add" ? sole_reader(out, "Relu") : nullptr;
               relu && !is_constant(n.input(0)) && !is_constant(n.input(1)) && shape(n.input(0)) == oshape &&
               shape(n.input(1)) == oshape) {
      // A residual Add and its ReLU: one pass over the values instead of two.
      fused.insert(relu);
      const std::string a = n.input(0), b = n.input(1), y = relu->output(0);
      steps.push_back({"add + relu", {a, b}, {y}, [=, this] {
                         const float *pa = buf(a), *pb = buf(b);
                         float* py = buf(y);
                         const size_t count = numel(oshape);
                         pthreadpool_t p = pool;
                         return std::function<void()>([=] {
                           pthreadpool_parallelize_1d_tile_1d(
                               p, [=](size_t begin, size_t len) { nhwc::add_relu(pa, pb, py, begin, begin + len); },
                               count, 4096);
                         });
                       }});
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
      const bool c0 = is_constant(n.input(0)), c1 = is_constant(n.input(1));
      if (c0 && c1) unsupported(n, "two constant operands");
      const size_t rank = oshape.size();
      if (rank > 6) unsupported(n, "more than 6 dimensions");
      // Each operand's shape (right-aligned to the output's rank) and, for a
      // constant in a 4-D (NHWC) result, its values permuted to NHWC.
      struct Operand {
        std::string value;  // activation name, or empty
        torch::Tensor data;  // constant, laid out as the runner lays out the output
        std::vector<size_t> dims;
      };
      std::vector<Operand> operands;
      for (int i = 0; i < 2; ++i) {
        std::vector<int64_t> s = shape(n.input(i));
        if (s.size() > rank) unsupported(n, "an operand of higher rank than the result");
        s.insert(s.begin(), rank - s.size(), 1);
        Operand o;
        if (is_constant(n.input(i))) {
          o.data = constants.at(n.input(i)).to(torch::kFloat32).reshape(s);
          if (rank == 4) o.data = o.data.permute({0, 2, 3, 1});
          o.data = o.data.contiguous();
        } else {
          o.value = n.input(i);
        }
        if (rank == 4) s = {s[0], s[2], s[3], s[1]};
        o.dims.assign(s.begin(), s.end());
        operands.push_back(o);
      }
      const xnn_binary_operator type = op == "Add"   ? xnn_binary_add
                                       : op == "Sub" ? xnn_binary_subtract
                                       : op == "Mul" ? xnn_binary_multiply
                                                     : xnn_binary_divide;
      std::vector<std::string> reads;
      for (const auto& o : operands)
        if (!o.value.empty()) reads.push_back(o.value);
      std::string label = op == "Add" ? "add" : op == "Sub" ? "subtract" : op == "Mul" ? "multiply" : "divide";
      steps.push_back({label, reads, {out}, [=, this] {
                         xnn_operator_t o = nullptr;
                         check_xnn(xnn_create_binary_elementwise_nd(type, xnn_datatype_fp32, nullptr, nullptr, nullptr,
                                                                    0, &o),
                                   str("creating ", op, " ", n.name()));
                         keep(o);
                         check_xnn(xnn_reshape_binary_elementwise_nd(o, operands[0].dims.size(),
                                                                     operands[0].dims.data(), operands[1].dims.size(),
                                                                     operands[1].dims.data(), pool),
                                   str("shaping ", n.name()));
                         auto ptr = [&](const Operand& x) -> const float* {
                           if (!x.value.empty()) return buf(x.value);
                           held.push_back(x.data);
                           return x.data.data_ptr<float>();
                         };
                         check_xnn(xnn_setup_binary_elementwise_nd(o, ptr(operands[0]), ptr(operands[1]), buf(out)),
                                   str("binding ", n.name()));
                         return run_op(o);
                       }});
    } else if (op == "MaxPool") {
      const std::string x = activation(0);
      if (int_attr(n, "ceil_mode", 0) != 0) unsupported(n, "ceil_mode 1");
      const std::vector<int64_t> k = ints_attr(n, "kernel_shape", {});
      const std::vector<int64_t> st = ints_attr(n, "strides", {1, 1});
      const std::vector<int64_t> p = ints_attr(n, "pads", {0, 0, 0, 0});
      const std::vector<int64_t> dil = ints_attr(n, "dilations", {1, 1});
      if (k.size() != 2 || p.size() != 4 || k[0] * k[1] < 2) unsupported(n, "a pooling that is not 2-D");
      const std::vector<int64_t>& xs = shape(x);
      steps.push_back({"max-pool", {x}, {out}, [=, this] {
                         xnn_operator_t o = nullptr;
                         check_xnn(xnn_create_max_pooling2d_nhwc_f32(p[0], p[3], p[2], p[1], k[0], k[1], st[0], st[1],
                                                                     dil[0], dil[1], -kInf, kInf, 0, &o),
                                   str("creating max pool ", n.name()));
                         keep(o);
                         size_t oh = 0, ow = 0;
                         check_xnn(xnn_reshape_max_pooling2d_nhwc_f32(o, xs[0], xs[2], xs[3], xs[1], xs[1], xs[1], &oh,
                                                                      &ow, pool),
                                   str("shaping max pool ", n.name()));
                         KP_CHECK(static_cast<int64_t>(oh) == oshape[2] && static_cast<int64_t>(ow) == oshape[3], path,
                                  ": node '", n.name(), "': the graph declares ", shape_str(oshape), ", XNNPACK computes ",
                                  oh, " x ", ow);
                         check_xnn(xnn_setup_max_pooling2d_nhwc_f32(o, buf(x), buf(out)), str("binding ", n.name()));
                         return run_op(o);
                       }});
    } else if (op == "Gemm" || (op == "MatMul" && is_constant(n.input(1)))) {
      const std::string a = activation(0);
      const std::vector<int64_t>& as = shape(a);
      torch::Tensor b = constant(n, 1).to(torch::kFloat32);
      if (b.dim() != 2 || as.size() == 4) unsupported(n, "a product other than rows by a constant matrix");
      torch::Tensor kernel;  // out x in, as XNNPACK's fully-connected operator wants it
      torch::Tensor bias;
      if (op == "Gemm") {
        if (int_attr(n, "transA", 0) || float_attr(n, "alpha", 1.f) != 1.f || float_attr(n, "beta", 1.f) != 1.f)
          unsupported(n, "transA, alpha or beta other than the defaults");
        kernel = int_attr(n, "transB", 0) ? b : b.t();
        if (n.input_size() > 2 && !n.input(2).empty()) {
          bias = constant(n, 2).to(torch::kFloat32).reshape({-1});
          if (bias.numel() != kernel.size(0)) unsupported(n, "a bias that is not one value per output");
        }
      } else {
        kernel = b.t();
      }
      kernel = kernel.contiguous();
      if (bias.defined()) bias = bias.contiguous();
      const int64_t in = kernel.size(1), outs = kernel.size(0);
      if (as.back() != in) unsupported(n, str("rows of ", as.back(), " against a ", in, "-row matrix"));
      const size_t rows = numel(as) / in;
      steps.push_back({"fully-connected", {a}, {out}, [=, this] {
                         xnn_operator_t o = nullptr;
                         check_xnn(xnn_create_fully_connected_nc_f32(in, outs, in, outs, kernel.data_ptr<float>(),
                                                                     bias.defined() ? bias.data_ptr<float>() : nullptr,
                                                                     -kInf, kInf, 0, nullptr, nullptr, &o),
                                   str("creating ", op, " ", n.name()));
                         keep(o);
                         check_xnn(xnn_reshape_fully_connected_nc_f32(o, rows, pool), str("shaping ", n.name()));
                         check_xnn(xnn_setup_fully_connected_nc_f32(o, buf(a), buf(out)), str("binding ", n.name()));
                         return run_op(o);
                       }});
    } else if (op == "Resize") {
      const std::string x = activation(0);
      const std::string mode = string_attr(n, "mode", "nearest");
      const std::vector<int64_t>& xs = shape(x);
      if (string_attr(n, "coordinate_transformation_mode", "half_pixel") != "half_pixel" ||
          string_attr(n, "nearest_mode", "round_prefer_floor") != "round_prefer_floor")
        unsupported(n, "a resize without half-pixel centres");
      if (xs.size() != 4 || oshape[0] != xs[0] || oshape[1] != xs[1]) unsupported(n, "a resize of N or C");
      const bool linear = mode == "linear";
      if (!linear && (mode != "nearest" || oshape[2] % xs[2] || oshape[3] % xs[3]))
        unsupported(n, "a resize other than linear or nearest by whole factors");
      steps.push_back({linear ? "resize" : "resize nearest", {x}, {out}, [=, this] {
                         const nhwc::Shape4 s = shape4(xs);
                         float *in = buf(x), *o = buf(out);
                         const int64_t oh = oshape[2], ow = oshape[3];
                         pthreadpool_t p = pool;
                         return std::function<void()>([=] {
                           pthreadpool_parallelize_1d_tile_1d(
                               p, [=](size_t begin, size_t count) {
                                 if (linear)
                                   nhwc::resize_bilinear(in, s, oh, ow, o, begin, begin + count);
                                 else
                                   nhwc::resize_nearest(in, s, oh, ow, o, begin, begin + count);
                               },
                               s.n * oh, 4);
                         });
                       }});
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      const std::string x = activation(0);
      if (shape(x).size() != 4) unsupported(n, "a pooling that is not 2-D");
      const bool avg = op == "GlobalAveragePool";
      steps.push_back({avg ? "global-average" : "global-max", {x}, {out}, [=, this] {
                         const nhwc::Shape4 s = shape4(shape(x));
                         float *in = buf(x), *o = buf(out);
                         return std::function<void()>(
                             [=] { avg ? nhwc::global_average(in, s, o) : nhwc::global_max(in, s, o); });
                       }});
    } else if (op == "ReduceMax") {
      const std::string x = activation(0);
      if (shape(x).size() != 4 || ints_attr(n, "axes", {}) != std::vector<int64_t>{1} ||
          int_attr(n, "keepdims", 1) != 1)
        unsupported(n, "a reduction other than over the channels of a 4-D tensor, keeping dims");
      steps.push_back({"channel-max", {x}, {out}, [=, this] {
                         const nhwc::Shape4 s = shape4(shape(x));
                         float *in = buf(x), *o = buf(out);
                         return std::function<void()>([=] { nhwc::channel_max(in, s, o); });
                       }});
    } else if (op == "Concat") {
      std::vector<std::string> xs;
      for (int i = 0; i < n.input_size(); ++i) xs.push_back(activation(i));
      const int64_t axis = int_attr(n, "axis", 0);
      if (oshape.size() != 4 || (axis != 1 && axis != -3)) unsupported(n, "a concatenation other than channels");
      steps.push_back({"concat", xs, {out}, [=, this] {
                         std::vector<const float*> ins;
                         std::vector<int64_t> channels;
                         for (const auto& v : xs) ins.push_back(buf(v)), channels.push_back(shape(v)[1]);
                         const nhwc::Shape4 s = shape4(oshape);
                         float* o = buf(out);
                         return std::function<void()>([=] { nhwc::concat_channels(ins, channels, s, o); });
                       }});
    } else if (op == "DepthToSpace") {
      const std::string x = activation(0);
      if (string_attr(n, "mode", "DCR") != "DCR" || shape(x).size() != 4) unsupported(n, "mode CRD");
      const int64_t b = int_attr(n, "blocksize", 0);
      steps.push_back({"depth-to-space", {x}, {out}, [=, this] {
                         const nhwc::Shape4 s = shape4(shape(x));
                         float *in = buf(x), *o = buf(out);
                         return std::function<void()>([=] { nhwc::depth_to_space(in, s, b, o); });
                       }});
    } else if (op == "Softmax") {
      const std::string x = activation(0);
      const int64_t axis = int_attr(n, "axis", -1);
      if (axis != -1 && axis != static_cast<int64_t>(oshape.size()) - 1) unsupported(n, "a softmax over another axis");
      const int64_t cols = oshape.back(), rows = numel(oshape) / cols;
      if (shape(x).size() != 4) {
        // Row-major already (the soft-argmax over heatmap cells): the exp on
        // XNNPACK's vectorised kernel, between two passes of our own.
        steps.push_back({"softmax", {x}, {out}, [=, this] {
                           xnn_operator_t e = nullptr;
                           check_xnn(xnn_create_unary_elementwise_nc(xnn_unary_exp, xnn_datatype_fp32,
                                                                     xnn_datatype_fp32, nullptr, nullptr, nullptr, 0, &e),
                                     str("creating exp for ", n.name()));
                           keep(e);
                           const size_t count = rows * cols;
                           check_xnn(xnn_reshape_unary_elementwise_nc(e, 1, count, count, count, pool),
                                     str("shaping ", n.name()));
                           float *in = buf(x), *o = buf(out);
                           check_xnn(xnn_setup_unary_elementwise_nc(e, o, o), str("binding ", n.name()));
                           pthreadpool_t p = pool;
                           return std::function<void()>([=] {
                             pthreadpool_parallelize_1d_tile_1d(
                                 p, [&](size_t b, size_t c) { nhwc::subtract_row_max(in, cols, o, b, b + c); }, rows, 1);
                             check_xnn(xnn_run_operator(e, p), "running exp");
                             pthreadpool_parallelize_1d_tile_1d(
                                 p, [&](size_t b, size_t c) { nhwc::normalise_rows(o, cols, b, b + c); }, rows, 1);
                           });
                         }});
        continue;
      }
      pthreadpool_t p = pool;
      rowmajor_step("softmax", {x}, [rows, cols, p](const std::vector<const float*>& in, float* o) {
        const float* x = in[0];
        pthreadpool_parallelize_1d_tile_1d(
            p, [&](size_t begin, size_t count) { nhwc::softmax_rows(x, rows, cols, o, begin, begin + count); }, rows,
            1);
      });
    } else if (op == "Transpose") {
      const std::string x = activation(0);
      const std::vector<int64_t> xs = shape(x);
      std::vector<int64_t> perm = ints_attr(n, "perm", {});
      if (perm.empty())
        for (size_t i = xs.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
      rowmajor_step("transpose", {x}, [xs, perm](const std::vector<const float*>& in, float* o) {
        nhwc::transpose(in[0], xs, perm, o);
      });
    } else if (op == "MatMul" && !is_constant(n.input(1))) {
      // Two activations (attention): batched, same leading dimensions.
      const std::string a = activation(0), b = activation(1);
      const std::vector<int64_t>&as = shape(a), &bs = shape(b);
      if (as.size() < 2 || as.size() != bs.size() || !std::equal(as.begin(), as.end() - 2, bs.begin()) ||
          as.back() != bs[bs.size() - 2])
        unsupported(n, str("a product of ", shape_str(as), " and ", shape_str(bs)));
      const int64_t m = as[as.size() - 2], k = as.back(), cols = bs.back(), batch = numel(as) / (m * k);
      rowmajor_step("matmul", {a, b}, [=](const std::vector<const float*>& in, float* o) {
        nhwc::matmul(in[0], in[1], batch, m, k, cols, o);
      });
    } else if (op == "Erf") {
      const std::string x = activation(0);
      const int64_t count = numel(oshape);
      steps.push_back({"erf", {x}, {out}, [=, this] {  // elementwise: either layout
                         const float* in = buf(x);
                         float* o = buf(out);
                         return std::function<void()>([=] { nhwc::erf(in, count, o); });
                       }});
    } else if (op == "Flatten" || op == "Reshape" || op == "Identity") {
      const std::string x = activation(0);
      const std::vector<int64_t>& xs = shape(x);
      if (numel(xs) != numel(oshape)) unsupported(n, str("a reshape of ", shape_str(xs), " to ", shape_str(oshape)));
      steps.push_back({"reshape", {x}, {out}, [=, this] {
                         float *in = buf(x), *o = buf(out);
                         const bool in4 = xs.size() == 4, out4 = oshape.size() == 4;
                         auto tmp = std::make_shared<std::vector<float>>(in4 && out4 ? numel(xs) : 0);
                         const int64_t count = numel(xs);
                         return std::function<void()>([=, this] {
                           // Through ONNX's row-major order, which NHWC 4-D values are not in.
                           if (in4 && out4) {
                             write_nchw(in, xs, tmp->data());
                             nhwc::from_nchw(tmp->data(), shape4(oshape), o);
                           } else if (in4) {
                             write_nchw(in, xs, o);
                           } else if (out4) {
                             nhwc::from_nchw(in, shape4(oshape), o);
                           } else {
                             std::memcpy(o, in, sizeof(float) * count);
                           }
                         });
                       }});
    } else {
      unsupported(n, "this operator");
    }
  }
  return steps;
}

void XnnpackNet::Impl::allocate_and_bind(std::vector<Step>& steps) {
  // Liveness: a buffer goes back to the pool after its value's last reader;
  // the input and the requested outputs keep theirs.
  std::map<std::string, size_t> last_read;
  for (size_t i = 0; i < steps.size(); ++i)
    for (const auto& r : steps[i].reads) last_read[r] = i;
  const std::set<std::string> keep_alive(outputs.begin(), outputs.end());
  std::vector<size_t> free_buffers;
  auto allocate = [&](const std::string& v) {
    const size_t need = numel(shape(v)) + kSlack;
    size_t best = buffers.size();
    for (size_t b : free_buffers)
      if (buffers[b].size() >= need && (best == buffers.size() || buffers[b].size() < buffers[best].size())) best = b;
    if (best == buffers.size()) {
      buffers.emplace_back(need, 0.f);
    } else {
      free_buffers.erase(std::find(free_buffers.begin(), free_buffers.end(), best));
    }
    slot[v] = best;
  };
  allocate(input_name);
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const auto& w : steps[i].writes) allocate(w);
    std::set<std::string> freed;  // once each: x * x reads x twice
    for (const auto& r : steps[i].reads)
      if (last_read[r] == i && !keep_alive.count(r) && r != input_name && freed.insert(r).second)
        free_buffers.push_back(slot.at(r));
  }
  for (auto& s : steps) {
    runs.push_back(s.bind());
    run_labels.push_back(s.label);
    counts[s.label]++;
  }
  for (const auto& o : outputs) {
    KP_CHECK(slot.count(o), path, ": output '", o, "' is the input or a constant; the XNNPACK runner computes outputs");
    results[o].assign(numel(shape(o)), 0.f);
  }
}

XnnpackNet::XnnpackNet(const std::string& onnx_path, std::vector<std::string> outputs, int threads)
    : impl_(std::make_unique<Impl>()) {
  KP_CHECK(threads >= 1, "XNNPACK runner: expected threads >= 1, found ", threads);
  impl_->path = onnx_path;
  onnx::ModelProto model;
  {
    std::ifstream in(onnx_path, std::ios::binary);
    KP_CHECK(in, onnx_path, ": cannot open the ONNX file");
    KP_CHECK(model.ParseFromIstream(&in), onnx_path, ": not an ONNX model (protobuf parse failed)");
  }
  check_xnn(xnn_initialize(nullptr), "initialising");
  impl_->read_graph(model, std::move(outputs));
  if (threads > 1) impl_->pool = pthreadpool_create(threads);  // before planning: steps capture it
  std::vector<Step> steps = impl_->plan(model.graph());
  impl_->allocate_and_bind(steps);
}

XnnpackNet::~XnnpackNet() = default;

const std::string& XnnpackNet::input_name() const { return impl_->input_name; }
const std::vector<int64_t>& XnnpackNet::input_shape() const { return impl_->input_shape; }
const std::vector<std::string>& XnnpackNet::outputs() const { return impl_->outputs; }

void XnnpackNet::forward(const float* input) {
  Impl& m = *impl_;
  m.read_input(input);
  for (auto& run : m.runs) run();
  m.copy_results();
}

const float* XnnpackNet::output(const std::string& name, std::vector<int64_t>* shape) const {
  auto it = impl_->results.find(name);
  KP_CHECK(it != impl_->results.end(), impl_->path, ": '", name, "' is not an output this net was compiled for");
  if (shape) *shape = impl_->shape(name);
  return it->second.data();
}

std::map<std::string, torch::Tensor> XnnpackNet::forward(const torch::Tensor& input) {
  KP_CHECK(input.sizes().vec() == impl_->input_shape, impl_->path, ": input '", impl_->input_name, "': expected ",
           shape_str(impl_->input_shape), ", found ", shape_str(input.sizes().vec()));
  const torch::Tensor x = input.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  forward(x.data_ptr<float>());
  std::map<std::string, torch::Tensor> out;
  for (const auto& name : impl_->outputs) {
    std::vector<int64_t> s;
    const float* p = output(name, &s);
    out[name] = torch::from_blob(const_cast<float*>(p), s, torch::kFloat32).clone();
  }
  return out;
}

std::map<std::string, double> XnnpackNet::profile(const float* input, int repeats) {
  KP_CHECK(repeats >= 1, "XNNPACK runner: profile: expected repeats >= 1, found ", repeats);
  Impl& m = *impl_;
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::map<std::string, std::vector<double>> samples;
  for (int r = 0; r < repeats; ++r) {
    std::map<std::string, double> one;
    auto t0 = clock::now();
    m.read_input(input);
    auto t1 = clock::now();
    one["input transpose"] += ms(t0, t1);
    for (size_t i = 0; i < m.runs.size(); ++i) {
      t0 = clock::now();
      m.runs[i]();
      t1 = clock::now();
      one[m.run_labels[i]] += ms(t0, t1);
    }
    t0 = clock::now();
    m.copy_results();
    one["output copies"] += ms(t0, clock::now());
    for (const auto& [k, v] : one) samples[k].push_back(v);
  }
  std::map<std::string, double> out;
  for (auto& [k, v] : samples) {
    std::sort(v.begin(), v.end());
    out[k] = v[v.size() / 2];
  }
  return out;
}

std::string XnnpackNet::summary() const {
  std::string s;
  for (const auto& [label, count] : impl_->counts) s += (s.empty() ? "" : ", ") + std::to_string(count) + " " + label;
  return s;
}

}  // namespace kplab
