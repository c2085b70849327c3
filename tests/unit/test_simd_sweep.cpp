// The SIMD kernel against the scalar reference over the edges of the parameter space: kernel
// sizes 1..31 (square and rectangular), every padding mode, stride 1..3, dilation 1..3, widths
// 1 .. 3 x vector width + 1, heights 1..5 and larger, banks of 1..6 kernels, and banks of
// symmetric 3x3 kernels (the fused path) mixed with general ones.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "conv2d.h"
#include "test_util.h"

namespace filterlens {
namespace {

constexpr int kVectorWidth = 4;

// |simd - ref| <= 1e-5 * max(1, sum |w|): float32 accumulation against double.
// Returns whether both implementations ran (the parameters were valid). Invalid parameters are
// refused by the validation both share, before either implementation runs: such a case checks
// that the refusal is the same, and is not counted as SIMD-versus-reference coverage.
bool expect_same(const Plane& in, const std::vector<Kernel>& bank, const ConvParams& p,
                 const std::string& what) {
  std::vector<Plane> ref, simd;
  Status rs = conv2d_bank(in, bank, p, ConvImpl::reference, ref);
  Status ss = conv2d_bank(in, bank, p, ConvImpl::simd, simd);
  EXPECT_EQ(bool(rs), bool(ss)) << what;
  if (!rs || !ss) {
    EXPECT_EQ(rs.error(), ss.error()) << what;
    return false;
  }
  EXPECT_EQ(ref.size(), simd.size());
  for (std::size_t f = 0; f < ref.size(); ++f) {
    EXPECT_EQ(ref[f].width, simd[f].width) << what;
    EXPECT_EQ(ref[f].height, simd[f].height) << what;
    if (ref[f].data.size() != simd[f].data.size()) return true;
    double l1 = 0;
    for (float w : bank[f].weights) l1 += std::fabs(w);
    const double tol = 1e-5 * std::max(1.0, l1);
    for (std::size_t i = 0; i < ref[f].data.size(); ++i) {
      if (std::fabs(ref[f].data[i] - simd[f].data[i]) > tol) {
        ADD_FAILURE() << what << " filter " << f << " at " << (i % ref[f].width) << ","
                      << (i / ref[f].width) << ": " << ref[f].data[i] << " vs " << simd[f].data[i];
        return true;
      }
    }
  }
  return true;
}

std::string describe(int w, int h, int kw, int kh, const ConvParams& p) {
  return std::to_string(w) + "x" + std::to_string(h) + " k" + std::to_string(kw) + "x" +
         std::to_string(kh) + " " + padding_mode_name(p.padding_mode) + " p" +
         std::to_string(p.padding) + " s" + std::to_string(p.stride) + " d" +
         std::to_string(p.dilation);
}

const PaddingMode kModes[] = {PaddingMode::zeros, PaddingMode::reflect, PaddingMode::replicate,
                              PaddingMode::circular};

TEST(SimdSweep, SmallImagesEverySizeModeStrideDilation) {
  std::uint32_t seed = 1;
  int both_ran = 0, refused = 0;
  for (int k = 1; k <= 15; k += (k < 7 ? 1 : 4)) {  // 1..7, 11, 15
    for (PaddingMode mode : kModes) {
      for (int stride = 1; stride <= 3; ++stride) {
        for (int dil = 1; dil <= 3; ++dil) {
          for (int w = 1; w <= 3 * kVectorWidth + 1; ++w) {
            for (int h : {1, 2, 3, 4, 5, 9}) {
              ConvParams p;
              p.padding_mode = mode;
              p.stride = stride;
              p.dilation = dil;
              p.padding = std::min((k / 2) * dil, std::min(w, h) - (mode == PaddingMode::reflect));
              const Plane in = test::random_plane(w, h, seed++);
              if (expect_same(in, {test::random_kernel(k, k, seed++)}, p, describe(w, h, k, k, p)))
                ++both_ran;
              else
                ++refused;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(both_ran, 12000);  // SIMD compared with the reference, element by element
  std::printf(
      "%d configurations compared (both implementations ran); %d invalid ones refused "
      "alike by the shared validation\n",
      both_ran, refused);
}

// Kernels 16..31 (kMaxKernelSize became 31 for real networks' first layers, issue 12): taps
// lists of up to 961 entries, rows wider than the image's, every mode, stride and dilation 1..2.
TEST(SimdSweep, LargeKernelsUpTo31) {
  std::uint32_t seed = 5000;
  int both_ran = 0;
  for (int kw : {16, 19, 24, 31}) {
    for (int kh : {17, 31}) {
      for (PaddingMode mode : kModes) {
        for (int stride = 1; stride <= 2; ++stride) {
          for (int dil = 1; dil <= 2; ++dil) {
            ConvParams p;
            p.padding_mode = mode;
            p.stride = stride;
            p.dilation = dil;
            p.padding = std::min(kw, kh) / 2;
            const int w = 35 + (seed % 7), h = 33 + (seed % 5);
            const Plane in = test::random_plane(w, h, seed++);
            std::vector<Kernel> bank{test::random_kernel(kw, kh, seed++),
                                     test::random_kernel(kw, kh, seed++)};
            if (expect_same(in, bank, p, describe(w, h, kw, kh, p))) ++both_ran;
          }
        }
      }
    }
  }
  EXPECT_GE(both_ran, 90);  // of 128: dilation 2 makes a few kernels larger than the image
}

TEST(SimdSweep, RectangularKernelsAndBanks) {
  std::uint32_t seed = 1000;
  for (int kw = 1; kw <= 15; kw += 2) {
    for (int kh = 1; kh <= 15; kh += 3) {
      for (PaddingMode mode : kModes) {
        for (int nf = 1; nf <= 6; nf += 2) {  // 1, 3, 5 kernels: 4-wide sweeps plus a remainder
          ConvParams p;
          p.padding_mode = mode;
          p.padding = std::min(kw, kh) / 2;
          std::vector<Kernel> bank;
          for (int f = 0; f < nf; ++f) bank.push_back(test::random_kernel(kw, kh, seed++));
          const Plane in = test::random_plane(37, 23, seed++);
          expect_same(in, bank, p, describe(37, 23, kw, kh, p));
        }
      }
    }
  }
}

// A random 3x3 kernel with the square's symmetry, [a b a; b c b; a b a]: the SIMD kernel fuses
// these into one sweep (stride 1, dilation 1) and reads the edge columns from padded strips.
Kernel random_symmetric_kernel(std::uint32_t seed) {
  const Kernel r = test::random_kernel(3, 1, seed);
  const float a = r.weights[0], b = r.weights[1], c = r.weights[2];
  return Kernel{"s" + std::to_string(seed), "symmetric", 3, 3, {a, b, a, b, c, b, a, b, a}};
}

TEST(SimdSweep, SymmetricBanksMixedWithGeneralKernels) {
  std::uint32_t seed = 5000;
  int compared = 0;
  for (PaddingMode mode : kModes) {
    for (int stride = 1; stride <= 2; ++stride) {
      for (int dil = 1; dil <= 2; ++dil) {
        for (int nf = 1; nf <= 6; ++nf) {  // up to 4 fused, then a remainder
          for (int w = 1; w <= 3 * kVectorWidth + 1; ++w) {
            for (int h : {1, 2, 3, 7}) {
              for (int pad = 0; pad <= 2; ++pad) {
                ConvParams p;
                p.padding_mode = mode;
                p.stride = stride;
                p.dilation = dil;
                p.padding = pad;
                std::vector<Kernel> bank;
                for (int f = 0; f < nf; ++f) bank.push_back(random_symmetric_kernel(seed++));
                if (nf % 2 == 0) bank.insert(bank.begin() + 1, test::random_kernel(3, 3, seed++));
                const Plane in = test::random_plane(w, h, seed++);
                expect_same(in, bank, p, describe(w, h, 3, 3, p) + " bank " + std::to_string(nf));
                ++compared;
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 4 * 2 * 2 * 6 * 13 * 4 * 3);  // 14,976 banks
}

TEST(SimdSweep, LargerImagesWithThePresets) {
  const Plane in = test::random_plane(131, 77, 7);
  for (PaddingMode mode : kModes) {
    for (int stride = 1; stride <= 3; ++stride) {
      ConvParams p;
      p.padding_mode = mode;
      p.stride = stride;
      p.padding = 2;
      expect_same(in, kernel_presets(), p, describe(131, 77, 0, 0, p));
    }
  }
}

}  // namespace
}  // namespace filterlens
