// conv2d_layer_accumulate against its definition (conv2d_layer.h) written as plain loops in
// double, over channel counts, kernel sizes (1x1 up to larger than conv2d_bank allows), output
// widths around the vector width, zero weights, channel gaps and accumulation onto existing values.
// Inputs are sized with exactly the documented slack, so ASan builds catch any read past it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "conv2d_layer.h"
#include "test_util.h"

namespace filterlens {
namespace {

struct Case {
  int in_channels, out_channels, height, width, kh, kw;
  std::ptrdiff_t gap;  // floats between one input plane's end and the next one's start
};

std::string describe(const Case& c) {
  return std::to_string(c.in_channels) + "->" + std::to_string(c.out_channels) + " " +
         std::to_string(c.width) + "x" + std::to_string(c.height) + " k" + std::to_string(c.kw) +
         "x" + std::to_string(c.kh) + " gap " + std::to_string(c.gap);
}

void check(const Case& c, std::uint32_t seed, ConvLayerWorkspace& ws) {
  const std::ptrdiff_t plane = static_cast<std::ptrdiff_t>(c.height) * c.width;
  const std::ptrdiff_t stride = plane + c.gap;
  std::vector<float> in(static_cast<std::size_t>(stride * (c.in_channels - 1) + plane) +
                        kConvLayerSlack);
  const Plane values = test::random_plane(static_cast<int>(in.size()), 1, seed);
  in = values.data;
  Kernel w = test::random_kernel(c.kw * c.kh, c.in_channels * c.out_channels, seed + 1);
  for (std::size_t i = 0; i < w.weights.size(); i += 3) w.weights[i] = 0.0f;  // skipped taps
  const int oh = c.height - c.kh + 1, ow = c.width - c.kw + 1;
  const Plane start = test::random_plane(ow * oh * c.out_channels, 1, seed + 2);
  std::vector<float> out = start.data;

  conv2d_layer_accumulate({in.data(), c.in_channels, c.height, c.width, stride}, w.weights.data(),
                          c.kh, c.kw, {out.data(), c.out_channels, oh, ow, ow * oh}, ws);

  for (int o = 0; o < c.out_channels; ++o)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        double sum = 0.0, l1 = 0.0;
        for (int ch = 0; ch < c.in_channels; ++ch)
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx) {
              const double wv = w.weights[static_cast<std::size_t>(
                  ((o * c.in_channels + ch) * c.kh + ky) * c.kw + kx)];
              sum += wv * in[static_cast<std::size_t>(ch * stride + (y + ky) * c.width + x + kx)];
              l1 += std::fabs(wv);
            }
        const std::size_t i = static_cast<std::size_t>((o * oh + y) * ow + x);
        const double expected = start.data[i] + sum;
        ASSERT_NEAR(out[i], expected, 1e-5 * std::max(1.0, l1))
            << describe(c) << " output " << o << " at " << x << "," << y;
      }
}

TEST(ConvLayer, MatchesItsDefinition) {
  ConvLayerWorkspace ws;  // shared across cases, as the CNN shares it across layers
  std::uint32_t seed = 1;
  int cases = 0;
  for (int in_channels : {1, 3})
    for (int out_channels : {1, 2, 5})
      for (int k : {1, 2, 3, 5})
        for (int ow = 1; ow <= 13; ++ow)
          for (int oh : {1, 2, 4})
            for (std::ptrdiff_t gap : {0, 7}) {
              check({in_channels, out_channels, oh + k - 1, ow + k - 1, k, k, gap}, seed, ws);
              seed += 3;
              ++cases;
            }
  EXPECT_EQ(cases, 2 * 3 * 4 * 13 * 3 * 2);
}

TEST(ConvLayer, KernelsLargerThanTheBankAllowsAndRectangular) {
  ConvLayerWorkspace ws;
  // The CNN's weight gradients: conv1 correlates a 32 x 32 input with a 28 x 28 "kernel", conv2
  // an 18 x 18 input with 14 x 14 ones; both give 5 x 5.
  check({1, 8, 32, 32, 28, 28, 0}, 11, ws);
  check({1, 16, 18, 18, 14, 14, 0}, 12, ws);
  check({8, 16, 18, 18, 5, 5, 0}, 13, ws);  // conv2's forward pass
  check({2, 3, 9, 20, 3, 7, 5}, 14, ws);
  check({2, 3, 20, 9, 7, 3, 0}, 15, ws);
  check({2, 3, 5, 40, 3, 4, 0}, 16, ws);  // rows of 37: wider than one pass keeps in registers
  check({1, 2, 4, 36, 1, 4, 3}, 17, ws);  // 33: one past it
}

TEST(ConvLayer, AllZeroWeightsLeaveTheOutputAlone) {
  ConvLayerWorkspace ws;
  std::vector<float> in(6 * 6 + kConvLayerSlack, 1.0f);
  const std::vector<float> w(9, 0.0f);
  std::vector<float> out(16, 2.5f);
  conv2d_layer_accumulate({in.data(), 1, 6, 6, 36}, w.data(), 3, 3, {out.data(), 1, 4, 4, 16}, ws);
  for (float v : out) EXPECT_EQ(v, 2.5f);
}

TEST(ConvLayer, PadPlanesPutsZerosAroundEachPlane) {
  const std::vector<float> planes = {1, 2, 3, 4, 5, 6, 7, 8};  // two 2 x 2 planes
  PaddedPlanes padded;
  pad_planes(planes.data(), 2, 2, 1, padded);
  ASSERT_EQ(padded.view.channels, 2);
  ASSERT_EQ(padded.view.width, 4);
  ASSERT_EQ(padded.view.height, 4);
  ASSERT_EQ(padded.view.channel_stride, 16);
  const std::vector<float> expected = {0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<float>(padded.data.begin(), padded.data.begin() + 32), expected);
  EXPECT_GE(padded.data.size(), 32u + kConvLayerSlack);
}

}  // namespace
}  // namespace filterlens
