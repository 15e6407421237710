#include "models/registry.h"

#include "models/blazepose.h"

namespace kplab {

namespace {

using models::BlazePoseOptions;

// A preset is a name plus the options that differ from the base model.
ModelBuilder blazepose_preset(const std::string& name, BlazePoseOptions preset) {
  return [name, preset](const YAML::Node& overrides) -> PoseModel {
    return std::make_shared<models::BlazePoseImpl>(name, models::apply_overrides(preset, overrides, name));
  };
}

}  // namespace

void register_models(ModelRegistry& r) {
  // The reference project's base model (../shared/REFERENCE.md).
  r.add("blazepose", blazepose_preset("blazepose", BlazePoseOptions()));
  // One more stop-gradient regression stage fed from the S/2 decoder features.
  r.add("blazepose_extra", blazepose_preset("blazepose_extra", BlazePoseOptions().extra_stage(true)));
  // Transposed convolutions instead of bilinear upsampling in the decoder.
  r.add("blazepose_tconv", blazepose_preset("blazepose_tconv", BlazePoseOptions().upsample("tconv")));
  // CBAM after conv3, conv5 and conv11.
  r.add("blazepose_cbam", blazepose_preset("blazepose_cbam", BlazePoseOptions().attention("cbam")));
  // ViT on the S/4 features: 8x8 patches, dim 128, 4 heads, MLP 256, one
  // block applied 6 times with shared weights (as the reference did), bilinear back.
  r.add("blazepose_vit", blazepose_preset("blazepose_vit", BlazePoseOptions().vit_blocks(6).vit_shared(true)));
  // ViT2: conv patch embedding, two independent blocks, transposed-conv back.
  r.add("blazepose_vit2", blazepose_preset("blazepose_vit2",
                                           BlazePoseOptions().vit_blocks(2).vit_shared(false).vit_conv_embed(true)));
  // Narrower and shallower, for fast CPU experiments (one tail block: inputs in multiples of 64).
  r.add("blazepose_lite", blazepose_preset("blazepose_lite", BlazePoseOptions()
                                                                 .stem(16)
                                                                 .widths({32, 64, 128, 192})
                                                                 .depths({2, 2, 3, 3})
                                                                 .decoder(32)
                                                                 .head(8)
                                                                 .regression_depths({2, 3, 3})
                                                                 .tail_depths({3})));
}

const ModelRegistry& model_registry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r("model");
    register_models(r);
    return r;
  }();
  return registry;
}

PoseModel create_model(const std::string& name, const YAML::Node& overrides) {
  return model_registry().get(name)(overrides);
}

}  // namespace kplab
