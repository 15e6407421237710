#include "export/onnx_graph.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <type_traits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "export/graph_builder_impl.h"
#include "export/static_shapes.h"

namespace kplab::onnx_export {

namespace {

// IR version 7 is the first that carries opset 13 (ONNX 1.8); the lowest
// one that works keeps older converters (onnx-tf, onnx2tf) and runtimes happy.
constexpr int64_t kIrVersion = 7;

void set_shape(onnx::ValueInfoProto* vi, const std::string& name, const std::vector<int64_t>& shape,
               int elem_type = onnx::TensorProto::FLOAT) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* sh = tt->mutable_shape();
  for (int64_t d : shape) sh->add_dim()->set_dim_value(d);
}

void set_attr(onnx::NodeProto* n, const std::string& name, const Attr& value) {
  auto* a = n->add_attribute();
  a->set_name(name);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          a->set_type(onnx::AttributeProto::INT);
          a->set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          a->set_type(onnx::AttributeProto::FLOAT);
          a->set_f(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          a->set_type(onnx::AttributeProto::STRING);
          a->set_s(v);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          a->set_type(onnx::AttributeProto::INTS);
          for (int64_t x : v) a->add_ints(x);
        } else {
          a->set_type(onnx::AttributeProto::FLOATS);
          for (float x : v) a->add_floats(x);
        }
      },
      value);
}

}  // namespace

GraphBuilder::GraphBuilder(const std::string& graph_name, int64_t batch)
    : impl_(std::make_unique<Impl>()), batch_(batch) {
  KP_CHECK(batch >= 1, "GraphBuilder: expected a batch size >= 1, found ", batch);
  impl_->graph = impl_->model->mutable_graph();
  impl_->graph->set_name(graph_name.empty() ? "kplab" : graph_name);
}

GraphBuilder::~GraphBuilder() = default;

std::string GraphBuilder::unique(const std::string& hint) {
  const std::string base = hint.empty() ? "t" : hint;
  if (impl_->names.insert(base).second) return base;
  int& n = impl_->counters[base];
  for (;;) {
    std::string candidate = base + "_" + std::to_string(++n);
    if (impl_->names.insert(candidate).second) return candidate;
  }
}

Value GraphBuilder::input(const std::string& name, const std::vector<int64_t>& shape) {
  impl_->check_open();
  KP_CHECK(!name.empty(), "onnx export: a graph input needs a name");
  KP_CHECK(impl_->names.insert(name).second, "onnx export: input name '", name, "' is already used");
  for (int64_t d : shape) KP_CHECK(d > 0, "onnx export: input '", name, "': static shape expected, found ", shape_str(shape));
  set_shape(impl_->graph->add_input(), name, shape);
  return {name, shape};
}

void GraphBuilder::output(const Value& v, const std::string& name) {
  impl_->check_open();
  KP_CHECK(!name.empty(), "onnx export: a graph output needs a name");
  std::string out_name = v.name;
  if (name != v.name) {
    KP_CHECK(impl_->names.insert(name).second, "onnx export: output name '", name, "' is already used");
    auto* n = impl_->graph->add_node();
    n->set_op_type("Identity");
    n->set_name(unique(name + "_identity"));
    n->add_input(v.name);
    n->add_output(name);
    out_name = name;
  } else {
    KP_CHECK(!impl_->is_constant(v), "onnx export: output '", name, "' is a constant; give it another name");
    for (const auto& o : impl_->graph->output())
      KP_CHECK(o.name() != name, "onnx export: '", name, "' is already a graph output");
    // A graph output should not also be listed in value_info.
    auto* vis = impl_->graph->mutable_value_info();
    for (int i = 0; i < vis->size(); ++i)
      if (vis->Get(i).name() == name) {
        vis->DeleteSubrange(i, 1);
        break;
      }
  }
  set_shape(impl_->graph->add_output(), out_name, v.shape);
}

