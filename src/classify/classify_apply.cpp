// kplab classify eval and predict: a saved classifier applied to a table.
// Features are recomputed with the model's own schema and min_visibility,
// so a table is read exactly as the training table was.
#include <map>
#include <sstream>

#include "classify/classify_run.h"
#include "core/csv_table.h"
#include "classify/posture_classifier.h"
#include "classify/posture_table.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_output.h"
#include "core/number_format.h"

namespace kplab::classify {

using nlohmann::json;

namespace {

std::vector<float> as_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

json model_summary(const PostureClassifier& clf, const std::string& dir) {
  return {{"dir", dir},
          {"kind", clf.saved().model.kind},
          {"schema", clf.schema().name},
          {"classes", clf.classes().names},
          {"positive", clf.classes().positive_name()},
          {"min_visibility", clf.saved().min_visibility}};
}

json contributions_json(const std::vector<Contribution>& top) {
  json out = json::array();
  for (const auto& c : top)
    out.push_back({{"name", c.name}, {"value", c.value}, {"logit", c.logit}, {"toward", c.toward}, {"text", c.text}});
  return out;
}

}  // namespace

RunOutput classify_eval(const ClassifyEvalOptions& o) {
  JsonOutput json_out(o.json);
  const PostureClassifier clf = PostureClassifier::load(o.model);
  PostureTable table = read_posture_table(o.keypoints, clf.schema(), o.split);
  attach_labels(table, o.labels);
  const std::vector<float> y = targets(table, clf.classes(), label_origin(o.labels, o.keypoints));
  const torch::Tensor p = clf.probabilities(clf.features().matrix(table.rows));
  const BinaryMetrics m = binary_metrics(y, as_vector(p));
  RunOutput out;
  out.json = {{"model", model_summary(clf, o.model)},
              {"keypoints", o.keypoints},
              {"split", o.split},
              {"metrics", metrics_json(m, clf.classes())}};
  out.text = str("classifier ", o.model, " (", clf.saved().model.kind, ") on ", o.keypoints, "\n",
                 metrics_text(m, clf.classes()));
  json_out.write(out.json);
  return out;
}

RunOutput classify_predict(const ClassifyPredictOptions& o) {
  if (o.out.empty()) throw input_error("--out", "file", "a verdicts CSV to write", "nothing");
  AtomicFile csv(o.out, o.force);  // a bad or existing path fails now
  JsonOutput json_out(o.json);
  const PostureClassifier clf = PostureClassifier::load(o.model);
  const PostureTable table = read_posture_table(o.keypoints, clf.schema(), o.split);
  std::ostringstream text;
  text << "source,frame,verdict,probability,explanation\n";
  json verdicts = json::array();
  std::map<std::string, int64_t> counts;
  for (const auto& c : clf.classes().names) counts[c] = 0;
  for (const auto& row : table.rows) {
    const Verdict v = clf.classify(row.points, row.visibility);
    ++counts[v.label];
    text << csv_cell(row.source) << ',' << row.frame << ',' << csv_cell(v.label) << ',' << fixed(v.probability, 4)
         << ',' << csv_cell(v.explanation) << '\n';
    verdicts.push_back({{"source", row.source},
                        {"frame", row.frame},
                        {"verdict", v.label},
                        {"probability", v.probability},
                        {"top", contributions_json(v.top)}});
  }
  RunOutput out;
  out.json = {{"model", model_summary(clf, o.model)},
              {"keypoints", o.keypoints},
              {"out", o.out},
              {"rows", static_cast<int64_t>(table.rows.size())},
              {"counts", counts},
              {"verdicts", verdicts}};
  json_out.stage(out.json);  // a full disk fails before verdicts.csv appears
  csv.commit_bytes(text.str());
  json_out.commit();
  out.text = str("wrote ", o.out, ": ", table.rows.size(), " rows, ");
  for (const auto& c : clf.classes().names) out.text += str(counts[c], " ", c, c == clf.classes().names[0] ? ", " : "");
  out.text += str(" (probability: of ", clf.classes().positive_name(), "; classifier ", o.model, ")\n");
  return out;
}

}  // namespace kplab::classify
