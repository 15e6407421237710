// kplab classify train|eval|predict: a good/bad posture classifier on a
// person's keypoints (src/classify/). This file parses and prints only.
#include <cstdio>
#include <cstring>
#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "classify/classify_run.h"
#include "core/error.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

using classify::LabelOptions;

void add_split_option(cxxopts::Options& opts, std::string& split) {
  opts.add_options()("split", "only the rows whose split column is this (truth.csv: train, val, test)",
                     cxxopts::value<std::string>(split)->default_value(""));
}

void add_label_options(cxxopts::Options& opts, LabelOptions& labels) {
  opts.add_options()
      ("labels", "labels from FILE.csv (columns source,label), joined by file name; default: the table's label column",
       cxxopts::value<std::string>(labels.file)->default_value(""))
      ("labels-from-folders", "label each row by the folder its source is in (good/a.jpg -> good)",
       cxxopts::value<bool>(labels.from_folders)->default_value("false"));
}

const char* const kTableHelp =
    "The table: a CSV with source and JOINT_x,JOINT_y,JOINT_v for every joint of the schema (kplab predict's\n"
    "keypoints.csv, kplab's synthetic truth.csv); other columns are ignored. Exactly two classes; the positive\n"
    "one (probability, precision, recall) is 'bad' when present, else the second in sorted order.\n";

int train_verb(int argc, char** argv) {
  classify::ClassifyTrainOptions o;
  cxxopts::Options opts(argv[0], std::string("Train a good/bad posture classifier on keypoints: features in torso lengths, facing +x,\n"
                        "plus the posture measures; stratified k-fold cross-validation, then a fit on every row.\n"
                        "Writes OUT/classifier.json and OUT/classifier.onnx (input features N x F raw, output probability).\n") + kTableHelp);
  opts.add_options()
      ("keypoints", "the table (CSV)", cxxopts::value<std::string>(o.keypoints))
      ("schema", "the table's schema file (datasets/*.yaml)", cxxopts::value<std::string>(o.schema))
      ("out", "classifier folder to create", cxxopts::value<std::string>(o.out))
      ("model", "logistic or mlp", cxxopts::value<std::string>(o.train.kind)->default_value("logistic"))
      ("hidden", "mlp: hidden width", cxxopts::value<int>(o.train.hidden)->default_value("16"))
      ("epochs", "full-batch Adam steps", cxxopts::value<int>(o.train.epochs)->default_value("300"))
      ("lr", "Adam learning rate", cxxopts::value<double>(o.train.lr)->default_value("0.05"))
      ("l2", "L2 penalty on the weights", cxxopts::value<double>(o.train.l2)->default_value("0.001"))
      ("folds", "k of the stratified k-fold cross-validation", cxxopts::value<int>(o.train.folds)->default_value("5"))
      ("seed", "initial weights and folds", cxxopts::value<uint64_t>(o.train.seed)->default_value("0"))
      ("min-visibility", "joints below this visibility count as not seen",
       cxxopts::value<double>(o.min_visibility)->default_value("0.3"))
      ("tflite", "also write classifier.tflite (onnx2tf, proven in LiteRT against LibTorch)",
       cxxopts::value<bool>(o.tflite)->default_value("false"))
      ("force", "replace an existing --out", cxxopts::value<bool>(o.force)->default_value("false"))
      ("json", "write the results as JSON here", cxxopts::value<std::string>(o.json)->default_value(""));
  add_split_option(opts, o.split);
  add_label_options(opts, o.labels);
  opts.add_options()("h,help", "show this help");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab classify train --keypoints side_yolo/truth.csv --split train --schema datasets/posture_side.yaml --out runs/posture_clf",
                                  "kplab classify train --keypoints keypoints.csv --labels-from-folders --schema datasets/posture_side.yaml "
                                  "--model mlp --out runs/posture_mlp"});
  if (!parsed) return 0;
  for (const char* k : {"keypoints", "schema", "out"}) require(*parsed, k, argv[0]);
  o.command = command_line("classify train", argc, argv);
  std::printf("%s", classify::classify_train(o).text.c_str());
  return 0;
}

