#include "infer/vector_isa.h"

#include "infer/vector_kernels_isa.h"

namespace kplab {

bool runs(VectorIsa isa) {
  switch (isa) {
    case VectorIsa::avx512: return nhwc::avx512::available();
    case VectorIsa::avx2: return nhwc::avx2::available();
    case VectorIsa::none: return true;
  }
  return false;
}

VectorIsa best_vector_isa() {
  static const VectorIsa isa = runs(VectorIsa::avx512) ? VectorIsa::avx512
                               : runs(VectorIsa::avx2) ? VectorIsa::avx2
                                                       : VectorIsa::none;
  return isa;
}

const char* isa_name(VectorIsa isa) {
  return isa == VectorIsa::avx512 ? "avx512" : isa == VectorIsa::avx2 ? "avx2" : "none";
}

}  // namespace kplab
