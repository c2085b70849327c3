// text.h: which names may name a filter, and which UTF-8 is printable.
#include <gtest/gtest.h>

#include <string>

#include "text.h"

namespace filterlens {
namespace {

TEST(FilterName, AcceptsPrintableNamesInAnyScriptUpToSixtyFourCharacters) {
  EXPECT_EQ(filter_name_problem("edge"), "");
  EXPECT_EQ(filter_name_problem("mine ä,&#"), "");
  EXPECT_EQ(filter_name_problem("猫の輪郭 🐱"), "");
  EXPECT_EQ(filter_name_problem(std::string(64, 'x')), "");
  std::string cats;  // 64 characters of 3 bytes each: characters are counted, not bytes
  for (int i = 0; i < 64; ++i) cats += "猫";
  EXPECT_EQ(filter_name_problem(cats), "");
}

TEST(FilterName, RefusesWhatWouldBreakLabelsMessagesOrFiles) {
  EXPECT_EQ(filter_name_problem(""), "is empty");
  EXPECT_EQ(filter_name_problem(std::string(65, 'x')), "is longer than 64 characters");
  EXPECT_EQ(filter_name_problem(std::string(200, 'x')), "is longer than 64 characters");
  for (const char* bad : {"a\nb", "a\tb", "\x1b[31mred", "a\x7f", "a\xc2\x85z", "a\xe2\x80\xa8z",
                          "a\xe2\x80\xaez", "\r"})
    EXPECT_EQ(filter_name_problem(bad), "contains a control character") << bad;
  EXPECT_EQ(filter_name_problem(std::string("a\0b", 3)), "contains a control character");
  for (const char* bad : {"\xff", "a\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"})
    EXPECT_EQ(filter_name_problem(bad), "is not UTF-8 text") << bad;
  EXPECT_EQ(filter_name_problem("##"), "contains '##'");
  EXPECT_EQ(filter_name_problem("edge##hidden"), "contains '##'");
}

TEST(PrintableUtf8, LengthsOfPrintableSequencesAndZeroForTheRest) {
  EXPECT_EQ(printable_utf8_length("é", 0), 2u);
  EXPECT_EQ(printable_utf8_length("猫", 0), 3u);
  EXPECT_EQ(printable_utf8_length("🐱", 0), 4u);
  EXPECT_EQ(printable_utf8_length("a", 0), 0u);             // ASCII is not a sequence
  EXPECT_EQ(printable_utf8_length("\xc2\x9b", 0), 0u);      // C1 (CSI)
  EXPECT_EQ(printable_utf8_length("\xe2\x80\xa9", 0), 0u);  // paragraph separator
  EXPECT_EQ(printable_utf8_length("\xe2\x81\xa6", 0), 0u);  // bidi isolate
  EXPECT_EQ(printable_utf8_length("\xe2\x80", 0), 0u);      // cut short
  std::uint32_t cp = 0;
  EXPECT_EQ(utf8_sequence("\xc2\x85", 0, cp), 2u);  // valid, though not printable
  EXPECT_EQ(cp, 0x85u);
}

}  // namespace
}  // namespace filterlens

namespace filterlens {
namespace {

// Names from files reach messages escaped (a NUL cut the page's status, a line break and a
// bidirectional override went in raw) and cut to a length (a 3000-character name was echoed).
TEST(PrintableText, EscapesWhatWouldCutBreakOrReorderAMessageAndCutsLongText) {
  using namespace std::string_literals;
  EXPECT_EQ(printable_text("conv.weight"), "conv.weight");
  EXPECT_EQ(printable_text("caf\xc3\xa9 猫"), "caf\xc3\xa9 猫");
  EXPECT_EQ(printable_text("a\0b"s), "a\\x00b");
  EXPECT_EQ(printable_text("a\nb\x1b[31m"), "a\\x0ab\\x1b[31m");
  EXPECT_EQ(printable_text("\xe2\x80\xae"
                           "evil"),
            "\\xe2\\x80\\xaeevil");  // U+202E
  EXPECT_EQ(printable_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable_text(std::string(3000, 'x'), 120), std::string(120, 'x') + "...");
  EXPECT_EQ(printable_text("猫猫猫", 2), "猫猫...");
  EXPECT_EQ(printable_text("abc", 3), "abc");
}

}  // namespace
TEST(TypedNumber, DecimalsFractionsAndProductsOnlyAndNothingSilentlyHalfRead) {
  EXPECT_EQ(parse_typed_number("0.5"), 0.5);
  EXPECT_EQ(parse_typed_number(" -1 "), -1.0);
  EXPECT_EQ(parse_typed_number("+7"), 7.0);  // a sign, not "the old value plus 7"
  EXPECT_EQ(parse_typed_number(".25"), 0.25);
  EXPECT_EQ(parse_typed_number("2.5e-3"), 2.5e-3);
  EXPECT_EQ(parse_typed_number("1/9"), 1.0 / 9.0);
  EXPECT_EQ(parse_typed_number("-1 / 8"), -0.125);
  EXPECT_EQ(parse_typed_number("2*0.5"), 1.0);
  EXPECT_EQ(parse_typed_number("1e2/4"), 25.0);
  for (const char* bad :
       {"",    " ",   "-",  "+",  ".",  "e3",    "1e",   "abc",   "nan", "inf",  "0x10",
        "1,5", "1/0", "1/", "/2", "2*", "1/2/3", "1..2", "1.2.3", "--1", "1e999"})
    EXPECT_FALSE(parse_typed_number(bad).has_value()) << "'" << bad << "'";
}

}  // namespace filterlens

namespace {
float chars(const std::string& s) {  // one unit a byte: ASCII text, one unit a character
  return static_cast<float>(s.size());
}
}  // namespace

TEST(FitTextMiddle, KeepsTheLastPartAndCutsTheMiddleOrTheEnd) {
  using filterlens::fit_text_middle;
  EXPECT_EQ(fit_text_middle("edge", 10, chars, "~"), "edge");
  // The number after the last '_' is kept; the middle is cut.
  EXPECT_EQ(fit_text_middle("backbone_stem_conv1_weight_12", 12, chars, "~"), "backbone~_12");
  // A last part wider than half the room: cut at the end.
  EXPECT_EQ(fit_text_middle("conv1.weightsabcdef", 10, chars, "~"), "conv1.wei~");
  // Whole UTF-8 characters only ("é" is two bytes).
  EXPECT_EQ(fit_text_middle("\xC3\xA9\xC3\xA9\xC3\xA9_1", 6, chars, "~"), "\xC3\xA9~_1");
  EXPECT_EQ(fit_text_middle("abcdef", 0, chars, "~"), "");
}
