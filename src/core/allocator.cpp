#include "core/allocator.h"

#include <malloc.h>

namespace kplab {

void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);  // serve big blocks from the heap...
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // ...and keep up to 1 GB of freed heap for reuse
}

}  // namespace kplab
