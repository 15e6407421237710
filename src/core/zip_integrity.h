// Checks every entry of a zip archive against the CRC-32 its central
// directory records. LibTorch's checkpoint reader does not: a checkpoint with
// one flipped bit in a weight loads and gives slightly different numbers.
#pragma once

#include <string>

namespace kplab {

// Throws kplab::Error naming `path` and the first damaged entry (or the broken
// structure) unless every entry's data matches its recorded CRC-32. Entries
// must be stored uncompressed, as LibTorch writes them.
void verify_zip_crcs(const std::string& path);

}  // namespace kplab
