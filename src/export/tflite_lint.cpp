#include "export/tflite_lint.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"

namespace kplab::onnx_export {

namespace {

// Default-domain operators (opset 13) that onnx2tf / onnx-tf + TFLiteConverter
// turn into TFLite builtin ops. Conservative: an op not listed is reported for
// review even where some converter manages it.
//
// Contested choices:
//  - Erf is NOT a TFLite builtin (tf.math.erf needs Flex). It is allowed only
//    inside the exact GELU chain as PyTorch exports it, Div(x, sqrt 2) -> Erf
//    -> Add(., 1) -> Mul(x, .) -> Mul(., 0.5), the one spelling onnx2tf fuses
//    into the builtin GELU (a Mul by 1/sqrt 2 instead of the Div came out as
//    FlexErf); see erf_in_gelu() below. Elsewhere it is reported.
//  - Clip is allowed only with constant min/max (RELU6 / RELU_N1_TO_1 or
//    MINIMUM/MAXIMUM with constants); tensor bounds are reported.
//  - Resize is allowed for rank 4 with constant scales/sizes and linear or
//    nearest mode (RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR); cubic and
//    tf_crop_and_resize have no builtin.
//  - BatchNormalization, Dropout, Identity and Constant are in: converters fold
//    them (into the conv, away, or into constants).
//  - Pow (POW), Exp (EXP), Log (LOG), Gather (GATHER), Split (SPLIT),
//    DepthToSpace/SpaceToDepth, ArgMax (ARG_MAX), Cast (CAST), Floor/Ceil are
//    builtins in current TFLite and are in.
//  - HardSigmoid (opset 13 has no HardSwish) is in: converters lower it to
//    MUL/ADD/RELU6-style builtins.
//  - Out: LayerNormalization / InstanceNormalization (no builtin; decompose
//    them as the exporter does), Shape / ConstantOfShape / Expand / Range /
//    NonZero (run-time shape logic: fold it into constants), Einsum, control
//    flow (If / Loop / Scan), LSTM / GRU / RNN (Flex or converter-specific
//    unrolling), TopK (TOPK_V2 exists, but index types and sorting differ by
//    converter), Softplus / Mish / Selu (no builtin, decomposition varies),
//    Upsample (deprecated since opset 10), comparison and Where ops (builtins,
//    but in a pose graph they signal shape logic the exporter should fold).
const std::set<std::string>& allowed_ops() {
  static const std::set<std::string> ops = {
      "Conv",        "ConvTranspose", "Relu",      "LeakyRelu",          "PRelu",          "Sigmoid",
      "Tanh",        "HardSigmoid",   "Elu",       "Softmax",            "Add",            "Sub",
      "Mul",         "Div",           "Sqrt",      "Pow",                "Exp",            "Log",
      "Neg",         "Abs",           "Min",       "Max",                "Reciprocal",     "Floor",
      "Ceil",        "MaxPool",       "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean",
      "ReduceMax",   "ReduceSum",     "Gemm",      "MatMul",             "BatchNormalization", "Reshape",
      "Flatten",     "Transpose",     "Squeeze",   "Unsqueeze",          "Concat",         "Split",
      "Slice",       "Gather",        "Pad",       "Resize",             "DepthToSpace",   "SpaceToDepth",
      "Identity",    "Dropout",       "Constant",  "Clip",               "Erf",            "Cast",
      "ArgMax",
  };
  return ops;
}

// Specific reasons for ops that are out, where a generic phrase would not help.
const std::map<std::string, std::string>& out_reasons() {
  static const std::map<std::string, std::string> r = {
      {"LayerNormalization", "LayerNormalization has no TFLite builtin (and is not in opset 13): decompose it"},
      {"InstanceNormalization", "InstanceNormalization has no TFLite builtin: decompose it"},
      {"Shape", "run-time shape computation: fold it into constants"},
      {"ConstantOfShape", "run-time shape computation: fold it into constants"},
      {"Expand", "run-time broadcast by a computed shape: fold it into constants"},
      {"Range", "run-time shape computation: fold it into constants"},
      {"NonZero", "data-dependent output shape: not expressible with TFLite builtins"},
      {"Upsample", "Upsample is deprecated: use Resize with constant scales"},
      {"If", "control flow has no TFLite builtin mapping"},
      {"Loop", "control flow has no TFLite builtin mapping"},
      {"Scan", "control flow has no TFLite builtin mapping"},
      {"Einsum", "Einsum needs Flex ops in TFLite: write it as MatMul/Transpose"},
  };
  return r;
}

std::vector<int64_t> ints_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return std::vector<int64_t>(a.ints().begin(), a.ints().end());
  return {};
}

std::string string_attr(const onnx::NodeProto& n, const std::string& name, const std::string& fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.s();
  return fallback;
}

// Value of a one-element float tensor.
std::optional<float> one_float(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  int64_t count = 1;
  for (int64_t d : t.dims()) count *= d;
  if (count != 1) return std::nullopt;
  if (t.float_data_size() == 1) return t.float_data(0);
  if (t.raw_data().size() == sizeof(float)) {
    float v;
    std::memcpy(&v, t.raw_data().data(), sizeof v);
    return v;
  }
  return std::nullopt;
}

// Names whose values are fixed at conversion time: initializers and outputs of Constant nodes.
struct Constants {
  std::unordered_map<std::string, const onnx::TensorProto*> tensors;
  std::set<std::string> names;

