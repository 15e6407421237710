// kplab prepare: raw dataset -> HDF5 cache (src/data/prepare.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "data/prepare.h"
#include "core/json_output.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int prepare(int argc, char** argv) {
  PrepareOptions o;  // each option is read into its field
  cxxopts::Options opts(argv[0],
                        "Read a raw pose dataset, validate it, crop each person (square, aspect kept) and write\n"
                        "the HDF5 cache with a recorded, seeded train/val/test split. Fails on bad input with one\n"
                        "line naming the file, field, expected and found values, and leaves no partial cache.\n");
  opts.add_options()
      ("format", "lsp | yolo | coco | synthetic | synthetic_side", cxxopts::value<std::string>(o.format))
      ("root", "dataset: LSP folder (joints.mat), YOLO data.yaml or its folder, COCO json or its folder", cxxopts::value<std::string>(o.root)->default_value(""))
      ("schema", "schema of the cache (datasets/lsp.yaml, ...)", cxxopts::value<std::string>(o.schema_path))
      ("from-schema", "the dataset's own schema when its joints differ (uses its mapping to --schema)", cxxopts::value<std::string>(o.from_schema_path)->default_value(""))
      ("images", "COCO: folder of the images (default: beside the json)", cxxopts::value<std::string>(o.images_dir)->default_value(""))
      ("out", "cache file to write (.h5)", cxxopts::value<std::string>(o.out))
      ("size", "crop side in pixels", cxxopts::value<int>(o.size)->default_value("256"))
      ("margin", "context added around the person box (fraction of its larger side)", cxxopts::value<float>(o.margin)->default_value("0.25"))
      ("outlier-margin", "mask labeled joints further outside the image than this fraction of its size", cxxopts::value<float>(o.outlier_margin)->default_value("0.1"))
      ("split", "train,val,test fractions or counts; NAME=A:B ranges; or 'source' (YOLO's own)", cxxopts::value<std::string>(o.split)->default_value("0.8,0.1,0.1"))
      ("seed", "split shuffle seed (and synthetic images)", cxxopts::value<uint64_t>(o.seed)->default_value("0"))
      ("count", "synthetic: number of images", cxxopts::value<int>(o.synthetic_count)->default_value("1000"))
      ("raw", "store raw uint8 crops instead of JPEG", cxxopts::value<bool>(o.raw)->default_value("false"))
      ("jpeg-quality", "JPEG quality of stored crops", cxxopts::value<int>(o.jpeg_quality)->default_value("90"))
      ("threads", "decode threads (0 = all cores)", cxxopts::value<int>(o.threads)->default_value("0"))
      ("force", "replace an existing cache", cxxopts::value<bool>(o.force)->default_value("false"))
      ("json", "also write the summary as JSON to this file", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  const auto parsed = parse_args(
      opts, argc, argv, {"kplab prepare --format lsp --root ../shared/datasets/lspet --schema datasets/lsp.yaml --out lspet.h5"});
  if (!parsed) return 0;
  const cxxopts::ParseResult& r = *parsed;
  for (const char* required : {"format", "schema", "out"}) require(r, required, argv[0]);

  o.command = unquoted_command_line("prepare", argc, argv);
  JsonOutput json_out(r["json"].as<std::string>());

  o.before_commit = [&](const PrepareSummary& s) { json_out.stage(s.to_json()); };
  PrepareSummary summary = prepare(o);
  json_out.commit();
  std::printf("%s", summary.to_text().c_str());
  return 0;
}

}  // namespace kplab::cli
