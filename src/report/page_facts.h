// Facts a report's header states about when and where it was made.
#pragma once

#include <string>

namespace kplab::report {

// "2024-05-01 14:03" (local time).
std::string local_date();

// "CPU model · N threads · device" of this machine.
std::string host_hardware(const std::string& device);

}  // namespace kplab::report
