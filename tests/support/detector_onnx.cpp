#include "support/detector_onnx.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <stdexcept>

namespace kplab::test {

namespace {

void add_dims(onnx::ValueInfoProto* v, const std::vector<int64_t>& dims) {
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

void write_detector_onnx(const std::string& path, int height, int width, const std::vector<std::vector<float>>& rows,
                         int columns, int input_channels) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("kplab tests (stand-in detector)");
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("stand_in_detector");
  const int64_t outputs = static_cast<int64_t>(rows.size()) * columns;

  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {outputs, static_cast<int64_t>(input_channels), int64_t{1}, int64_t{1}}) w->add_dims(d);
  for (int64_t i = 0; i < outputs * input_channels; ++i) w->add_float_data(0.f);
  auto* b = g->add_initializer();
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(outputs);
  for (const auto& row : rows) {
    if (static_cast<int>(row.size()) != columns) throw std::runtime_error("write_detector_onnx: row of another width");
    for (float v : row) b->add_float_data(v);
  }
  auto* shape = g->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(3);
  for (int64_t d : {int64_t{1}, static_cast<int64_t>(rows.size()), static_cast<int64_t>(columns)}) shape->add_int64_data(d);

  auto* pool = g->add_node();
  pool->set_op_type("GlobalAveragePool");
  pool->add_input("images");
  pool->add_output("pooled");
  auto* conv = g->add_node();
  conv->set_op_type("Conv");
  for (const char* in : {"pooled", "w", "b"}) conv->add_input(in);
  conv->add_output("flat");
  auto* kernel = conv->add_attribute();  // OpenCV DNN wants it stated
  kernel->set_name("kernel_shape");
  kernel->set_type(onnx::AttributeProto::INTS);
  kernel->add_ints(1);
  kernel->add_ints(1);
  auto* reshape = g->add_node();
  reshape->set_op_type("Reshape");
  reshape->add_input("flat");
  reshape->add_input("shape");
  reshape->add_output("boxes");

  add_dims(g->add_input(), {1, input_channels, height, width});
  g->mutable_input(0)->set_name("images");
  add_dims(g->add_output(), {1, static_cast<int64_t>(rows.size()), columns});
  g->mutable_output(0)->set_name("boxes");

  std::ofstream out(path, std::ios::binary);
  if (!m.SerializeToOstream(&out)) throw std::runtime_error("write_detector_onnx: cannot write " + path);
}

}  // namespace kplab::test