  explicit Constants(const onnx::GraphProto& g) {
    for (const auto& t : g.initializer()) {
      tensors[t.name()] = &t;
      names.insert(t.name());
    }
    for (const auto& n : g.node())
      if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx") && n.output_size() == 1) {
        names.insert(n.output(0));
        for (const auto& a : n.attribute())
          if (a.name() == "value" && a.has_t()) tensors[n.output(0)] = &a.t();
      }
  }
  // An optional input left out ("" or absent) counts as constant.
  bool is_constant(const onnx::NodeProto& n, int input) const {
    return input >= n.input_size() || n.input(input).empty() || names.count(n.input(input)) > 0;
  }
  bool present(const onnx::NodeProto& n, int input) const { return input < n.input_size() && !n.input(input).empty(); }
  std::optional<float> scalar(const std::string& name) const {
    auto it = tensors.find(name);
    return it == tensors.end() ? std::nullopt : one_float(*it->second);
  }
};

bool near(std::optional<float> v, double want) { return v && std::abs(*v - want) <= 1e-5 * std::abs(want); }

// The one consumer of `name`, or nullptr.
const onnx::NodeProto* only_consumer(const std::string& name,
                                     const std::unordered_map<std::string, std::vector<const onnx::NodeProto*>>& consumers) {
  auto c = consumers.find(name);
  return c == consumers.end() || c->second.size() != 1 ? nullptr : c->second[0];
}

// Erf is fine only inside the chain onnx2tf fuses into TFLite's GELU:
// x -> Div(x, sqrt 2) -> Erf -> Add(., 1) -> Mul(x, .) -> Mul(., 0.5), the
// constants second, x first in the Mul (onnx2tf's ops/Div.py checks each).
bool erf_in_gelu(const onnx::NodeProto& erf, const std::unordered_map<std::string, const onnx::NodeProto*>& producer,
                 const std::unordered_map<std::string, std::vector<const onnx::NodeProto*>>& consumers,
                 const Constants& constants) {
  if (erf.input_size() != 1 || erf.output_size() != 1) return false;
  auto p = producer.find(erf.input(0));
  if (p == producer.end()) return false;
  const onnx::NodeProto& div = *p->second;
  if (div.op_type() != "Div" || div.input_size() != 2 || !near(constants.scalar(div.input(1)), M_SQRT2)) return false;
  const std::string& x = div.input(0);
  const onnx::NodeProto* add = only_consumer(erf.output(0), consumers);
  if (!add || add->op_type() != "Add" || add->input_size() != 2 || add->input(0) != erf.output(0) ||
      !near(constants.scalar(add->input(1)), 1.0))
    return false;
  const onnx::NodeProto* mul_x = only_consumer(add->output(0), consumers);
  if (!mul_x || mul_x->op_type() != "Mul" || mul_x->input_size() != 2 || mul_x->input(0) != x) return false;
  const onnx::NodeProto* mul_half = only_consumer(mul_x->output(0), consumers);
  return mul_half && mul_half->op_type() == "Mul" && mul_half->input_size() == 2 &&
         near(constants.scalar(mul_half->input(1)), 0.5);
}

