// What filterlens-cli's commands share: exit codes, the error line, value checks for CLI11
// options, and escaping of names before they reach the terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace filterlens::cli {

// The exit codes README documents.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;       // bad usage, or parameters the input cannot take
constexpr int kExitUnreadable = 3;  // an input (image, data set, weights) cannot be read
constexpr int kExitUnwritable = 4;  // an output cannot be written

// A bad parameter found after parsing (a filter name, a size the image cannot take). main
// prints it like CLI11's own parse errors and exits with kExitUsage.
struct UsageError {
  std::string message;
};

// `text` safe to print on a terminal: control characters (C0, DEL, C1) and bytes that are not
// valid UTF-8 become \xNN, so a file name cannot move the cursor, recolour or retitle the
// terminal. Printable UTF-8 (accents, CJK, ...) passes unchanged.
std::string printable(std::string_view text);

// "filterlens-cli: MESSAGE" on stderr, the message made printable.
void print_error(const std::string& message);

// CLI11 checks run on an option's text before it is converted, so nothing out of range can wrap
// (a "-1" for an unsigned seed, 99999999999 for an int) and the message says what is allowed.
// Whole numbers are decimal digits with an optional leading '-', from lo to hi inclusive.
CLI::Validator whole_number(std::int64_t lo, std::int64_t hi);
// A finite decimal number above 0 and at most `hi` (refuses inf, nan, 0, negatives).
CLI::Validator positive_number(double hi);

// Whether `text` is a whole number from lo to hi (the check behind whole_number).
bool parse_whole_number(const std::string& text, std::int64_t lo, std::int64_t hi,
                        std::int64_t& value);

}  // namespace filterlens::cli
