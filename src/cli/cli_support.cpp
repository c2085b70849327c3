// printable() decodes UTF-8 by hand (the standard library has no validating decoder) and
// escapes byte by byte whatever is not a printable character.
#include "cli_support.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace filterlens::cli {
namespace {

void escape_byte(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// Length of the valid UTF-8 sequence at s[i] encoding a printable code point, or 0.
std::size_t printable_utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t len;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  const bool c1_control = cp >= 0x80 && cp <= 0x9F;  // 0x9B is CSI on some terminals
  // Bidirectional overrides and isolates reorder what follows them on screen.
  const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  if (overlong || surrogate || c1_control || bidi || cp > 0x10FFFF) return 0;
  return len;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t len = c >= 0x80 ? printable_utf8_length(text, i) : 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      escape_byte(out, c);
      ++i;
    }
  }
  return out;
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
