#include "run/trained_model.h"

#include "data/split.h"
#include "train/trained_schema.h"

namespace kplab {

Schema trained_schema(const TrainedModel& tm) { return checkpoint_schema(tm.meta, tm.checkpoint); }

EvalOptions eval_options(const TrainedEvalOptions& o) {
  EvalOptions eo;
  eo.splits = {parse_split_name(o.split)};
  eo.decoder = o.decoder;
  eo.device = o.device;
  eo.flip_test = o.flip_test;
  return eo;
}

void add_run_fields(nlohmann::json& j, const TrainedModel& tm, const std::string& data, const Schema& schema,
                    const std::string& split) {
  j["split"] = split;
  j["checkpoint"] = tm.checkpoint;
  j["data"] = data;
  j["schema"] = schema.path;
  j["joints"] = schema.joints;
}

nlohmann::json evaluate_trained(TrainedModel& tm, const CacheData& cache, const std::string& data,
                                const TrainedEvalOptions& o) {
  tm.model->to(torch::Device(o.device));
  tm.model->set_memory_format(parse_memory_format("auto", torch::Device(o.device)));
  const Schema schema = trained_schema(tm);
  nlohmann::json j = evaluate(*tm.model, cache, schema, eval_options(o));
  add_run_fields(j, tm, data, schema, o.split);
  return j;
}

}  // namespace kplab
