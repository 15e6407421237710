// kplab's vector kernels, one namespace per instruction set, each compiled in
// its own translation unit (vector_kernels_avx2.cpp with -mavx2 -mfma,
// vector_kernels_avx512.cpp with -mavx512f as well; CMakeLists.txt sets the
// flags) from the one source in vector_kernels_impl.h. Callers go through
// depthwise_conv.h and nhwc_kernels.h, which ask vector_isa.h first.
#pragma once

#include <cstdint>

namespace kplab::nhwc {
struct Depthwise;
namespace avx2 {  // vectors of 8 floats
bool available();  // this build has the kernels and this CPU runs them
void depthwise_rows(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                    const float* zeros);  // zeros: at least W * C of them
void add_relu(const float* a, const float* b, float* out, int64_t begin, int64_t end);
}  // namespace avx2
namespace avx512 {  // vectors of 16 floats (a last depthwise channel block of 8)
bool available();
void depthwise_rows(const Depthwise& d, const float* in, float* out, int64_t row_begin, int64_t row_end,
                    const float* zeros);  // zeros: at least W * C of them
void add_relu(const float* a, const float* b, float* out, int64_t begin, int64_t end);
}  // namespace avx512
}  // namespace kplab::nhwc
