#include "classify/classifier_training.h"

#include <ATen/Parallel.h>

#include <map>
#include <random>

#include "core/error.h"

namespace kplab::classify {

namespace {

// Training runs on one thread: the matrices are tiny (rows x ~50), so more
// threads only add OpenMP's busy-waiting (100x slower on a busy machine), and
// one thread makes the same seed give the same model on any number of cores.
struct OneThread {
  int saved = at::get_num_threads();
  OneThread() { at::set_num_threads(1); }
  ~OneThread() { at::set_num_threads(saved); }
};

}  // namespace

void check_train_options(const TrainOptions& o) {
  check_kind(o.kind, "--model", "value");
  if (o.kind == "mlp" && o.hidden < 1) throw input_error("--hidden", "value", "a width >= 1", str(o.hidden));
  if (o.epochs < 1) throw input_error("--epochs", "value", "a number >= 1", str(o.epochs));
  if (!(o.lr > 0)) throw input_error("--lr", "value", "a learning rate > 0", str(o.lr));
  if (!(o.l2 >= 0)) throw input_error("--l2", "value", "a weight >= 0", str(o.l2));
  if (o.folds < 2) throw input_error("--folds", "value", "a number >= 2", str(o.folds));
}

ClassifierModel fit_classifier(const torch::Tensor& x, const torch::Tensor& y, const TrainOptions& o) {
  OneThread one_thread;
  torch::AutoGradMode grad(true);
  ClassifierModel m;
  m.kind = o.kind;
  m.hidden = o.kind == "mlp" ? o.hidden : 0;
  fit_standardisation(x, m.mean, m.std);
  m.layers = init_layers(o.kind, static_cast<int>(x.size(1)), o.hidden, o.seed);
  std::vector<torch::Tensor> params;
  for (auto& l : m.layers) {
    params.push_back(l.weight.requires_grad_(true));
    params.push_back(l.bias.requires_grad_(true));
  }
  torch::optim::Adam opt(params, torch::optim::AdamOptions(o.lr));
  const torch::Tensor z = m.standardise(x), target = y.to(torch::kFloat32).reshape({-1});
  for (int e = 0; e < o.epochs; ++e) {
    opt.zero_grad();
    torch::Tensor loss = torch::binary_cross_entropy_with_logits(m.logits_from_z(z), target);
    for (const auto& l : m.layers) loss = loss + o.l2 * l.weight.pow(2).sum();
    loss.backward();
    opt.step();
  }
  for (auto& l : m.layers) {
    l.weight = l.weight.detach().clone();
    l.bias = l.bias.detach().clone();
    KP_CHECK(torch::isfinite(l.weight).all().item<bool>() && torch::isfinite(l.bias).all().item<bool>(),
             "--lr: training diverged (weights are not finite); try a smaller --lr than ", o.lr);
  }
  return m;
}

std::vector<int> stratified_folds(const std::vector<float>& y, const std::vector<std::string>& group, int k,
                                  uint64_t seed, const Classes& classes, const std::string& origin) {
  KP_CHECK(y.size() == group.size(), "stratified_folds: ", y.size(), " labels for ", group.size(), " groups");
  // Units per class, in first-seen order so the result depends on the table only.
  std::map<std::string, int> unit_of;
  std::vector<std::vector<int>> units_by_class(2);
  std::vector<int> unit(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    const int cls = y[i] > 0.5f ? 1 : 0;
    const std::string key = group[i] + (cls ? "\n1" : "\n0");
    auto [it, fresh] = unit_of.emplace(key, static_cast<int>(unit_of.size()));
    if (fresh) units_by_class[cls].push_back(it->second);
    unit[i] = it->second;
  }
  std::mt19937_64 rng(seed);
  std::vector<int> fold_of_unit(unit_of.size());
  size_t dealt = 0;  // continue the deal across classes so fold sizes stay even
  for (int cls = 0; cls < 2; ++cls) {
    auto& u = units_by_class[cls];
    const std::string& name = cls ? classes.positive_name() : classes.negative_name();
    if (u.size() < static_cast<size_t>(k))
      throw input_error(origin, "--folds",
                        str("at least ", k, " files of each class for ", k, "-fold cross-validation"),
                        str(u.size(), " of class '", name, "' (use --folds ", std::max<size_t>(2, u.size()), ")"));
    // Fisher-Yates by hand: std::shuffle's steps differ between standard libraries.
    for (size_t i = u.size() - 1; i > 0; --i) std::swap(u[i], u[rng() % (i + 1)]);
    for (int id : u) fold_of_unit[id] = static_cast<int>(dealt++ % static_cast<size_t>(k));
  }
  std::vector<int> fold(y.size());
  for (size_t i = 0; i < y.size(); ++i) fold[i] = fold_of_unit[unit[i]];
  return fold;
}

std::vector<BinaryMetrics> cross_validate(const torch::Tensor& x, const std::vector<float>& y,
                                          const std::vector<int>& fold, const TrainOptions& o) {
  OneThread one_thread;
  std::vector<BinaryMetrics> out;
  for (int f = 0; f < o.folds; ++f) {
    std::vector<int64_t> train, test;
    for (size_t i = 0; i < fold.size(); ++i) (fold[i] == f ? test : train).push_back(static_cast<int64_t>(i));
    KP_CHECK(!train.empty() && !test.empty(), "cross-validation: fold ", f, " is empty");
    auto pick = [](const std::vector<float>& v, const std::vector<int64_t>& idx) {
      std::vector<float> out;
      for (int64_t i : idx) out.push_back(v[static_cast<size_t>(i)]);
      return out;
    };
    const torch::Tensor tr = torch::tensor(train), te = torch::tensor(test);
    const std::vector<float> ytr = pick(y, train), yte = pick(y, test);
    const ClassifierModel m = fit_classifier(x.index_select(0, tr), torch::tensor(ytr), o);
    torch::NoGradGuard no_grad;
    const torch::Tensor p = m.probabilities(x.index_select(0, te)).contiguous();
    out.push_back(binary_metrics(yte, std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel())));
  }
  return out;
}

}  // namespace kplab::classify
