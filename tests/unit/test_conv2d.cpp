// Hand-worked cases of the conv2d contract, run against both implementations.
#include <gtest/gtest.h>

#include "conv2d.h"
#include "test_util.h"

namespace filterlens {
namespace {

using test::delta_kernel;

Plane ramp(int w, int h) {  // value(x, y) = x + 10 y: every sample says where it came from
  Plane p(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) p.data[static_cast<std::size_t>(y) * w + x] = float(x + 10 * y);
  return p;
}

class Conv2dBothImpls : public ::testing::TestWithParam<ConvImpl> {
 protected:
  Plane run(const Plane& in, const Kernel& k, const ConvParams& p) {
    std::vector<Plane> out;
    Status s = conv2d_bank(in, {k}, p, GetParam(), out);
    EXPECT_TRUE(s) << s.error();
    return s ? out[0] : Plane();
  }
};

TEST_P(Conv2dBothImpls, NotebookEdgeOnA3x3ByHand) {
  Plane in(3, 3);
  for (int i = 0; i < 9; ++i) in.data[static_cast<std::size_t>(i)] = float(i + 1);  // 1..9
  Plane out = run(in, find_preset("edge").value(), ConvParams{});
  ASSERT_EQ(out.width, 3);
  ASSERT_EQ(out.height, 3);
  EXPECT_FLOAT_EQ(out.at(1, 1), 8 * 5 - (1 + 2 + 3 + 4 + 6 + 7 + 8 + 9));  // 0
  EXPECT_FLOAT_EQ(out.at(0, 0), 8 * 1 - (2 + 4 + 5));                      // -3
  EXPECT_FLOAT_EQ(out.at(2, 2), 8 * 9 - (5 + 6 + 8));                      // 53
  Plane sharp = run(in, find_preset("sharpen").value(), ConvParams{});
  EXPECT_FLOAT_EQ(sharp.at(1, 0), 5 * 2 - (1 + 3 + 5));  // 1
}

TEST_P(Conv2dBothImpls, IdentityKeepsTheImageInEveryMode) {
  const Plane in = test::random_plane(11, 7, 3);
  for (PaddingMode m :
       {PaddingMode::zeros, PaddingMode::reflect, PaddingMode::replicate, PaddingMode::circular}) {
    ConvParams p;
    p.padding_mode = m;
    Plane out = run(in, find_preset("identity").value(), p);
    EXPECT_EQ(out.data, in.data) << padding_mode_name(m);
  }
}

TEST_P(Conv2dBothImpls, PaddingModesPutTheRightSampleLeftOfTheEdge) {
  const Plane in = ramp(5, 4);
  const Kernel left = delta_kernel(3, 3, 0, 1);  // out(x, y) = in(x - 1, y)
  ConvParams p;
  p.padding_mode = PaddingMode::zeros;
  EXPECT_FLOAT_EQ(run(in, left, p).at(0, 2), 0.0f);
  p.padding_mode = PaddingMode::reflect;
  EXPECT_FLOAT_EQ(run(in, left, p).at(0, 2), 1 + 20);  // in(1, 2)
  p.padding_mode = PaddingMode::replicate;
  EXPECT_FLOAT_EQ(run(in, left, p).at(0, 2), 0 + 20);  // in(0, 2)
  p.padding_mode = PaddingMode::circular;
  EXPECT_FLOAT_EQ(run(in, left, p).at(0, 2), 4 + 20);  // in(4, 2)
  EXPECT_FLOAT_EQ(run(in, left, p).at(3, 2), 2 + 20);  // inside: in(2, 2)
  // Above the top edge, reflect with padding 2: row -2 mirrors to row 2.
  p.padding_mode = PaddingMode::reflect;
  p.padding = 2;
  const Plane up = run(in, delta_kernel(1, 1, 0, 0), p);  // 1x1, padding 2: a bordered copy
  ASSERT_EQ(up.width, 9);
  EXPECT_FLOAT_EQ(up.at(2, 0), 0 + 10 * 2);
  EXPECT_FLOAT_EQ(up.at(0, 2), 2 + 0);
}

TEST_P(Conv2dBothImpls, StrideSamplesEveryOtherPixel) {
  const Plane in = ramp(7, 5);
  ConvParams p;
  p.padding = 0;
  p.stride = 2;
  const Plane out = run(in, delta_kernel(1, 1, 0, 0), p);
  ASSERT_EQ(out.width, 4);   // floor((7 - 1) / 2) + 1
  ASSERT_EQ(out.height, 3);  // floor((5 - 1) / 2) + 1
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_FLOAT_EQ(out.at(x, y), float(2 * x + 20 * y));
}

TEST_P(Conv2dBothImpls, DilationSpreadsTheTaps) {
  const Plane in = ramp(8, 8);
  ConvParams p;
  p.padding = 2;
  p.dilation = 2;
  // Tap (2, 2) at dilation 2 reads 4 samples right and down, minus the padding of 2.
  const Plane out = run(in, delta_kernel(3, 3, 2, 2), p);
  ASSERT_EQ(out.width, 8);
  EXPECT_FLOAT_EQ(out.at(1, 3), float(3 + 10 * 5));
  EXPECT_FLOAT_EQ(out.at(6, 0), 0.0f);  // x + 2 = 8 is outside: zero padding
}

TEST_P(Conv2dBothImpls, FlipMakesTrueConvolution) {
  const Plane in = ramp(6, 6);
  ConvParams p;
  p.flip = true;
  // Cross-correlation with a 1 at (0, 0) reads up-left; convolution reads down-right.
  const Plane out = run(in, delta_kernel(3, 3, 0, 0), p);
  EXPECT_FLOAT_EQ(out.at(2, 2), float(3 + 10 * 3));
}

TEST_P(Conv2dBothImpls, OneByOneImage) {
  Plane in(1, 1);
  in.data[0] = 0.5f;
  const Plane out = run(in, find_preset("edge").value(), ConvParams{});
  ASSERT_EQ(out.width, 1);
  EXPECT_FLOAT_EQ(out.at(0, 0), 4.0f);
  ConvParams rep;
  rep.padding_mode = PaddingMode::replicate;
  EXPECT_FLOAT_EQ(run(in, find_preset("edge").value(), rep).at(0, 0), 0.0f);
}

TEST_P(Conv2dBothImpls, MixedSizesInOneBank) {
  const Plane in = test::random_plane(9, 6, 1);
  std::vector<Plane> out;
  ASSERT_TRUE(conv2d_bank(in, {find_preset("edge").value(), find_preset("gaussian5").value()},
                          ConvParams{}, GetParam(), out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].width, 9);
  EXPECT_EQ(out[1].width, 7);  // 5x5 with padding 1 shrinks by 2
  EXPECT_EQ(out[1].height, 4);
}

INSTANTIATE_TEST_SUITE_P(Impl, Conv2dBothImpls,
                         ::testing::Values(ConvImpl::reference, ConvImpl::simd),
                         [](const ::testing::TestParamInfo<ConvImpl>& param_info) {
                           return param_info.param == ConvImpl::reference ? "reference" : "simd";
                         });

TEST(Conv2dOutputSize, TorchFormula) {
  ConvParams p;
  p.padding = 1;
  p.stride = 2;
  p.dilation = 2;
  auto s = conv2d_output_size(7, 10, 3, 3, p);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().width, 3);   // floor((7 + 2 - 4 - 1) / 2) + 1
  EXPECT_EQ(s.value().height, 4);  // floor((10 + 2 - 4 - 1) / 2) + 1
}

TEST(Conv2dOutputSize, RefusesWhatTorchRefuses) {
  ConvParams p;
  p.padding_mode = PaddingMode::reflect;
  p.padding = 3;
  EXPECT_NE(conv2d_output_size(3, 10, 3, 3, p).error().find("reflect padding of 3"),
            std::string::npos);
  p.padding_mode = PaddingMode::circular;
  p.padding = 4;
  EXPECT_NE(conv2d_output_size(3, 10, 3, 3, p).error().find("wrap around"), std::string::npos);
  p = ConvParams{};
  p.padding = 0;
  EXPECT_NE(conv2d_output_size(2, 2, 3, 3, p).error().find("larger than the padded image"),
            std::string::npos);
  // Pixel sizes are width x height, as the image's size everywhere: a 451 x 300 image padded by 1.
  p.padding = 1;
  p.dilation = 600;
  EXPECT_EQ(conv2d_output_size(451, 300, 3, 3, p).error(),
            "the kernel (3 rows x 3 columns, dilation 600) covers 1201 x 1201 pixels (width x "
            "height): larger than the padded image (453 x 302)");
  p.dilation = 1;
  // A kernel 9 rows tall and 1 column wide covers 1 pixel across and 9 down.
  EXPECT_EQ(conv2d_output_size(451, 2, 1, 9, p).error(),
            "the kernel (9 rows x 1 column, dilation 1) covers 1 x 9 pixels (width x height): "
            "larger than the padded image (453 x 4)");
  p.stride = 0;
  EXPECT_NE(conv2d_output_size(8, 8, 3, 3, p).error().find("stride"), std::string::npos);
  p = ConvParams{};
  p.dilation = 0;
  EXPECT_NE(conv2d_output_size(8, 8, 3, 3, p).error().find("dilation"), std::string::npos);
  p = ConvParams{};
  p.padding = -1;
  EXPECT_NE(conv2d_output_size(8, 8, 3, 3, p).error().find("padding"), std::string::npos);
}

TEST(Conv2dBank, FailureLeavesOutputsAlone) {
  std::vector<Plane> out{Plane(2, 2)};
  out[0].data[0] = 42.0f;
  Kernel bad{"bad", "", 32, 1, std::vector<float>(32, 1.0f)};
  Status s = conv2d_bank(test::random_plane(20, 20, 1), {bad}, ConvParams{}, ConvImpl::simd, out);
  EXPECT_FALSE(s);
  EXPECT_NE(s.error().find("sizes from 1 to 31"), std::string::npos);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data[0], 42.0f);
  EXPECT_FALSE(
      conv2d_bank(Plane(), {find_preset("edge").value()}, ConvParams{}, ConvImpl::simd, out));
}

TEST(PaddedIndex, EveryModeAtBothEnds) {
  EXPECT_EQ(padded_index(-1, 5, PaddingMode::zeros), -1);
  EXPECT_EQ(padded_index(-2, 5, PaddingMode::reflect), 2);
  EXPECT_EQ(padded_index(6, 5, PaddingMode::reflect), 2);
  EXPECT_EQ(padded_index(-3, 5, PaddingMode::replicate), 0);
  EXPECT_EQ(padded_index(7, 5, PaddingMode::replicate), 4);
  EXPECT_EQ(padded_index(-1, 5, PaddingMode::circular), 4);
  EXPECT_EQ(padded_index(5, 5, PaddingMode::circular), 0);
}

}  // namespace
}  // namespace filterlens
