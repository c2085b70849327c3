// The CLI's helpers: printable() is text.h's printable_text(), the rest parse and report.
#include "cli_support.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "text.h"

namespace filterlens::cli {

std::string printable(std::string_view text) {
  return printable_text(text);
}

void print_error(const std::string& message) {
  std::fprintf(stderr, "filterlens-cli: %s\n", printable(message).c_str());
}

bool parse_whole_number(const std::string& text, std::int64_t lo, std::int64_t hi,
                        std::int64_t& value) {
  // strtoll alone would accept leading spaces and '+', and saturate on overflow silently
  // unless errno is checked; digits only, then a checked conversion.
  std::size_t i = text.size() > 1 && text[0] == '-' ? 1 : 0;
  if (i == text.size()) return false;
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') return false;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || v < lo || v > hi) return false;
  value = v;
  return true;
}

CLI::Validator whole_number(std::int64_t lo, std::int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::int64_t v;
        if (parse_whole_number(text, lo, hi, v)) return {};
        return "needs a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
               " (got '" + text + "')";
      },
      "");
}

CLI::Validator positive_number(double hi) {
  return CLI::Validator(
      [hi](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
        // strtod reads "inf", "nan" and hex floats; only plain decimals are meant here.
        const bool plain = text.find_first_not_of("0123456789.eE+-") == std::string::npos;
        if (plain && end && *end == '\0' && errno == 0 && std::isfinite(v) && v > 0 && v <= hi)
          return {};
        char hi_text[32];
        std::snprintf(hi_text, sizeof hi_text, "%g", hi);
        return "needs a number above 0 and at most " + std::string(hi_text) + " (got '" + text +
               "')";
      },
      "");
}

}  // namespace filterlens::cli
