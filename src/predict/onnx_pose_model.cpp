#include "predict/onnx_pose_model.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "export/onnx_graph.h"
#include "train/trained_schema.h"

namespace fs = std::filesystem;

namespace kplab {

Schema predict_schema(const std::string& flag, const OnnxModel& m) {
  if (!flag.empty()) return load_schema(flag);
  if (!m.schema_yaml.empty()) return parse_schema(m.schema_yaml, m.path + " (metadata kplab.schema)");
  if (const auto named = find_experiment_schema(m.experiment_yaml)) return load_schema(*named);
  throw input_error(m.path, "metadata kplab.schema",
                    "the schema the model was trained in (written by kplab export from a run)",
                    "none; pass --schema FILE");
}

std::string resolve_model_path(const std::string& model) {
  std::error_code ec;
  if (!fs::exists(model, ec))
    throw input_error(model, "MODEL", "an exported .onnx file or a run folder", "no such file or folder");
  if (!fs::is_directory(model, ec)) return model;
  const std::string onnx = (fs::path(model) / "model.onnx").string();
  if (!fs::is_regular_file(onnx, ec))
    throw input_error(model, "model.onnx", "an exported model in the run folder",
                      str("none (export it first: kplab export ", model, " --onnx ", onnx, ")"));
  return onnx;
}

OnnxModel inspect_onnx(const std::string& path) {
  const auto proto = onnx_export::load_model(path);  // errors name the file
  const auto& g = proto->graph();
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  OnnxModel m;
  m.path = path;
  std::vector<onnx::ValueInfoProto> inputs;
  for (const auto& vi : g.input())
    if (!initializers.count(vi.name())) inputs.push_back(vi);
  if (inputs.size() != 1)
    throw input_error(path, "inputs", "one image input (1x3xSxS, from kplab export)", str(inputs.size(), " inputs"));
  const auto in_shape = onnx_export::declared_shape(inputs[0]);
  if (in_shape.size() != 4 || in_shape[0] != 1 || in_shape[1] != 3 || in_shape[2] <= 0 || in_shape[2] != in_shape[3])
    throw input_error(path, "input '" + inputs[0].name() + "'", "shape 1x3xSxS", onnx_export::shape_text(in_shape));
  m.input = inputs[0].name();
  m.size = static_cast<int>(in_shape[2]);
  for (const auto& p : proto->metadata_props()) {
    if (p.key() == "kplab.schema") m.schema_yaml = p.value();
    if (p.key() == "kplab.experiment") m.experiment_yaml = p.value();
  }

  std::map<std::string, std::vector<int64_t>> outputs;
  std::vector<std::string> names;
  for (const auto& vi : g.output()) {
    outputs[vi.name()] = onnx_export::declared_shape(vi);
    names.push_back("'" + vi.name() + "'");
  }
  const std::string found = names.empty() ? "no outputs" : "outputs " + join(names, ", ");
  if (!outputs.count("coords"))
    throw input_error(path, "outputs", "an output named 'coords' (1xKx2 pixels, from kplab export)", found);
  if (!outputs.count("visibility"))
    throw input_error(path, "outputs", "an output named 'visibility' (1xK probabilities, from kplab export)", found);
  const auto& c = outputs["coords"];
  if (c.size() != 3 || c[0] != 1 || c[1] <= 0 || c[2] != 2)
    throw input_error(path, "output 'coords'", "shape 1xKx2", onnx_export::shape_text(c));
  m.keypoints = static_cast<int>(c[1]);
  const auto& v = outputs["visibility"];
  if (v.size() != 2 || v[0] != 1 || v[1] != c[1])
    throw input_error(path, "output 'visibility'", str("shape 1x", c[1]), onnx_export::shape_text(v));
  if (outputs.count("heatmaps")) {
    const auto& h = outputs["heatmaps"];
    if (h.size() != 4 || h[0] != 1 || h[1] != c[1] || h[2] <= 0 || h[2] != h[3] || m.size % h[2] != 0)
      throw input_error(path, "output 'heatmaps'", str("shape 1x", c[1], "xHxH with H dividing ", m.size),
                        onnx_export::shape_text(h));
    m.heatmap = static_cast<int>(h[2]);
  }
  return m;
}

void choose_decoder(OnnxModel& m, const std::string& decoder) {
  if (decoder == "auto") {
    m.decoder = m.heatmap > 0 ? "heatmap" : "regression";
  } else if (decoder == "heatmap") {
    if (m.heatmap == 0)
      throw input_error(m.path, "outputs", "a 'heatmaps' output for --decoder heatmap (kplab export --with-heatmap)",
                        "none");
    m.decoder = decoder;
  } else if (decoder == "regression") {
    m.decoder = decoder;
  } else {
    throw input_error("--decoder", "value", "auto, heatmap or regression", "'" + decoder + "'");
  }
}


}  // namespace kplab