// Rank of a tensor from the model's declared shapes (-1 when unknown).
int rank_of(const onnx::GraphProto& g, const std::string& name) {
  for (const auto* list : {&g.input(), &g.value_info(), &g.output()})
    for (const auto& vi : *list)
      if (vi.name() == name && vi.type().has_tensor_type() && vi.type().tensor_type().has_shape())
        return vi.type().tensor_type().shape().dim_size();
  for (const auto& t : g.initializer())
    if (t.name() == name) return t.dims_size();
  return -1;
}

void check_static(const onnx::ValueInfoProto& vi, const std::string& kind, std::vector<LintIssue>& out) {
  if (!vi.type().has_tensor_type()) {
    out.push_back({vi.name(), kind, "not a tensor"});
    return;
  }
  if (!vi.type().tensor_type().has_shape()) {
    out.push_back({vi.name(), kind, "no shape: TFLite needs static shapes"});
    return;
  }
  for (const auto& d : vi.type().tensor_type().shape().dim())
    if (!d.has_dim_value() || d.dim_value() <= 0) {
      const std::string what = d.has_dim_param() ? "'" + d.dim_param() + "'" : std::string("unknown");
      out.push_back({vi.name(), kind, "dynamic dimension " + what + ": TFLite needs static shapes"});
      return;
    }
}

// Model level: TFLite conversion is checked for the default-domain opset 13 only.
void lint_opset(const onnx::ModelProto& model, std::vector<LintIssue>& issues) {
  bool default_opset = false;
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      default_opset = true;
      if (o.version() != 13)
        issues.push_back({"(model)", "opset_import",
                          str("default-domain opset ", o.version(), ": kplab checks TFLite conversion for opset 13 only")});
    }
  if (!default_opset) issues.push_back({"(model)", "opset_import", "no default-domain opset import"});
}

// Graph inputs (other than initializers), outputs and value_info need static shapes.
void lint_shapes(const onnx::GraphProto& g, std::vector<LintIssue>& issues) {
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  for (const auto& vi : g.input())
    if (!initializers.count(vi.name())) check_static(vi, "graph input", issues);
  for (const auto& vi : g.output()) check_static(vi, "graph output", issues);
  for (const auto& vi : g.value_info()) check_static(vi, "value_info", issues);
}

// Who produces and who consumes each value: what the pattern checks walk.
struct Wiring {
  std::unordered_map<std::string, const onnx::NodeProto*> producer;
  std::unordered_map<std::string, std::vector<const onnx::NodeProto*>> consumers;

  explicit Wiring(const onnx::GraphProto& g) {
    for (const auto& n : g.node()) {
      for (const auto& o : n.output()) producer[o] = &n;
      for (const auto& i : n.input())
        if (!i.empty()) consumers[i].push_back(&n);
    }
  }
};

using Flag = std::function<void(const std::string& reason)>;

