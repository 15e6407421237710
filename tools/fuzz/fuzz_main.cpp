// libFuzzer entry point for one kplab fuzz target, chosen at compile time:
// -DKPLAB_FUZZ_TARGET=fuzz_mat (CMake builds fuzz_<target> this way when
// KPLAB_FUZZ=ON; tools/fuzz.sh builds and runs them).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

#ifndef KPLAB_FUZZ_TARGET
#error "define KPLAB_FUZZ_TARGET as one of the functions of tests/fuzz/fuzz_targets.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kplab::fuzz::KPLAB_FUZZ_TARGET(data, size);
}
