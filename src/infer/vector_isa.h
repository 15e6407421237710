// Which vector instructions kplab's own CPU kernels (vector_kernels_*.cpp)
// may use: the widest that this build compiled and this CPU runs. Everything
// else in kplab is built for baseline x86-64; only those files are built
// for AVX2 + FMA and AVX-512 (CMakeLists.txt), and nothing calls into them
// before asking here.
#pragma once

namespace kplab {

enum class VectorIsa { none, avx2, avx512 };

VectorIsa best_vector_isa();
// Whether this CPU and build run `isa` (none: always).
bool runs(VectorIsa isa);
const char* isa_name(VectorIsa isa);

}  // namespace kplab
