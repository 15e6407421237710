#include "support/onnx_by_hand.h"

#include <cmath>

namespace kplab::test::onnx_by_hand {

void tensor_info(onnx::ValueInfoProto* vi, const std::string& name, const std::vector<int64_t>& shape,
                 const std::string& symbolic_first) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* sh = tt->mutable_shape();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i == 0 && !symbolic_first.empty())
      sh->add_dim()->set_dim_param(symbolic_first);
    else
      sh->add_dim()->set_dim_value(shape[i]);
  }
}

void float_init(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float value) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  for (int64_t i = 0; i < n; ++i) t->add_float_data(value);
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                          const std::vector<std::string>& in, const std::vector<std::string>& out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : in) n->add_input(i);
  for (const auto& o : out) n->add_output(o);
  return n;
}

void ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

onnx::ModelProto model_shell(int opset) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("hand");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  m.mutable_graph()->set_name("hand");
  return m;
}

void int64_init(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
}

onnx::ModelProto determinant_model() {
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "image", {1, 3, 8, 8});
  int64_init(g, "flat_shape", {1, 192});
  int64_init(g, "stack_shape", {3, 8, 8});
  int64_init(g, "out_shape", {1, 3, 1});
  add_node(g, "Reshape", "flatten", {"image", "flat_shape"}, {"flat"});
  add_node(g, "Reshape", "stack", {"flat", "stack_shape"}, {"stacked"});
  add_node(g, "Det", "det0", {"stacked"}, {"det"});
  add_node(g, "Reshape", "coords_reshape", {"det", "out_shape"}, {"coords"});
  tensor_info(g->add_output(), "coords", {1, 3, 1});
  return m;
}

onnx::ModelProto gelu_model(bool div_form) {
  auto m = model_shell();
  auto* g = m.mutable_graph();
  tensor_info(g->add_input(), "image", {1, 3, 8, 8});
  float_init(g, "one", {}, 1.0f);
  float_init(g, "half", {}, 0.5f);
  if (div_form) {
    float_init(g, "sqrt2", {}, static_cast<float>(std::sqrt(2.0)));
    add_node(g, "Div", "gelu_scale", {"image", "sqrt2"}, {"scaled"});
  } else {
    float_init(g, "inv_sqrt2", {}, static_cast<float>(1.0 / std::sqrt(2.0)));
    add_node(g, "Mul", "gelu_scale", {"image", "inv_sqrt2"}, {"scaled"});
  }
  add_node(g, "Erf", "gelu_erf", {"scaled"}, {"e"});
  add_node(g, "Add", "gelu_add_one", {"e", "one"}, {"e1"});
  add_node(g, "Mul", "gelu_mul_x", {"image", "e1"}, {"xe"});
  add_node(g, "Mul", "gelu", {"xe", "half"}, {"heatmaps"});
  tensor_info(g->add_output(), "heatmaps", {1, 3, 8, 8});
  return m;
}

}  // namespace kplab::test::onnx_by_hand
