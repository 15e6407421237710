// An ablation file: variants of one base experiment trained and evaluated on
// the same data and budget. Each variant is the base with `set` overrides
// (the `--set` syntax of kplab train), or another experiment file; `set` at
// the top level applies to every variant first (the shared budget).
//
//   name: reference
//   base: blazepose_reference.yaml        # relative to this file
//   set: [phases.0.epochs=50]             # every variant
//   eval: {split: test, decoder: regression}
//   bench: {threads: 2, warmup: 10, repeats: 50}
//   variants:
//     - {name: base}
//     - {name: cbam, set: [model.name=blazepose_cbam]}
//     - {name: mine, experiment: my_model.yaml}
#pragma once

#include <string>
#include <vector>

namespace kplab {

struct AblationVariant {
  std::string name;                  // a folder name: letters, digits, '_', '-', '.'
  std::string experiment;            // the experiment file (the base unless given)
  std::vector<std::string> overrides;  // shared `set` first, then the variant's
};

struct AblationSpec {
  std::string path;
  std::string name;
  std::string eval_split = "test";
  std::string eval_decoder = "regression";
  int bench_threads = 2, bench_warmup = 10, bench_repeats = 50;
  std::vector<AblationVariant> variants;
};

// Reads and validates the file: unknown keys, duplicate or unsafe variant
// names, a variant with both `experiment` and no base, fail naming the file
// and key. `extra_overrides` (kplab ablate --set) go after the shared ones.
AblationSpec load_ablation(const std::string& path, const std::vector<std::string>& extra_overrides = {});

// Keeps only the variants named, in the file's order (kplab ablate
// --variants: e.g. the top rows again with another seed); an empty list keeps
// all. A name not in the file fails, listing the file's variants.
void select_variants(AblationSpec& spec, const std::vector<std::string>& names);

}  // namespace kplab
