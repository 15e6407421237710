// kplab to-yolo: write a dataset kplab reads as an Ultralytics YOLO-pose set
// (src/data/yolo_export.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "data/yolo_export.h"
#include "core/json_output.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int to_yolo(int argc, char** argv) {
  YoloExportOptions o;  // each option is read into its field
  cxxopts::Options opts(argv[0],
                        "Write a dataset kplab reads (LSP/LSPET, COCO, YOLO-pose, synthetic), mapped into --schema's\n"
                        "joints, as an Ultralytics YOLO-pose set: images/{train,val,test}/, labels/ (class, box,\n"
                        "x y v per joint, normalised; v 2 visible, 1 occluded, 0 unlabelled) and data.yaml\n"
                        "(kpt_shape, flip_idx, kpt_names, names). synthetic_side (side-view posture people, schema\n"
                        "datasets/posture_side.yaml) is labelled good/bad and also writes truth.csv (true angles).\n"
                        "Splits are assigned as kplab prepare assigns them (same\n"
                        "--split and --seed, same people). --append adds another source to a set of the same schema.\n"
                        "A new set appears whole or not at all.\n");
  opts.add_options()
      ("format", "lsp | yolo | coco | synthetic | synthetic_side", cxxopts::value<std::string>(o.source.format))
      ("root", "dataset: LSP folder (joints.mat), YOLO data.yaml or its folder, COCO json or its folder",
       cxxopts::value<std::string>(o.source.root)->default_value(""))
      ("schema", "schema of the set (datasets/coco.yaml, ...)", cxxopts::value<std::string>(o.source.schema_path))
      ("from-schema", "the dataset's own schema when its joints differ (uses its mapping to --schema)",
       cxxopts::value<std::string>(o.source.from_schema_path)->default_value(""))
      ("images", "COCO: folder of the images (default: beside the json)", cxxopts::value<std::string>(o.source.images_dir)->default_value(""))
      ("out", "the set's folder", cxxopts::value<std::string>(o.out))
      ("split", "train,val,test fractions or counts; NAME=A:B ranges; or 'source'", cxxopts::value<std::string>(o.source.split)->default_value("0.8,0.1,0.1"))
      ("seed", "split shuffle seed (and synthetic images)", cxxopts::value<uint64_t>(o.source.seed)->default_value("0"))
      ("count", "synthetic: number of images", cxxopts::value<int>(o.source.synthetic_count)->default_value("1000"))
      ("outlier-margin", "mask labeled joints further outside the image than this fraction of its size",
       cxxopts::value<float>(o.source.outlier_margin)->default_value("0.1"))
      ("box-margin", "people without a box: their joints' extent grown by this fraction per side",
       cxxopts::value<float>(o.box_margin)->default_value("0.1"))
      ("prefix", "file name prefix of this source's images (default: the format)", cxxopts::value<std::string>(o.prefix)->default_value(""))
      ("append", "add to an existing set written in the same schema", cxxopts::value<bool>(o.append)->default_value("false"))
      ("force", "replace an existing set", cxxopts::value<bool>(o.force)->default_value("false"))
      ("json", "also write the summary as JSON to this file", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab to-yolo --format lsp --root ../shared/datasets/lspet --schema datasets/coco.yaml \\\n"
                                  "    --from-schema datasets/lsp.yaml --split 8000,500,500 --out runs/yolo_coco17"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  for (const char* required : {"format", "schema", "out"}) require(r, required, argv[0]);
  if (!(o.box_margin >= 0 && o.box_margin <= 2)) throw input_error("--box-margin", "margin", "0..2", std::to_string(o.box_margin));
  if (o.append && o.force) throw input_error("--append/--force", "flags", "one of them", "both");
  o.command = unquoted_command_line("to-yolo", argc, argv);
  JsonOutput json_out(r["json"].as<std::string>());
  o.before_commit = [&](const YoloExportSummary& s) { json_out.stage(s.to_json()); };
  const YoloExportSummary s = export_yolo(o);
  json_out.commit();
  std::printf("%s", s.to_text().c_str());
  return 0;
}

}  // namespace kplab::cli
