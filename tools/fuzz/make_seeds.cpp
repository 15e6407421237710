// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/seed-*)
// from the test fixtures (tests/support/dataset_fixtures.h), the shipped
// schema and experiment files, a tiny cache and tiny checkpoints. Built as
// fuzz_make_seeds in the KPLAB_FUZZ build; tools/fuzz.sh seeds runs it.
//   fuzz_make_seeds SOURCE_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "data/cache.h"
#include "fuzz/fuzz_targets.h"
#include "models/registry.h"
#include "support/dataset_fixtures.h"
#include "support/temp_dir.h"
#include "train/checkpoint.h"

namespace fs = std::filesystem;
using namespace kplab;
using namespace kplab::test;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void seed(const fs::path& corpus, const std::string& target, const std::string& name, const std::string& bytes) {
  fs::path p = corpus / target / ("seed-" + name);
  write_file(p.string(), bytes);
  std::printf("%-60s %6zu bytes\n", p.string().c_str(), bytes.size());
}

std::string yaml_text(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

CacheData tiny_cache(const std::string& encoding) {
  CacheData d;
  const int n = 2, k = 2;
  d.image_size = 8;
  d.num_joints = k;
  d.encoding = encoding;
  d.schema = "tiny";
  d.joint_names = {"a", "b"};
  d.command = "fuzz_make_seeds";
  d.seed = 7;
  for (int i = 0; i < n; ++i) {
    if (encoding == "jpeg") {
      std::vector<uint8_t> buf;
      cv::imencode(".jpg", cv::Mat(8, 8, CV_8UC3, cv::Scalar(10 * i, 100, 200)), buf);
      d.jpeg.push_back(buf);
    }
    d.source.push_back("im" + std::to_string(i) + ".jpg");
    d.image_id.push_back(i);
    d.split.push_back(static_cast<uint8_t>(i));
    for (int j = 0; j < k; ++j) {
      d.keypoints.push_back(1.f + j);
      d.keypoints.push_back(2.f + j);
      d.visible.push_back(1);
      d.occluded.push_back(static_cast<uint8_t>(j));
    }
    for (int c = 0; c < 6; ++c) d.crop.push_back(c == 0 || c == 4 ? 1.f : 0.f);
  }
  if (encoding == "raw") d.raw.assign(static_cast<size_t>(n) * 8 * 8 * 3, 128);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds SOURCE_DIR\n");
    return 2;
  }
  const fs::path src = argv[1];
  const fs::path corpus = src / "tests" / "fuzz" / "corpus";
  TempDir tmp;

  // mat: LSP (3x14xN) and LSPET (14x3xN) joints.mat files, and a one-image file.
  write_lsp_mat(tmp.file("lsp.mat"), "lsp", {lsp_person(0), lsp_person(1, 2)});
  seed(corpus, "mat", "lsp.mat", read_file(tmp.file("lsp.mat")));
  write_lsp_mat(tmp.file("lspet.mat"), "lspet", {lsp_person(1), lsp_person(0, 1), lsp_person(1, 3)});
  seed(corpus, "mat", "lspet.mat", read_file(tmp.file("lspet.mat")));
  write_lsp_mat(tmp.file("one.mat"), "lspet", {lsp_person(1)});
  seed(corpus, "mat", "lspet-one.mat", read_file(tmp.file("one.mat")));

  // yolo: data.yaml, separator, label file (K = 2, as the target reads it).
  const std::string sep = fuzz::kPartSeparator;
  seed(corpus, "yolo", "xyv.txt",
       yolo_yaml(2, 3, "flip_idx: [1, 0]\ntest: images/test\n") + sep + yolo_label_line(yolo_person(2)) + "\n" +
           yolo_label_line(yolo_person(2, 1)) + "\n");
  YoloPerson xy = yolo_person(2);
  xy.kpts[1] = {0, 0, 0};
  seed(corpus, "yolo", "xy.txt",
       "path: .\n" + yolo_yaml(2, 2) + sep + yolo_label_line(xy, 2) + "\n");
  seed(corpus, "yolo", "list-splits.txt",
       "train: [images/train, images/val]\nval: images/val\nkpt_shape: [2, 3]\nnames: {0: person, 1: ball}\n" + sep +
           "1 0.5 0.5 0.2 0.2 0.1 0.1 2 0.9 0.9 1\n");

  // coco: with and without categories, string ids, crowd, bbox, images/ folder.
  nlohmann::json j = coco_json({{1, "a.jpg"}, {2, "b.jpg"}, {3, "c.jpg"}},
                               {CocoPerson(1, coco_keypoints(3), 0, {1, 2, 30, 40}), CocoPerson(2, coco_keypoints(3, 1)),
                                CocoPerson(3, coco_keypoints(3, 0)), CocoPerson(3, coco_keypoints(3), 1)},
                               3);
  seed(corpus, "coco", "categories.json", j.dump(1));
  nlohmann::json nocat = coco_json({{5, "c.jpg"}}, {CocoPerson(5, coco_keypoints(2), 0, {0, 0, 10, 10})}, 2, false);
  nocat["images"][0]["id"] = "five";
  nocat["annotations"][0]["image_id"] = "five";
  seed(corpus, "coco", "string-ids.json", nocat.dump());

  // yaml: the shipped schemas and experiments (without base: chains), one with overrides.
  for (const char* f : {"datasets/lsp.yaml", "datasets/coco.yaml", "experiments/quick_synthetic.yaml",
                        "experiments/bench_train.yaml"})
    seed(corpus, "yaml", fs::path(f).filename().string(), read_file(src / f));
  seed(corpus, "yaml", "overrides.yaml",
       read_file(src / "experiments/bench_train.yaml") + sep +
           "phases.0.epochs=3\nseed=5\ndata.augmentation={}\nphases.0.optimizer.lr=0.5\n");

  // cache: a tiny cache, JPEG and raw.
  for (const char* enc : {"jpeg", "raw"}) {
    write_cache(tmp.file("cache.h5"), tiny_cache(enc));
    seed(corpus, "cache", std::string(enc) + ".h5", read_file(tmp.file("cache.h5")));
  }

  // checkpoint: the tiny model of fuzz_checkpoint with its Adam state after one
  // step, and a metadata-only checkpoint of a model without weights.
  torch::manual_seed(0);
  PoseModel model = create_model(
      "blazepose_lite",
      YAML::Load("{input_size: 64, num_keypoints: 2, stem: 4, widths: [4, 4, 4, 4], depths: [1, 1, 1, 1], "
                 "decoder: 4, head: 4, regression_depths: [1, 1, 1], tail_depths: [1]}"));
  torch::optim::Adam adam({model->parameters().front()}, torch::optim::AdamOptions(1e-3));
  model->parameters().front().mutable_grad() = torch::full_like(model->parameters().front(), 0.01);
  adam.step();
  Checkpoint c;
  c.progress.phase = 1;
  c.progress.epoch = 2;
  c.progress.batch = 3;
  c.progress.step = 4;
  c.progress.best_metric = 0.5;
  c.config = "seed: 0\nmodel: blazepose_lite\n";
  c.model = yaml_text(model->describe());
  c.progress.metrics_csv = "phase,epoch,loss\n0,0,1.5\n";
  c.progress.augment_rng = torch::zeros({16}, torch::kUInt8);
  c.progress.epoch_sums = torch::zeros({6}, torch::kFloat64);
  save_checkpoint(tmp.file("last.pt"), c, *model, &adam);
  seed(corpus, "checkpoint", "last.pt", read_file(tmp.file("last.pt")));
  save_checkpoint(tmp.file("meta.pt"), c, torch::nn::Module(), nullptr);
  seed(corpus, "checkpoint", "meta.pt", read_file(tmp.file("meta.pt")));
  return 0;
}
