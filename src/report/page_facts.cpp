#include "report/page_facts.h"

#include <torch/torch.h>

#include <ctime>

#include "core/error.h"
#include "core/hardware.h"

namespace kplab::report {

std::string local_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string host_hardware(const std::string& device) {
  return str(cpu_name(), " \xC2\xB7 ", torch::get_num_threads(), " threads \xC2\xB7 ", device);
}

}  // namespace kplab::report
