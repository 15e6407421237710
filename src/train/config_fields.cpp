#include "train/config_fields.h"

#include "train/loss_terms.h"

namespace kplab {

namespace {

const std::function<bool(float)> in_0_180 = [](float v) { return v >= 0 && v <= 180; };
const std::function<bool(float)> positive_f = [](float v) { return v > 0; };

const char* warp_name(WarpBackend w) {
  switch (w) {
    case WarpBackend::Torch: return "torch";
    case WarpBackend::OpenCV: return "opencv";
    case WarpBackend::Auto: break;
  }
  return "auto";
}

ConfigField<AugmentOptions> warp_field() {
  return {"warp",
          [](const Reader& r, const YAML::Node& m, const std::string& w, AugmentOptions& a) {
            std::string warp = "auto";
            r.choice(m, "warp", w, warp, {"auto", "torch", "opencv"});
            a.warp = warp == "torch" ? WarpBackend::Torch : warp == "opencv" ? WarpBackend::OpenCV : WarpBackend::Auto;
          },
          [](const AugmentOptions& a, YAML::Node& out) { out["warp"] = warp_name(a.warp); }};
}

// `low` <= `high` (two members read before this check), blaming the key the file set.
ConfigField<AugmentOptions> ordered(const char* low, float AugmentOptions::*lo, const char* high,
                                    float AugmentOptions::*hi) {
  return check_field<AugmentOptions>(
      [=](const Reader& r, const YAML::Node& m, const std::string& w, AugmentOptions& a) {
        if (!(a.*lo > a.*hi)) return;
        const char* key = m[high] ? high : low;
        r.fail(m[key], join_key(w, key), str(low, " <= ", high, " (", low, " ", a.*lo, ")"), str(high, " ", a.*hi));
      });
}

ConfigField<LossConfig> weight_field(const LossTerm& term) {
  const std::string key = term.name;
  return {key,
          [key](const Reader& r, const YAML::Node& m, const std::string& w, LossConfig& l) {
            double v = l.weight(key);
            r.optional<double>(m, key.c_str(), w, v, "a loss weight >= 0", non_negative);
            l.weights[key] = v;
          },
          [key](const LossConfig& l, YAML::Node& out) { out[key] = number_text(l.weight(key)); }};
}

}  // namespace

const ConfigFields<AugmentOptions>& augmentation_fields() {
  using A = AugmentOptions;
  static const ConfigFields<A> fields = {
      warp_field(),
      number_field("rotate_deg", &A::rotate_deg, "an angle in degrees in [0, 180]", in_0_180),
      number_field("scale_min", &A::scale_min, "a zoom factor > 0", positive_f),
      number_field("scale_max", &A::scale_max, "a zoom factor > 0", positive_f),
      ordered("scale_min", &A::scale_min, "scale_max", &A::scale_max),
      number_field("translate", &A::translate, "a fraction of the crop in [0, 1]", unit_interval_f),
      number_field("flip_prob", &A::flip_prob, "a probability in [0, 1]", unit_interval_f),
      number_field("brightness", &A::brightness, "a jitter strength in [0, 1]", unit_interval_f),
      number_field("contrast", &A::contrast, "a jitter strength in [0, 1]", unit_interval_f),
      number_field("saturation", &A::saturation, "a jitter strength in [0, 1]", unit_interval_f),
      number_field("occlusion_prob", &A::occlusion_prob, "a probability in [0, 1]", unit_interval_f),
      number_field("occlusion_min", &A::occlusion_min, "a fraction of the crop in [0, 1]", unit_interval_f),
      number_field("occlusion_max", &A::occlusion_max, "a fraction of the crop in [0, 1]", unit_interval_f),
      ordered("occlusion_min", &A::occlusion_min, "occlusion_max", &A::occlusion_max),
  };
  return fields;
}

const ConfigFields<LossConfig>& loss_fields() {
  static const ConfigFields<LossConfig> fields = [] {
    ConfigFields<LossConfig> f;
    for (const LossTerm& t : loss_terms()) f.push_back(weight_field(t));
    f.push_back(choice_field("heatmap_kind", &LossConfig::heatmap_kind, {"bce", "mse"}));
    f.push_back(choice_field("coord_kind", &LossConfig::coord_kind, {"mse", "l1", "smooth_l1"}));
    // Written only when set, so the config.yaml of every run before it reads the same.
    ConfigField<LossConfig> left_right = choice_field("left_right", &LossConfig::left_right, {"as_labelled", "swap_aware"});
    left_right.write = [](const LossConfig& c, YAML::Node& out) {
      if (c.left_right != "as_labelled") out["left_right"] = c.left_right;
    };
    f.push_back(left_right);
    return f;
  }();
  return fields;
}

const ConfigFields<OptimizerConfig>& optimizer_fields() {
  using O = OptimizerConfig;
  static const ConfigFields<O> fields = {
      choice_field("type", &O::type, {"adam", "adamw", "sgd"}),
      number_field("lr", &O::lr, "a learning rate > 0", positive),
      number_field("weight_decay", &O::weight_decay, "a weight decay >= 0", non_negative),
      number_field<O, double>("momentum", &O::momentum, "a momentum in [0, 1)", [](double v) { return v >= 0 && v < 1; }),
  };
  return fields;
}

const ConfigFields<ScheduleConfig>& schedule_fields() {
  using S = ScheduleConfig;
  static const ConfigFields<S> fields = {
      choice_field("type", &S::type, {"constant", "step", "cosine"}),
      number_field<S, int64_t>("warmup_steps", &S::warmup_steps, "a step count >= 0", [](int64_t v) { return v >= 0; }),
      number_field("step_size", &S::step_size, "a step count >= 1", at_least_one),
      number_field<S, double>("gamma", &S::gamma, "a decay factor in (0, 1]", [](double v) { return v > 0 && v <= 1; }),
      number_field("min_lr_ratio", &S::min_lr_ratio, "a fraction of the base lr in [0, 1]", unit_interval),
  };
  return fields;
}

}  // namespace kplab
