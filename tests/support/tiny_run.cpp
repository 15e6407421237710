#include "support/tiny_run.h"

#include "support/cli_run.h"

#include <filesystem>
#include <fstream>

#include "data/prepare.h"
#include "models/registry.h"
#include "train/experiment.h"
#include "train/trainer.h"

namespace kplab::test {

namespace fs = std::filesystem;

namespace {

struct Built {
  TempDir dir;
  TinyRun run;

  Built() {
    PrepareOptions o;
    o.format = "synthetic";
    o.synthetic_count = 24;
    o.size = 64;
    o.split = "0.5,0.25,0.25";  // six people in the test split: three best, three worst
    o.schema_path = source_dir() + "/datasets/lsp.yaml";
    o.out = run.cache = dir.file("tiny.h5");
    o.progress = false;
    prepare(o);
    run.experiment = dir.file("tiny.yaml");
    std::ofstream(run.experiment)
        << "seed: 3\n"
           "model: {name: blazepose_lite, options: {input_size: 64}}\n"
           "data: {cache: " << run.cache << ", schema: " << o.schema_path << ", workers: 1}\n"
           "phases:\n"
           "  - {name: heatmap, epochs: 1, trainable: [backbone, heatmap], batch_size: 4,\n"
           "     loss: {heatmap: 1, coords: 0, visibility: 0}, optimizer: {type: adam, lr: 0.001}}\n"
           "  - {name: regression, epochs: 1, trainable: [regression], batch_size: 4,\n"
           "     loss: {heatmap: 0, coords: 1, visibility: 1}, optimizer: {type: adam, lr: 0.001}}\n"
           "eval: {alphas: [0.2, 0.5]}\n";
    TrainOptions t;
    t.run_dir = run.run = dir.file("run");
    t.progress = false;
    t.command = "kplab train " + run.experiment + " --out " + run.run;
    train(load_experiment(run.experiment), t, model_registry());
  }
};

}  // namespace

const TinyRun& tiny_run() {
  static Built b;
  return b.run;
}

std::string copy_tiny_run(const TempDir& dir, const std::string& name) {
  const std::string to = dir.file(name);
  fs::create_directories(fs::path(to).parent_path());
  fs::copy(tiny_run().run, to, fs::copy_options::recursive);
  fs::remove(fs::path(to) / "report.html");
  return to;
}

}  // namespace kplab::test
