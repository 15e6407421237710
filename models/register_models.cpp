#include "models/register_models.h"

namespace kplab {

void register_models(ModelRegistry& registry) {
  // The BlazePose family and its variants are registered here as they land
  // (issue: "The model family"). Until then the table is empty and every
  // lookup fails listing no known models.
  (void)registry;
}

}  // namespace kplab
