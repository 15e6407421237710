// Training the posture classifier: full-batch Adam on binary cross-entropy
// with logits plus an L2 penalty on the weights (not the biases), a fixed
// number of epochs, on the CPU from a seed, so the same table and options
// give the same model. Cross-validation is stratified k-fold over files:
// the rows of one source (a video's frames, several people in one image)
// stay in one fold, as frames of one clip in both training and test would
// flatter the scores.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "classify/classifier_metrics.h"
#include "classify/classifier_model.h"

namespace kplab::classify {

struct TrainOptions {
  std::string kind = "logistic";  // logistic or mlp
  int hidden = 16;                // mlp's hidden width
  int epochs = 300;
  double lr = 0.05;   // Adam's learning rate
  double l2 = 1e-3;   // weight of sum(W^2) in the loss
  uint64_t seed = 0;  // initial weights and fold assignment
  int folds = 5;      // k of the cross-validation
};

// Throws kplab::Error naming the option for values out of range.
void check_train_options(const TrainOptions& o);

// Standardisation and layers fitted to all rows: x N x F raw features,
// y N of 0/1 (1 = the positive class).
ClassifierModel fit_classifier(const torch::Tensor& x, const torch::Tensor& y, const TrainOptions& o);

// The fold (0..k-1) of each row. Rows with the same group key (source and
// label) form one unit; each class's units are shuffled (seeded) and dealt
// round-robin, so every fold holds its share of each class. A class with
// fewer than k units throws naming `origin` and the class.
std::vector<int> stratified_folds(const std::vector<float>& y, const std::vector<std::string>& group, int k,
                                  uint64_t seed, const Classes& classes, const std::string& origin);

// Trains on all folds but one and scores the one left out, k times.
std::vector<BinaryMetrics> cross_validate(const torch::Tensor& x, const std::vector<float>& y,
                                          const std::vector<int>& fold, const TrainOptions& o);

}  // namespace kplab::classify
