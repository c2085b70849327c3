#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kernel.h"

namespace filterlens {
namespace {

TEST(Presets, AtLeastSixteenNamedAndDescribed) {
  const auto& presets = kernel_presets();
  EXPECT_GE(presets.size(), 16u);
  std::set<std::string> names;
  for (const Kernel& k : presets) {
    EXPECT_FALSE(k.description.empty()) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << "duplicate " << k.name;
    EXPECT_TRUE(validate_kernel(k)) << k.name;
  }
  for (const char* n : {"edge", "sharpen", "blur", "identity", "laplacian4", "gaussian3",
                        "gaussian5", "sobel_x", "sobel_y", "scharr_x", "scharr_y", "prewitt_x",
                        "prewitt_y", "emboss", "outline", "motion_blur", "unsharp_mask"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
}

TEST(Presets, NotebookKernelsHaveTheNotebookWeights) {
  const std::vector<Kernel> bank = default_bank();
  ASSERT_EQ(bank.size(), 3u);
  EXPECT_EQ(bank[0].weights, (std::vector<float>{-1, -1, -1, -1, 8, -1, -1, -1, -1}));
  EXPECT_EQ(bank[1].weights, (std::vector<float>{0, -1, 0, -1, 5, -1, 0, -1, 0}));
  for (float w : bank[2].weights) EXPECT_FLOAT_EQ(w, 1.0f / 9.0f);
}

TEST(Presets, BlursSumToOneAndDetectorsToZero) {
  for (const char* n : {"blur", "gaussian3", "gaussian5", "motion_blur", "sharpen", "identity",
                        "unsharp_mask", "emboss"}) {
    const Kernel k = find_preset(n).value();
    double s = 0;
    for (float w : k.weights) s += w;
    EXPECT_NEAR(s, 1.0, 1e-6) << n;
  }
  for (const char* n : {"edge", "laplacian4", "sobel_x", "sobel_y", "scharr_x", "scharr_y",
                        "prewitt_x", "prewitt_y", "outline"}) {
    const Kernel k = find_preset(n).value();
    double s = 0;
    for (float w : k.weights) s += w;
    EXPECT_NEAR(s, 0.0, 1e-6) << n;
  }
}

TEST(Presets, UnknownNameListsKnownOnes) {
  auto r = find_preset("sobel");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("unknown filter 'sobel'"), std::string::npos);
  EXPECT_NE(r.error().find("sobel_x"), std::string::npos);
}

TEST(ParseKernel, RowsAndValues) {
  auto r = parse_kernel("-1,0,1;-2,0,2;-1,0,1");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().width, 3);
  EXPECT_EQ(r.value().height, 3);
  EXPECT_EQ(r.value().weights, (std::vector<float>{-1, 0, 1, -2, 0, 2, -1, 0, 1}));
  auto rect = parse_kernel("1 2 3 4 5; 6 7 8 9 10;");
  ASSERT_TRUE(rect) << rect.error();
  EXPECT_EQ(rect.value().width, 5);
  EXPECT_EQ(rect.value().height, 2);
  auto one = parse_kernel("0.5");
  ASSERT_TRUE(one);
  EXPECT_EQ(one.value().width, 1);
}

TEST(ParseKernel, ErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_kernel("1,2;3").error().find("row 2 has 1 values but row 1 has 2"),
            std::string::npos);
  EXPECT_NE(parse_kernel("1,x,3").error().find("'x,3' is not a number"), std::string::npos);
  EXPECT_NE(parse_kernel("").error().find("empty"), std::string::npos);
  EXPECT_NE(parse_kernel("1;;2").error().find("row 2 is empty"), std::string::npos);
  std::string wide;
  for (int i = 0; i < 32; ++i) wide += "1,";
  EXPECT_NE(parse_kernel(wide).error().find("sizes from 1 to 31"), std::string::npos);
  EXPECT_NE(parse_kernel("1,nan").error().find("finite"), std::string::npos);
  // Nothing is read loosely: hexadecimal is not a weight, and an empty value is not skipped.
  EXPECT_NE(parse_kernel("0x10").error().find("'0x10' is not a number"), std::string::npos);
  EXPECT_NE(parse_kernel("1,-0X1p3").error().find("is not a number"), std::string::npos);
  EXPECT_NE(parse_kernel("1,,2").error().find("row 1 has an empty value"), std::string::npos);
  EXPECT_NE(parse_kernel("1,2;,3,4").error().find("row 2 has an empty value"), std::string::npos);
  EXPECT_NE(parse_kernel("1,2,,").error().find("row 1 has an empty value"), std::string::npos);
  EXPECT_TRUE(parse_kernel("1, 2, 3,;4 5 6"));  // a comma after a row's last value is fine
}

TEST(Normalize, SumsToOneOrRefusesZeroSum) {
  auto n = normalized(parse_kernel("1,2;3,4").value());
  ASSERT_TRUE(n);
  EXPECT_FLOAT_EQ(n.value().weights[0], 0.1f);
  EXPECT_FLOAT_EQ(n.value().weights[3], 0.4f);
  auto z = normalized(find_preset("edge").value());
  ASSERT_FALSE(z);
  EXPECT_NE(z.error().find("sums to 0"), std::string::npos);
}

TEST(Flip, RotatesBy180) {
  Kernel k = parse_kernel("1,2,3;4,5,6").value();
  EXPECT_EQ(flipped(k).weights, (std::vector<float>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(format_kernel(flipped(k)), "6,5,4;3,2,1");
}

// The kernel editor's size field and the kernel learner's target border share it.
TEST(ResizedCentred, GrowsWithAZeroRingCutsToTheMiddleEachChannel) {
  const Kernel k = parse_kernel("1,2,3;4,5,6;7,8,9").value();
  const Kernel grown = resized_centred(k, 5, 5);
  EXPECT_EQ(format_kernel(grown), "0,0,0,0,0;0,1,2,3,0;0,4,5,6,0;0,7,8,9,0;0,0,0,0,0");
  EXPECT_EQ(format_kernel(resized_centred(grown, 3, 3)), "1,2,3;4,5,6;7,8,9");
  EXPECT_EQ(format_kernel(resized_centred(k, 1, 3)), "2;5;8");
  Kernel rgb = k;
  rgb.channels = 3;
  rgb.weights.insert(rgb.weights.end(), k.weights.begin(), k.weights.end());
  for (std::size_t i = 18; i < 27; ++i) rgb.weights.push_back(static_cast<float>(10 + i));
  const Kernel rgb1 = resized_centred(rgb, 1, 1);
  EXPECT_EQ(rgb1.weights, (std::vector<float>{5, 5, 32}));
}

TEST(MarkEdited, SaysSoOnceAndKeepsWhatItStartedAs) {
  Kernel k = find_preset("edge").value();
  const std::string original = k.description;
  mark_edited(k);
  EXPECT_EQ(k.description, std::string(kEditedPrefix) + original);
  mark_edited(k);  // editing again does not stack the prefix
  EXPECT_EQ(k.description, std::string(kEditedPrefix) + original);
}

}  // namespace
}  // namespace filterlens