Value GraphBuilder::constant(const torch::Tensor& t, const std::string& hint) {
  impl_->check_open();
  KP_CHECK(t.defined(), "onnx export: constant '", hint, "' is an undefined tensor");
  torch::Tensor c = t.detach().to(torch::kCPU);
  int elem_type;
  if (c.is_floating_point()) {
    c = c.to(torch::kFloat32).contiguous();
    elem_type = onnx::TensorProto::FLOAT;
  } else if (c.scalar_type() == torch::kInt64 || c.scalar_type() == torch::kInt32 ||
             c.scalar_type() == torch::kInt16 || c.scalar_type() == torch::kInt8 ||
             c.scalar_type() == torch::kUInt8) {
    c = c.to(torch::kInt64).contiguous();
    elem_type = onnx::TensorProto::INT64;
  } else {
    throw Error(str("onnx export: constant '", hint, "': float or integer tensor expected, found ",
                    c10::toString(c.scalar_type())));
  }
  const std::string name = unique(hint.empty() ? "const" : hint);
  auto* init = impl_->graph->add_initializer();
  init->set_name(name);
  init->set_data_type(elem_type);
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  for (int64_t d : shape) init->add_dims(d);
  // Raw data is little-endian; so are the machines this runs on.
  init->set_raw_data(std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()));
  impl_->constants.insert(name);
  return {name, shape};
}

Value GraphBuilder::scalar(float v, const std::string& hint) {
  // Shape [1] rather than rank 0: broadcasts the same and every runtime reads it.
  return constant(torch::full({1}, v, torch::kFloat32), hint);
}

Value GraphBuilder::node(const std::string& op, const std::vector<Value>& inputs, const std::vector<int64_t>& out_shape,
                         const Attrs& attrs, const std::string& hint) {
  impl_->check_open();
  for (int64_t d : out_shape)
    KP_CHECK(d > 0, "onnx export: ", op, " '", hint, "': static output shape expected, found ", shape_str(out_shape));
  std::string lower = op;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::string name = unique(hint.empty() ? lower : hint);
  auto* n = impl_->graph->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& in : inputs) n->add_input(in.name);
  n->add_output(name);  // node and value names live in separate namespaces; one name keeps them traceable
  for (const auto& [key, value] : attrs) set_attr(n, key, value);
  set_shape(impl_->graph->add_value_info(), name, out_shape);
  return {name, out_shape};
}

std::unique_ptr<onnx::ModelProto> GraphBuilder::finish(const std::map<std::string, std::string>& metadata) {
  impl_->check_open();
  auto& model = *impl_->model;
  KP_CHECK(impl_->graph->output_size() > 0, "onnx export: the graph has no outputs");
  model.set_ir_version(kIrVersion);
  model.set_producer_name("kplab");
  model.set_producer_version("1");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  for (const auto& [key, value] : metadata) {
    auto* p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error("onnx: checker: " + one_line(e.what()));
  }
  try {
    // Strict: type checks, node-level inference errors thrown, and the
    // shapes the builder computed are merged with (checked against) ONNX's own.
    onnx::ShapeInferenceOptions options(/*check_type=*/true, /*error_mode=*/1, /*data_prop=*/false);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw Error("onnx: shape inference: " + one_line(e.what()));
  }
  for (const auto& o : model.graph().output()) {
    bool ok = o.type().has_tensor_type() && o.type().tensor_type().has_shape();
    if (ok)
      for (const auto& d : o.type().tensor_type().shape().dim()) ok = ok && d.has_dim_value() && d.dim_value() > 0;
    KP_CHECK(ok, "onnx: graph output '", o.name(), "' has no fully static shape after shape inference");
  }
  impl_->finished = true;
  return std::move(impl_->model);
}

void save_model(const onnx::ModelProto& model, const std::string& path, bool overwrite) {
  std::string bytes;
  KP_CHECK(model.SerializeToString(&bytes), path, ": cannot serialise the ONNX model (over 2 GB?)");
  AtomicFile file(path, overwrite);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    KP_CHECK(out, file.temp_path(), ": cannot open for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    KP_CHECK(out, file.temp_path(), ": write failed (disk full?)");
  }
  file.commit();
}

std::unique_ptr<onnx::ModelProto> load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "ONNX file", "a readable file", "none (missing or unreadable)");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto model = std::make_unique<onnx::ModelProto>();
  // Protobuf accepts many byte strings as unknown fields, so also ask for the
  // parts every ONNX model has.
  if (bytes.empty() || !model->ParseFromString(bytes))
    throw input_error(path, "ONNX file", "an ONNX ModelProto", "bytes that do not parse as one");
  if (model->ir_version() <= 0 || !model->has_graph())
    throw input_error(path, "ONNX file", "an ONNX ModelProto (ir_version and graph)", "neither");
  return model;
}

std::vector<int64_t> declared_shape(const onnx::ValueInfoProto& value) {
  std::vector<int64_t> s;
  if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape()) return s;
  for (const auto& d : value.type().tensor_type().shape().dim()) s.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return s;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  if (shape.empty()) return "no static shape";
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return out;
}

}  // namespace kplab::onnx_export
