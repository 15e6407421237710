// kplab schema-from-yolo: draft a schema file from a YOLO-pose data.yaml
// (src/data/schema_from_yolo.h), for the user to complete.
#include <cstdio>
#include <cxxopts.hpp>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/schema.h"
#include "data/schema_from_yolo.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int schema_from_yolo(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Draft a schema file from a YOLO-pose data.yaml: joints from kpt_names (or kp0..kp{K-1}),\n"
                        "flip pairs from flip_idx. Complete the skeleton and pck.torso it marks TODO, then use it\n"
                        "with kplab prepare --format yolo --schema FILE.\n");
  opts.add_options()
      ("data", "the dataset's data.yaml (or its folder)", cxxopts::value<std::string>())
      ("out", "schema file to write", cxxopts::value<std::string>())
      ("name", "the schema's name (default: the dataset folder's name)", cxxopts::value<std::string>()->default_value(""))
      ("force", "replace an existing --out", cxxopts::value<bool>()->default_value("false"))
      ("h,help", "show this help");
  opts.parse_positional({"data"});
  opts.positional_help("DATA.yaml");
  const auto parsed = parse_args(opts, argc, argv, {"kplab schema-from-yolo posture/data.yaml --out datasets/posture.yaml"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  require(r, "data", argv[0], "DATA.yaml");
  require(r, "out", argv[0]);
  const std::string data = r["data"].as<std::string>(), out = r["out"].as<std::string>();
  std::string name = r["name"].as<std::string>();
  if (name.empty()) {
    std::filesystem::path p = std::filesystem::absolute(data);
    name = (std::filesystem::is_directory(p) ? p : p.parent_path()).filename().string();
    if (name.empty()) name = "dataset";
  }
  AtomicFile file(out, r["force"].as<bool>());
  const std::string text = draft_schema_from_yolo(data, name);
  file.commit_bytes(text);
  const Schema s = load_schema(out);  // the draft loads as it is
  std::printf("wrote %s: schema %s, %zu joints, %zu flip pairs; complete its skeleton and pck.torso (marked TODO)\n",
              out.c_str(), s.name.c_str(), s.joints.size(), s.flip_pairs.size());
  return 0;
}

}  // namespace kplab::cli