void lint_resize(const onnx::NodeProto& n, const onnx::GraphProto& g, const Constants& constants, const Flag& flag) {
  const int rank = n.input_size() > 0 ? rank_of(g, n.input(0)) : -1;
  if (rank != 4) flag(rank < 0 ? "Resize input rank unknown: TFLite resizes rank-4 tensors only"
                               : str("Resize of a rank-", rank, " tensor: TFLite resizes rank-4 tensors only"));
  if (!constants.is_constant(n, 2) || !constants.is_constant(n, 3))
    flag("Resize scales/sizes are computed at run time: TFLite needs constants");
  if (!constants.present(n, 2) && !constants.present(n, 3)) flag("Resize has neither scales nor sizes");
  const std::string mode = string_attr(n, "mode", "nearest");
  if (mode != "linear" && mode != "nearest")
    flag("Resize mode '" + mode + "': TFLite has bilinear and nearest only");
  if (string_attr(n, "coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize")
    flag("Resize with tf_crop_and_resize has no TFLite builtin");
}

void lint_conv(const onnx::NodeProto& n, const Flag& flag) {
  const auto strides = ints_attr(n, "strides");
  const auto pads = ints_attr(n, "pads");
  const std::string auto_pad = string_attr(n, "auto_pad", "NOTSET");
  bool strided = false, padded = false;
  for (int64_t s : strides) strided = strided || s > 1;
  for (int64_t p : pads) padded = padded || p != 0;
  if (strided && (padded || auto_pad == "SAME_LOWER"))
    flag("strided Conv with implicit padding differs from TF SAME: use an explicit Pad and a VALID Conv");
}

// The checks of an allowed operator that converts only in some spellings:
// run-time shapes and bounds must be constants, Erf only inside GELU.
void lint_allowed_op(const onnx::NodeProto& n, const onnx::GraphProto& g, const Constants& constants,
                     const Wiring& wiring, const Flag& flag) {
  const std::string& op = n.op_type();
  if (op == "Clip") {
    if (!constants.is_constant(n, 1) || !constants.is_constant(n, 2))
      flag("Clip min/max are tensors, not constants: TFLite needs constant bounds (Relu6 or Min/Max with constants)");
  } else if (op == "Erf") {
    if (!erf_in_gelu(n, wiring.producer, wiring.consumers, constants))
      flag("Erf outside the exact GELU chain Div(x, sqrt 2) -> Erf -> Add 1 -> Mul x -> Mul 0.5 has no TFLite "
           "builtin (onnx2tf emits FlexErf)");
  } else if (op == "Resize") {
    lint_resize(n, g, constants, flag);
  } else if (op == "Conv") {
    lint_conv(n, flag);
  } else if (op == "Reshape") {
    if (!constants.is_constant(n, 1)) flag("Reshape target shape is computed at run time: TFLite needs a constant");
  } else if (op == "Pad") {
    if (!constants.is_constant(n, 1) || !constants.is_constant(n, 2))
      flag("Pad pads/value are computed at run time: TFLite needs constants");
    if (string_attr(n, "mode", "constant") == "edge") flag("Pad mode 'edge' has no TFLite builtin");
  } else if (op == "Slice") {
    for (int i = 1; i <= 4; ++i)
      if (!constants.is_constant(n, i)) {
        flag("Slice bounds are computed at run time: TFLite needs constants");
        break;
      }
  } else if (op == "Squeeze" || op == "Unsqueeze") {
    if (!constants.is_constant(n, 1)) flag(op + " axes are computed at run time: TFLite needs constants");
  } else if (op == "Split") {
    if (!constants.is_constant(n, 1)) flag("Split sizes are computed at run time: TFLite needs constants");
  }
}

}  // namespace

std::vector<LintIssue> lint_tflite(const onnx::ModelProto& model) {
  std::vector<LintIssue> issues;
  const auto& g = model.graph();
  lint_opset(model, issues);
  lint_shapes(g, issues);

  const Constants constants(g);
  const Wiring wiring(g);
  int index = 0;
  for (const auto& n : g.node()) {
    const std::string name = n.name().empty() ? str(n.op_type(), "#", index) : n.name();
    ++index;
    const std::string& op = n.op_type();
    auto flag = [&](const std::string& reason) { issues.push_back({name, op, reason}); };

    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      flag("operator from domain '" + n.domain() + "': only the default ONNX domain maps to TFLite builtins");
      continue;
    }
    if (!allowed_ops().count(op)) {
      auto it = out_reasons().find(op);
      flag(it != out_reasons().end() ? it->second : "operator not in the TFLite-builtin allow-list");
      continue;
    }
    lint_allowed_op(n, g, constants, wiring, flag);
  }
  return issues;
}

}  // namespace kplab::onnx_export
