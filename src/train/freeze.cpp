#include "train/freeze.h"

#include <set>

#include "core/error.h"

namespace kplab {

namespace {

bool glob(const char* p, const char* s) {
  if (*p == 0) return *s == 0;
  if (*p == '*') return glob(p + 1, s) || (*s != 0 && glob(p, s + 1));
  return *s != 0 && *p == *s && glob(p + 1, s + 1);
}

}  // namespace

bool matches_pattern(const std::string& name, const std::string& pattern) {
  if (name == pattern) return true;
  if (name.size() > pattern.size() && name.compare(0, pattern.size(), pattern) == 0 && name[pattern.size()] == '.')
    return true;
  return pattern.find('*') != std::string::npos && glob(pattern.c_str(), name.c_str());
}

std::vector<torch::Tensor> set_trainable(torch::nn::Module& model, const std::vector<std::string>& patterns,
                                         const std::string& where) {
  auto params = model.named_parameters();
  std::set<std::string> groups;
  for (const auto& p : params) groups.insert(p.key().substr(0, p.key().find('.')));
  for (const auto& pattern : patterns) {
    bool any = false;
    for (const auto& p : params) any = any || matches_pattern(p.key(), pattern);
    if (!any) {
      std::string known;
      for (const auto& g : groups) known += (known.empty() ? "" : ", ") + g;
      throw Error(str(where, ": expected parameter-name patterns of this model (groups: ", known, "), found '",
                      pattern, "' which matches no parameter"));
    }
  }
  std::vector<torch::Tensor> trainable;
  for (auto& p : params) {
    bool on = false;
    for (const auto& pattern : patterns) on = on || matches_pattern(p.key(), pattern);
    p.value().set_requires_grad(on);
    if (on) trainable.push_back(p.value());
  }
  return trainable;
}

}  // namespace kplab
