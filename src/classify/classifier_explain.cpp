#include "classify/classifier_explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/error.h"

namespace kplab::classify {

namespace {

struct Group {
  std::string name;
  std::vector<int64_t> features;
};

// Groups in first-seen order (the schema's joints, then the measures).
std::vector<Group> group_features(const std::vector<std::string>& groups) {
  std::vector<Group> out;
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < groups.size(); ++i) {
    auto [it, fresh] = at.emplace(groups[i], out.size());
    if (fresh) out.push_back({groups[i], {}});
    out[it->second].features.push_back(static_cast<int64_t>(i));
  }
  return out;
}

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The group's raw value in words: a measure's value, a joint's position.
std::string value_text(const Group& g, const std::vector<std::string>& names, const std::vector<float>& x) {
  std::map<std::string, float> v;
  for (int64_t i : g.features) v[names[static_cast<size_t>(i)].substr(g.name.size())] = x[static_cast<size_t>(i)];
  if (v.count("_seen"))
    return v["_seen"] > 0.5f ? "(" + number(v["_x"], 2) + ", " + number(v["_y"], 2) + ")" : "not seen";
  if (v.count("_available") && v["_available"] < 0.5f) return "n/a";
  // Degrees read well with one decimal; fractions of the torso need two.
  return v.count("") ? number(v[""], std::abs(v[""]) < 10 ? 2 : 1) : "?";
}

// Change of the logit per group: exact terms (logistic) or occlusion (mlp).
std::vector<double> group_logits(const ClassifierModel& m, const std::vector<Group>& groups, const torch::Tensor& z) {
  std::vector<double> out;
  if (m.kind == "logistic") {
    const torch::Tensor terms = (m.layers[0].weight.reshape({-1}) * z.reshape({-1})).to(torch::kFloat64);
    for (const auto& g : groups) out.push_back(terms.index_select(0, torch::tensor(g.features)).sum().item<double>());
    return out;
  }
  // One batch: row 0 the person, row 1 + g the person with group g at the training mean.
  torch::Tensor batch = z.reshape({1, -1}).repeat({static_cast<int64_t>(groups.size()) + 1, 1});
  for (size_t g = 0; g < groups.size(); ++g)
    batch[static_cast<int64_t>(g) + 1].index_fill_(0, torch::tensor(groups[g].features), 0.f);
  const torch::Tensor logits = m.logits_from_z(batch).to(torch::kFloat64);
  for (size_t g = 0; g < groups.size(); ++g)
    out.push_back(logits[0].item<double>() - logits[static_cast<int64_t>(g) + 1].item<double>());
  return out;
}

}  // namespace

std::vector<Contribution> explain(const ClassifierModel& m, const std::vector<std::string>& names,
                                  const std::vector<std::string>& groups, const std::vector<float>& x,
                                  const Classes& classes, int top) {
  KP_CHECK(names.size() == x.size() && groups.size() == x.size() && m.num_features() == static_cast<int>(x.size()),
           "classifier explanation: ", x.size(), " features for a model of ", m.num_features());
  torch::NoGradGuard no_grad;
  const torch::Tensor z = m.standardise(torch::tensor(x, torch::kFloat32).reshape({1, -1}));
  const auto grouped = group_features(groups);
  const auto logits = group_logits(m, grouped, z);
  std::vector<Contribution> out;
  for (size_t g = 0; g < grouped.size(); ++g) {
    Contribution c;
    c.name = grouped[g].name;
    c.value = value_text(grouped[g], names, x);
    c.logit = logits[g];
    c.toward = c.logit >= 0 ? classes.positive_name() : classes.negative_name();
    c.text = c.name + (c.value == "not seen" ? " " : "=") + c.value + " pushes toward " + c.toward + " (" +
             (c.logit >= 0 ? "+" : "") + number(c.logit, 2) + ")";
    out.push_back(c);
  }
  // Stable: equal pushes keep the schema's order, so explanations are reproducible.
  std::stable_sort(out.begin(), out.end(),
                   [](const Contribution& a, const Contribution& b) { return std::abs(a.logit) > std::abs(b.logit); });
  if (top > 0 && out.size() > static_cast<size_t>(top)) out.resize(static_cast<size_t>(top));
  return out;
}

std::string explanation_sentence(const std::vector<Contribution>& top) {
  std::string s;
  for (const auto& c : top) s += (s.empty() ? "" : "; ") + c.text;
  return s;
}

}  // namespace kplab::classify
