// UTF-8 is decoded by hand here (the standard library has no validating decoder).
#include "text.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace filterlens {

std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t len;
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
  if (overlong || surrogate || cp > 0x10FFFF) return 0;
  return len;
}

bool printable_code_point(std::uint32_t cp) {
  const bool c1_control = cp >= 0x80 && cp <= 0x9F;  // 0x9B is CSI on some terminals
  const bool separator = cp == 0x2028 || cp == 0x2029;
  const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  return !c1_control && !separator && !bidi;
}

std::size_t printable_utf8_length(std::string_view s, std::size_t i) {
  std::uint32_t cp = 0;
  const std::size_t len = utf8_sequence(s, i, cp);
  return len > 0 && printable_code_point(cp) ? len : 0;
}

void drop_last_character(std::string& text) {
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty()) text.pop_back();
}

std::string fit_text_middle(const std::string& text, float max_width,
                            const std::function<float(const std::string&)>& width_of,
                            const std::string& ellipsis) {
  auto fits = [&](const std::string& s) { return width_of(s) <= max_width; };
  if (fits(text)) return text;
  std::string tail;
  const std::size_t cut = text.find_last_of("_.- ");
  if (cut != std::string::npos && cut > 0 && cut + 1 < text.size()) {
    tail = text.substr(cut);
    if (width_of(tail) > max_width * 0.5f) tail.clear();
  }
  std::string head = text.substr(0, text.size() - tail.size());
  while (!head.empty()) {
    drop_last_character(head);
    if (fits(head + ellipsis + tail)) return head + ellipsis + tail;
  }
  return tail.empty() || !fits(ellipsis + tail) ? std::string() : ellipsis + tail;
}

std::string filter_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  int chars = 0;
  for (std::size_t i = 0; i < name.size(); ++chars) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) return "contains a control character";
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = utf8_sequence(name, i, cp);
    if (len == 0) return "is not UTF-8 text";
    if (!printable_code_point(cp)) return "contains a control character";
    i += len;
  }
  if (chars > kMaxFilterNameChars)
    return "is longer than " + std::to_string(kMaxFilterNameChars) + " characters";
  if (name.find("##") != std::string_view::npos) return "contains '##'";
  return "";
}

std::string printable_text(std::string_view text, std::size_t max_chars) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    if (max_chars > 0 && chars == max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t len = c >= 0x80 ? printable_utf8_length(text, i) : 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    }
  }
  return out;
}

namespace {

// A plain decimal number filling `text` (an optional sign, digits with at most one '.', an
// optional exponent), finite; nullopt otherwise. strtod alone would also take "inf", "nan", hex
// and leading spaces.
std::optional<double> plain_number(std::string_view text) {
  std::size_t i = 0, digits = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  bool dot = false;
  for (; i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && !dot)); ++i) {
    if (text[i] == '.')
      dot = true;
    else
      ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == exponent) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const std::string copy(text);
  const double v = std::strtod(copy.c_str(), nullptr);
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<double> parse_typed_number(std::string_view text) {
  text = trimmed(text);
  // The operator is the first '*' or '/' after the first character (which may be a sign).
  const std::size_t op = text.find_first_of("*/", 1);
  if (op == std::string_view::npos) return plain_number(text);
  const std::optional<double> a = plain_number(trimmed(text.substr(0, op)));
  const std::optional<double> b = plain_number(trimmed(text.substr(op + 1)));
  if (!a || !b) return std::nullopt;
  if (text[op] == '/' && *b == 0.0) return std::nullopt;
  const double v = text[op] == '/' ? *a / *b : *a * *b;
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

}  // namespace filterlens
