#include "run/trained_model.h"

#include "data/split.h"
#include "eval/evaluate.h"
#include "train/trained_schema.h"

namespace kplab {

Schema trained_schema(const TrainedModel& tm) { return checkpoint_schema(tm.meta, tm.checkpoint); }

nlohmann::json evaluate_trained(TrainedModel& tm, const CacheData& cache, const std::string& data,
                                const TrainedEvalOptions& o) {
  tm.model->to(torch::Device(o.device));
  tm.model->set_memory_format(parse_memory_format("auto", torch::Device(o.device)));
  const Schema schema = trained_schema(tm);
  EvalOptions eo;
  eo.splits = {parse_split_name(o.split)};
  eo.decoder = o.decoder;
  eo.device = o.device;
  nlohmann::json j = evaluate(*tm.model, cache, schema, eo);
  j["split"] = o.split;
  j["checkpoint"] = tm.checkpoint;
  j["data"] = data;
  j["schema"] = schema.path;
  j["joints"] = schema.joints;
  return j;
}

}  // namespace kplab
