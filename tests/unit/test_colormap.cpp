#include <gtest/gtest.h>

#include "colormap.h"

namespace filterlens {
namespace {

TEST(Colormap, GrayLevelsFollowMatplotlibBinning) {
  EXPECT_EQ(gray_level(0.0f, 0.0f, 1.0f), 0);
  EXPECT_EQ(gray_level(1.0f, 0.0f, 1.0f), 255);  // the top value lands in the last bin
  EXPECT_EQ(gray_level(0.5f, 0.0f, 1.0f), 128);  // floor(0.5 * 256)
  EXPECT_EQ(gray_level(0.499f, 0.0f, 1.0f), 127);
  EXPECT_EQ(gray_level(-3.0f, -4.0f, 4.0f), 32);  // t = 1/8
  EXPECT_EQ(gray_level(5.0f, 5.0f, 5.0f), 0);     // constant map: all black, like matplotlib
}

TEST(Colormap, GrayStretchesEachMapToFullRange) {
  Plane p(3, 1);
  p.data = {-2.0f, 0.0f, 6.0f};
  Image im = apply_colormap(p, Colormap::gray);
  ASSERT_EQ(im.channels, 3);
  EXPECT_EQ(im.pixels[0], 0);
  EXPECT_EQ(im.pixels[3], 64);  // t = 0.25: level 64, which matplotlib's table keeps as 64
  EXPECT_EQ(im.pixels[6], 255);
}

TEST(Colormap, DivergingIsWhiteAtZeroBlueBelowRedAbove) {
  Plane p(3, 1);
  p.data = {-2.0f, 0.0f, 2.0f};
  Image im = apply_colormap(p, Colormap::diverging);
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin(), im.pixels.begin() + 3),
            (std::vector<std::uint8_t>{0, 0, 255}));
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin() + 3, im.pixels.begin() + 6),
            (std::vector<std::uint8_t>{255, 255, 255}));
  EXPECT_EQ(std::vector<std::uint8_t>(im.pixels.begin() + 6, im.pixels.end()),
            (std::vector<std::uint8_t>{255, 0, 0}));
  Image a = apply_colormap(p, Colormap::abs);
  EXPECT_EQ(a.pixels[0], 255);
  EXPECT_EQ(a.pixels[3], 0);
}

TEST(Colormap, NamesParse) {
  EXPECT_TRUE(parse_colormap("diverging"));
  EXPECT_FALSE(parse_colormap("viridis"));
}

}  // namespace
}  // namespace filterlens

namespace filterlens {
namespace {

TEST(Colormap, ClampAndSharedRange) {
  Plane p(3, 1);
  p.data = {-0.5f, 0.5f, 2.0f};
  Image c = apply_colormap(p, Colormap::clamp);
  EXPECT_EQ(c.pixels[0], 0);
  EXPECT_EQ(c.pixels[3], 128);
  EXPECT_EQ(c.pixels[6], 255);
  // A shared range wider than this map's own: 2.0 is no longer white.
  Image shared = apply_colormap(p, Colormap::gray, ColorRange{-0.5f, 4.5f});
  EXPECT_EQ(gray_level(2.0f, -0.5f, 4.5f), 128);  // t = 0.5
  EXPECT_EQ(shared.pixels[6], 128);               // matplotlib keeps level 128 as byte 128
}

}  // namespace
}  // namespace filterlens
