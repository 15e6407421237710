#include "core/number_format.h"

#include <cmath>
#include <cstdio>

namespace kplab {

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string percent(const nlohmann::json& value) {
  if (!value.is_number() || !std::isfinite(value.get<double>())) return "n/a";
  return fixed(100 * value.get<double>(), 1) + "%";
}

std::string si_text(double v) {
  if (!std::isfinite(v)) return "n/a";
  const char* units[] = {"", " K", " M", " G", " T"};
  int u = 0;
  while (std::fabs(v) >= 1000 && u < 4) v /= 1000, ++u;
  const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
  return fixed(v, u == 0 ? 0 : decimals) + units[u];
}

std::string duration_text(double s) {
  if (!std::isfinite(s)) return "n/a";
  const long t = std::lround(s);
  char buf[32];
  if (t < 60)
    std::snprintf(buf, sizeof buf, "%ld s", t);
  else if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ld m %02ld s", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld h %02ld m", t / 3600, (t % 3600) / 60);
  return buf;
}

}  // namespace kplab