int eval_verb(int argc, char** argv) {
  classify::ClassifyEvalOptions o;
  cxxopts::Options opts(argv[0], std::string("Score a trained posture classifier on a labelled table: accuracy, precision, recall,\n"
                        "F1 of the positive class, the confusion matrix.\n") + kTableHelp);
  opts.add_options()
      ("dir", "classifier folder (kplab classify train --out)", cxxopts::value<std::string>(o.model))
      ("keypoints", "the labelled table (CSV)", cxxopts::value<std::string>(o.keypoints))
      ("json", "write the results as JSON here", cxxopts::value<std::string>(o.json)->default_value(""));
  add_split_option(opts, o.split);
  add_label_options(opts, o.labels);
  opts.add_options()("h,help", "show this help");
  opts.parse_positional({"dir"});
  opts.positional_help("DIR");
  const auto parsed = parse_args(opts, argc, argv, {"kplab classify eval runs/posture_clf --keypoints side_yolo/truth.csv --split test --json eval.json"});
  if (!parsed) return 0;
  require(*parsed, "dir", argv[0], "DIR");
  require(*parsed, "keypoints", argv[0]);
  std::printf("%s", classify::classify_eval(o).text.c_str());
  return 0;
}

int predict_verb(int argc, char** argv) {
  classify::ClassifyPredictOptions o;
  cxxopts::Options opts(argv[0], std::string("Classify every row of a keypoints table: verdict, probability of the positive class and\n"
                        "the three features that pushed it most, in words. Writes a CSV: source,frame,verdict,probability,explanation.\n") +
                        kTableHelp);
  opts.add_options()
      ("dir", "classifier folder (kplab classify train --out)", cxxopts::value<std::string>(o.model))
      ("keypoints", "the table (CSV); labels, if any, are ignored", cxxopts::value<std::string>(o.keypoints))
      ("out", "verdicts CSV to write", cxxopts::value<std::string>(o.out))
      ("force", "replace an existing --out", cxxopts::value<bool>(o.force)->default_value("false"))
      ("json", "write the verdicts as JSON here", cxxopts::value<std::string>(o.json)->default_value(""));
  add_split_option(opts, o.split);
  opts.add_options()("h,help", "show this help");
  opts.parse_positional({"dir"});
  opts.positional_help("DIR");
  const auto parsed = parse_args(opts, argc, argv,
                                 {"kplab classify predict runs/posture_clf --keypoints out/keypoints.csv --out verdicts.csv"});
  if (!parsed) return 0;
  require(*parsed, "dir", argv[0], "DIR");
  for (const char* k : {"keypoints", "out"}) require(*parsed, k, argv[0]);
  std::printf("%s", classify::classify_predict(o).text.c_str());
  return 0;
}

void usage(FILE* out, const char* argv0) {
  std::fprintf(out,
               "usage: %s train|eval|predict [options]   (%s SUBVERB --help for each)\n"
               "  train    fit a good/bad posture classifier on a keypoints table, with k-fold cross-validation\n"
               "  eval     accuracy, precision, recall, F1 and the confusion matrix on a labelled table\n"
               "  predict  a verdict, probability and explanation per row\n",
               argv0, argv0);
}

}  // namespace

int classify(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout, argv[0]);
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  int (*run)(int, char**) = sub == "train" ? train_verb : sub == "eval" ? eval_verb : sub == "predict" ? predict_verb : nullptr;
  if (!run) {
    std::fprintf(stderr, "%s: unknown subverb '%s'\n", argv[0], sub.c_str());
    usage(stderr, argv[0]);
    return 2;
  }
  std::string prog = std::string(argv[0]) + " " + sub;
  std::vector<char*> args = {prog.data()};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  return run(static_cast<int>(args.size()), args.data());
}

}  // namespace kplab::cli
