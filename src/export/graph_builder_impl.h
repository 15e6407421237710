// GraphBuilder's state (internal to src/export), shared by the files that
// define its members: onnx_graph.cpp (names, inputs, nodes, finish) and
// graph_layers.cpp (the layer helpers).
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "export/onnx_graph.h"

namespace kplab::onnx_export {

struct GraphBuilder::Impl {
  std::unique_ptr<onnx::ModelProto> model = std::make_unique<onnx::ModelProto>();
  onnx::GraphProto* graph = nullptr;
  std::set<std::string> names;                   // every node and value name given out
  std::set<std::string> constants;               // initializer names
  std::unordered_map<std::string, int> counters;  // next suffix per hint
  bool finished = false;

  void check_open() const { KP_CHECK(!finished, "onnx export: the graph builder was already finished"); }
  bool is_constant(const Value& v) const { return constants.count(v.name) > 0; }
};

}  // namespace kplab::onnx_export
