// kplab lint-onnx: TFLite-compatibility report for any ONNX file
// (src/export/tflite_lint.h), after the ONNX checker.
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "export/onnx_graph.h"
#include "export/tflite_lint.h"
#include "core/json_output.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int lint_onnx(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "TFLite-compatibility report for an ONNX file: runs the ONNX checker, then flags operators\n"
                        "TFLite's converters cannot map to builtin ops (or map with a mismatch), dynamic shapes,\n"
                        "Clip with tensor bounds, non-constant or non-rank-4 Resize, strided convs with implicit\n"
                        "padding, other opsets and domains. One line per issue: node, op, reason.\n"
                        "Exit 0 when clean, 1 when any issue (or the checker fails), 2 on usage errors.\n");
  opts.add_options()
      ("file", "the ONNX file", cxxopts::value<std::string>())
      ("json", "also write the report as JSON to this file", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"file"});
  opts.positional_help("FILE.onnx");
  const auto parsed = parse_args(opts, argc, argv, {"kplab lint-onnx runs/exp1/model.onnx --json lint.json"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  if (!r.count("file")) {
    std::fprintf(stderr, "%s: missing FILE.onnx (see %s --help)\n", argv[0], argv[0]);
    return 2;
  }
  const std::string path = r["file"].as<std::string>();
  JsonOutput json_out(r["json"].as<std::string>());

  const auto model = onnx_export::load_model(path);  // kplab::Error naming the file -> exit 1
  std::string checker;
  try {
    onnx::checker::check_model(*model);
  } catch (const std::exception& e) {
    checker = one_line(e.what());
  }
  const auto issues = onnx_export::lint_tflite(*model);

  std::printf("%s: opset", path.c_str());
  for (const auto& o : model->opset_import())
    std::printf(" %s%s%lld", o.domain().empty() ? "" : o.domain().c_str(), o.domain().empty() ? "" : ":",
                static_cast<long long>(o.version()));
  std::printf(", %d nodes\n", model->graph().node_size());
  if (!checker.empty()) std::printf("checker: FAILED: %s\n", checker.c_str());
  for (const auto& i : issues) std::printf("%s\t%s\t%s\n", i.node.c_str(), i.op.c_str(), i.reason.c_str());
  const bool clean = checker.empty() && issues.empty();
  if (clean)
    std::printf("clean: checker passed, no TFLite issues\n");
  else
    std::printf("%zu issue%s%s\n", issues.size(), issues.size() == 1 ? "" : "s",
                checker.empty() ? ", checker passed" : ", checker failed");

  if (json_out.enabled()) {
    nlohmann::json j;
    j["file"] = path;
    j["checker"] = checker.empty() ? nlohmann::json("passed") : nlohmann::json(checker);
    j["issues"] = nlohmann::json::array();
    for (const auto& i : issues) j["issues"].push_back({{"node", i.node}, {"op", i.op}, {"reason", i.reason}});
    j["clean"] = clean;
    json_out.write(j);
  }
  return clean ? 0 : 1;
}

}  // namespace kplab::cli
