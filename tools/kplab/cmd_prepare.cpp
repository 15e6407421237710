// kplab prepare: raw dataset -> HDF5 cache (src/data/prepare.h).
#include <cstdio>
#include <cxxopts.hpp>

#include "core/error.h"
#include "data/prepare.h"
#include "json_output.h"
#include "verbs.h"

namespace kplab::cli {

namespace {
std::string joined_command(int argc, char** argv) {
  std::string s = "kplab prepare";
  for (int i = 1; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}
}  // namespace

int prepare(int argc, char** argv) {
  cxxopts::Options opts(argv[0],
                        "Read a raw pose dataset, validate it, crop each person (square, aspect kept) and write\n"
                        "the HDF5 cache with a recorded, seeded train/val/test split. Fails on bad input with one\n"
                        "line naming the file, field, expected and found values, and leaves no partial cache.\n");
  opts.add_options()
      ("format", "lsp | yolo | coco | synthetic", cxxopts::value<std::string>())
      ("root", "dataset: LSP folder (joints.mat), YOLO data.yaml or its folder, COCO json or its folder", cxxopts::value<std::string>()->default_value(""))
      ("schema", "schema of the cache (datasets/lsp.yaml, ...)", cxxopts::value<std::string>())
      ("from-schema", "the dataset's own schema when its joints differ (uses its mapping to --schema)", cxxopts::value<std::string>()->default_value(""))
      ("images", "COCO: folder of the images (default: beside the json)", cxxopts::value<std::string>()->default_value(""))
      ("out", "cache file to write (.h5)", cxxopts::value<std::string>())
      ("size", "crop side in pixels", cxxopts::value<int>()->default_value("256"))
      ("margin", "context added around the person box (fraction of its larger side)", cxxopts::value<float>()->default_value("0.25"))
      ("outlier-margin", "mask labeled joints further outside the image than this fraction of its size", cxxopts::value<float>()->default_value("0.1"))
      ("split", "train,val,test fractions or counts; NAME=A:B ranges; or 'source' (YOLO's own)", cxxopts::value<std::string>()->default_value("0.8,0.1,0.1"))
      ("seed", "split shuffle seed (and synthetic images)", cxxopts::value<uint64_t>()->default_value("0"))
      ("count", "synthetic: number of images", cxxopts::value<int>()->default_value("1000"))
      ("raw", "store raw uint8 crops instead of JPEG", cxxopts::value<bool>()->default_value("false"))
      ("jpeg-quality", "JPEG quality of stored crops", cxxopts::value<int>()->default_value("90"))
      ("threads", "decode threads (0 = all cores)", cxxopts::value<int>()->default_value("0"))
      ("force", "replace an existing cache", cxxopts::value<bool>()->default_value("false"))
      ("json", "also write the summary as JSON to this file", cxxopts::value<std::string>()->default_value(""))
      ("h,help", "show this help");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s\nexample:\n  kplab prepare --format lsp --root ../shared/datasets/lspet --schema datasets/lsp.yaml --out lspet.h5\n",
                opts.help().c_str());
    return 0;
  }
  for (const char* required : {"format", "schema", "out"})
    if (!r.count(required)) throw Error(str("missing --", required, " (see ", argv[0], " --help)"));

  PrepareOptions o;
  o.format = r["format"].as<std::string>();
  o.root = r["root"].as<std::string>();
  o.schema_path = r["schema"].as<std::string>();
  o.from_schema_path = r["from-schema"].as<std::string>();
  o.images_dir = r["images"].as<std::string>();
  o.out = r["out"].as<std::string>();
  o.size = r["size"].as<int>();
  o.margin = r["margin"].as<float>();
  o.outlier_margin = r["outlier-margin"].as<float>();
  o.split = r["split"].as<std::string>();
  o.seed = r["seed"].as<uint64_t>();
  o.synthetic_count = r["count"].as<int>();
  o.raw = r["raw"].as<bool>();
  o.jpeg_quality = r["jpeg-quality"].as<int>();
  o.threads = r["threads"].as<int>();
  o.force = r["force"].as<bool>();
  o.command = joined_command(argc, argv);
  JsonOutput json_out(r["json"].as<std::string>());

  o.before_commit = [&](const PrepareSummary& s) { json_out.stage(s.to_json()); };
  PrepareSummary summary = prepare(o);
  json_out.commit();
  std::printf("%s", summary.to_text().c_str());
  return 0;
}

}  // namespace kplab::cli
