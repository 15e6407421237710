// kplab models: the registered model names (models/registry.cpp), one a line,
// so scripts loop over the registry instead of keeping their own list.
#include <cstdio>
#include <cxxopts.hpp>

#include "models/registry.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

int models(int argc, char** argv) {
  cxxopts::Options opts(argv[0], "List the registered models, one name a line (use them with --model or in experiment files).\n");
  opts.add_options()("h,help", "show this help");
  if (!parse_args(opts, argc, argv)) return 0;
  for (const auto& name : model_registry().names()) std::printf("%s\n", name.c_str());
  return 0;
}

}  // namespace kplab::cli
