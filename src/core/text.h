// text: the UTF-8 rules shared by everything that shows, saves or writes out a name (the CLI's
// terminal output, the PyTorch code, filter names from setFilters and from the address).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace filterlens {

// The length (2 to 4) of the valid UTF-8 sequence at s[i] encoding the non-ASCII code point `cp`
// (no overlong forms, no surrogates, nothing past U+10FFFF), or 0 (ASCII included).
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp);

// Whether a non-ASCII code point is printable: not a C1 control (U+0080..U+009F), a line or
// paragraph separator (U+2028/9), or a bidirectional override or isolate (they reorder the text
// after them on screen).
bool printable_code_point(std::uint32_t cp);

// The length (2 to 4) of the valid UTF-8 sequence at s[i] when it encodes a printable non-ASCII
// code point; 0 for a byte that starts none (ASCII included), a truncated or overlong sequence, a
// surrogate, a C1 control (U+0080..U+009F), a line or paragraph separator (U+2028/9), or a
// bidirectional override or isolate (they reorder the text after them on screen).
std::size_t printable_utf8_length(std::string_view s, std::size_t i);

// `text` safe to show in a message or print on a terminal: control characters (C0, DEL, C1),
// line separators, bidirectional overrides and bytes that are not valid UTF-8 become \xNN, so a
// file or tensor name can neither cut a message (a NUL), break it over lines, reorder it on
// screen, nor move a terminal's cursor. Printable UTF-8 (accents, CJK, ...) passes unchanged.
// With max_chars > 0, longer text is cut after that many characters (escapes count as one) and
// "..." added.
std::string printable_text(std::string_view text, std::size_t max_chars = 0);

// `text` without its last UTF-8 character (its continuation bytes and its lead byte).
void drop_last_character(std::string& text);

// `text` cut to `max_width` as `width_of` measures it (a UI font, a figure's font), at UTF-8
// character boundaries, with `ellipsis` in the middle when its last part (from the last '_', '.',
// '-' or space) takes at most half the room, else at the end: a model's
// "backbone_stem_conv1_weight_12" keeps the number that tells its maps apart. "" when not even
// the ellipsis fits.
std::string fit_text_middle(const std::string& text, float max_width,
                            const std::function<float(const std::string&)>& width_of,
                            const std::string& ellipsis);

// A number as a person types one into a weight: a decimal ("0.5", "-1", ".25", "2.5e-3", a
// leading '+'), or two of them divided or multiplied ("1/9", "-1/8", "2*0.5"), spaces allowed
// around them. Anything else (text, "nan", "inf", hex, "1/0", an empty field) is nullopt. The
// result is a double (the caller checks that it fits its type).
std::optional<double> parse_typed_number(std::string_view text);

// A filter name has 1 to kMaxFilterNameChars characters of printable UTF-8 and no "##" (ImGui
// would hide the rest of the label): names reach labels, messages, export file names and code.
constexpr int kMaxFilterNameChars = 64;
// Why `name` cannot name a filter ("is empty", "contains a control character", ...), or "" when
// it can. The web page's setFilters checks the same rule in JavaScript first, with messages of
// its own (which name the character's code point).
std::string filter_name_problem(std::string_view name);

}  // namespace filterlens
