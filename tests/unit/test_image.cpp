#include <gtest/gtest.h>

#include "image.h"

namespace filterlens {
namespace {

TEST(ToGray, UsesPilIntegerLumaWeights) {
  // Expected levels computed by hand from L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
  Image rgb{4, 1, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30}};
  Plane g = to_gray(rgb);
  ASSERT_EQ(g.width, 4);
  EXPECT_FLOAT_EQ(g.data[0], 76.0f / 255.0f);   // (255*19595+32768)>>16 = 76
  EXPECT_FLOAT_EQ(g.data[1], 150.0f / 255.0f);  // (255*38470+32768)>>16 = 150
  EXPECT_FLOAT_EQ(g.data[2], 29.0f / 255.0f);   // (255*7471+32768)>>16 = 29
  EXPECT_FLOAT_EQ(g.data[3], 124.0f / 255.0f);  // (195950+7694000+224130+32768)>>16 = 124
}

TEST(ToGray, IgnoresAlphaAndPassesGrayThrough) {
  Image rgba{1, 1, 4, {255, 255, 255, 0}};
  EXPECT_FLOAT_EQ(to_gray(rgba).data[0], 1.0f);
  Image ga{2, 1, 2, {7, 0, 200, 255}};
  Image g8 = to_gray_u8(ga);
  EXPECT_EQ(g8.channels, 1);
  EXPECT_EQ(g8.pixels[0], 7);
  EXPECT_EQ(g8.pixels[1], 200);
}

TEST(Resize, ShorterSideLikeTorchvision) {
  Plane p(1920, 1080);
  Plane r = resize_shorter_side(p, 128);
  EXPECT_EQ(r.height, 128);
  EXPECT_EQ(r.width, 227);  // int(128 * 1920 / 1080) = int(227.55)
  Plane tall(30, 100);
  Plane t = resize_shorter_side(tall, 15);
  EXPECT_EQ(t.width, 15);
  EXPECT_EQ(t.height, 50);
}

TEST(Resize, ConstantStaysConstantAndAveragesWhenShrinking) {
  Plane p(64, 64);
  for (float& v : p.data) v = 0.25f;
  Plane r = resize_bilinear_aa(p, 16, 16);
  for (float v : r.data) EXPECT_NEAR(v, 0.25f, 1e-6f);
  // A 1-pixel checkerboard shrunk 4x averages to 0.5 everywhere (antialiasing, not sampling).
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) p.data[static_cast<std::size_t>(y) * 64 + x] = float((x + y) & 1);
  r = resize_bilinear_aa(p, 16, 16);
  for (int y = 1; y < 15; ++y)
    for (int x = 1; x < 15; ++x) EXPECT_NEAR(r.at(x, y), 0.5f, 1e-6f);
}

TEST(Resize, EmptyOrNonPositiveGivesEmpty) {
  EXPECT_TRUE(resize_shorter_side(Plane(), 10).empty());
  EXPECT_TRUE(resize_shorter_side(Plane(4, 4), 0).empty());
}

}  // namespace
}  // namespace filterlens
