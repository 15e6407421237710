// Walks the pickles of a LibTorch archive (a checkpoint) before LibTorch
// does, because LibTorch's unpickler trusts them: a damaged pickle whose
// tensor storage claims more bytes than its data record holds gave tensors
// that read past their buffer, and a damaged memo index made it allocate up to
// 68 GB (both found by fuzzing, tests/fuzz/README.md). Run after the zip's
// CRCs are checked: this catches what a CRC cannot, a file whose pickle was
// damaged before its CRCs were computed, or crafted.
#pragma once

#include "core/zip_integrity.h"

namespace kplab {

// Throws kplab::Error naming the file, the pickle and the byte unless every
// `.pkl` / `.debug_pkl` entry is a well-formed pickle of the opcodes
// LibTorch writes, with memo indices that grow one at a time, strings that fit
// in it, and every tensor storage ('storage', type, key, device, numel)
// holding exactly the bytes of its record `<pickle folder>/<key>`.
void check_archive_pickles(const VerifiedZip& zip);

}  // namespace kplab
