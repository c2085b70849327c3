// Display levels (display_pyramid.h): hand-worked blocks, odd edges, the two reductions' choices,
// 8-bit rounding and the level picked for a panel.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "display_pyramid.h"

namespace filterlens {
namespace {

Plane plane(int w, int h, std::initializer_list<float> values) {
  Plane p(w, h);
  std::copy(values.begin(), values.end(), p.data.begin());
  return p;
}

TEST(DisplayPyramid, MeanOfEachBlockWithCutBlocksAtOddEdges) {
  // 3 x 3: blocks {0,1,3,4}, {2,5}, {6,7}, {8}.
  const Plane p = plane(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Plane h = halve(p, Reduction::mean);
  ASSERT_EQ(h.width, 2);
  ASSERT_EQ(h.height, 2);
  EXPECT_FLOAT_EQ(h.at(0, 0), (1 + 2 + 4 + 5) / 4.0f);
  EXPECT_FLOAT_EQ(h.at(1, 0), (3 + 6) / 2.0f);
  EXPECT_FLOAT_EQ(h.at(0, 1), (7 + 8) / 2.0f);
  EXPECT_FLOAT_EQ(h.at(1, 1), 9.0f);
}

TEST(DisplayPyramid, ExtremeKeepsTheValueFarthestFromTheCentreWithItsSign) {
  // A Laplacian-like block: the mean cancels to 0, the extreme keeps the -8.
  const Plane p = plane(2, 2, {4, -8, 3, 1});
  EXPECT_FLOAT_EQ(halve(p, Reduction::mean).at(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(halve(p, Reduction::extreme, 0.0f).at(0, 0), -8.0f);
  // Around another centre the farthest is another value: |4 - (-5)| = 9 > |-8 - (-5)| = 3.
  EXPECT_FLOAT_EQ(halve(p, Reduction::extreme, -5.0f).at(0, 0), 4.0f);
  // Ties: the first in raster order.
  EXPECT_FLOAT_EQ(halve(plane(2, 1, {-2, 2}), Reduction::extreme, 0.0f).at(0, 0), -2.0f);
}

TEST(DisplayPyramid, NanAndInfinity) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(std::isnan(halve(plane(2, 1, {nan, 1}), Reduction::mean).at(0, 0)));
  EXPECT_FLOAT_EQ(halve(plane(2, 1, {nan, 1}), Reduction::extreme).at(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(halve(plane(2, 1, {1, nan}), Reduction::extreme).at(0, 0), 1.0f);
  EXPECT_TRUE(std::isnan(halve(plane(2, 1, {nan, nan}), Reduction::extreme).at(0, 0)));
  EXPECT_EQ(halve(plane(2, 1, {1, -inf}), Reduction::extreme).at(0, 0), -inf);
}

TEST(DisplayPyramid, RepeatedHalvingEndsAtOnePixel) {
  Plane p(1000, 3);
  for (std::size_t i = 0; i < p.data.size(); ++i) p.data[i] = static_cast<float>(i % 7);
  int steps = 0;
  while (p.width > 1 || p.height > 1) {
    const int w = p.width, h = p.height;
    p = halve(p, Reduction::mean);
    EXPECT_EQ(p.width, (w + 1) / 2);
    EXPECT_EQ(p.height, (h + 1) / 2);
    ++steps;
  }
  EXPECT_EQ(steps, 10);  // 1000 -> 500 -> ... -> 2 -> 1
  EXPECT_TRUE(halve(Plane(), Reduction::mean).empty());
}

TEST(DisplayPyramid, EightBitMeanRoundsHalfUpPerChannel) {
  Image im{3, 1, 2, {0, 10, 1, 11, 255, 7}};  // gray + alpha, pixels (0,10) (1,11) (255,7)
  const Image h = halve(im);
  ASSERT_EQ(h.width, 2);
  ASSERT_EQ(h.height, 1);
  ASSERT_EQ(h.channels, 2);
  EXPECT_EQ(h.pixels, (std::vector<std::uint8_t>{1, 11, 255, 7}));  // 0.5 -> 1, 10.5 -> 11
}

TEST(DisplayPyramid, LevelForAPanel) {
  EXPECT_EQ(display_level(451, 263), 0);   // shrunk less than 2x: the full resolution
  EXPECT_EQ(display_level(4000, 263), 3);  // 500 >= 263 > 250
  EXPECT_EQ(display_level(4000, 250), 4);  // exactly 250: level 4 is still not under it
  EXPECT_EQ(display_level(100, 800), 0);   // magnified
  EXPECT_EQ(display_level(4000, 0), 0);    // not drawn yet
  EXPECT_EQ(display_level(0, 100), 0);
}

}  // namespace
}  // namespace filterlens
