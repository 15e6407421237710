// A name -> builder table. The library owns the type; models/ fills one
// instance in a single explicit register_models() (no static
// self-registration: the linker can silently drop such objects from static
// libraries). An unknown name fails and lists the known ones.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace kplab {

template <typename Builder>
class Registry {
 public:
  explicit Registry(std::string what) : what_(std::move(what)) {}

  void add(const std::string& name, Builder builder) {
    KP_CHECK(!table_.count(name), "internal: ", what_, " '", name, "' registered twice");
    table_.emplace(name, std::move(builder));
  }

  const Builder& get(const std::string& name) const {
    auto it = table_.find(name);
    if (it == table_.end()) {
      std::string known;
      for (const auto& kv : table_) known += (known.empty() ? "" : ", ") + kv.first;
      throw Error(str("unknown ", what_, " '", name, "'; known: ", known.empty() ? "none yet" : known));
    }
    return it->second;
  }

  bool contains(const std::string& name) const { return table_.count(name) > 0; }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& kv : table_) out.push_back(kv.first);
    return out;
  }

 private:
  std::string what_;
  std::map<std::string, Builder> table_;
};

}  // namespace kplab
