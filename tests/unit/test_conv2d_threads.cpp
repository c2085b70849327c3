// The bank over a thread pool: maps and statistics bit for bit the same for 1, 2, 3 and 7
// threads as on the calling thread alone, for every padding mode, stride and dilation, and for a
// bank mixing kernel sizes (each size is its own group of bands) and the fused symmetric 3x3s.
#include <gtest/gtest.h>

#include <cstring>

#include "conv2d.h"
#include "stats.h"
#include "test_util.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

std::vector<Kernel> mixed_bank() {
  std::vector<Kernel> bank = default_bank();  // edge, sharpen, blur: the symmetric 3x3 path
  bank.push_back(test::random_kernel(3, 3, 1));
  bank.push_back(test::random_kernel(5, 5, 2));
  bank.push_back(test::random_kernel(1, 3, 3));
  bank.push_back(test::random_kernel(7, 2, 4));
  return bank;
}

bool same_bits(const Plane& a, const Plane& b) {
  return a.width == b.width && a.height == b.height &&
         std::memcmp(a.data.data(), b.data.data(), sizeof(float) * a.data.size()) == 0;
}

bool same_bits(const MapStats& a, const MapStats& b) {
  return std::memcmp(&a.min, &b.min, sizeof a.min) == 0 &&
         std::memcmp(&a.max, &b.max, sizeof a.max) == 0 &&
         std::memcmp(&a.mean, &b.mean, sizeof a.mean) == 0 && a.histogram == b.histogram;
}

TEST(Conv2dThreads, SameBitsForAnyThreadCount) {
  // Tall enough that every pool splits each map in several bands (at least 16 rows a band).
  const Plane in = test::random_plane(45, 233, 5);
  const std::vector<Kernel> bank = mixed_bank();
  std::vector<std::unique_ptr<ThreadPool>> pools;
  for (int t : {1, 2, 3, 7}) pools.push_back(std::make_unique<ThreadPool>(t));
  int checked = 0;
  for (PaddingMode mode :
       {PaddingMode::zeros, PaddingMode::reflect, PaddingMode::replicate, PaddingMode::circular}) {
    for (int stride : {1, 2, 3}) {
      for (int dilation : {1, 2}) {
        for (int padding : {0, 2}) {
          ConvParams p;
          p.padding = padding;
          p.padding_mode = mode;
          p.stride = stride;
          p.dilation = dilation;
          std::vector<Plane> solo;
          ASSERT_TRUE(conv2d_bank(in, bank, p, ConvImpl::simd, solo));
          std::vector<MapStats> solo_stats;
          for (const Plane& m : solo) solo_stats.push_back(compute_stats(m, 64));
          for (const auto& pool : pools) {
            std::vector<Plane> maps;
            std::vector<MapStats> stats;
            BankRun run;
            run.pool = pool.get();
            run.stats = &stats;
            ASSERT_TRUE(conv2d_bank(in, bank, p, ConvImpl::simd, maps, run));
            ASSERT_EQ(maps.size(), bank.size());
            ASSERT_EQ(stats.size(), bank.size());
            for (std::size_t i = 0; i < bank.size(); ++i) {
              SCOPED_TRACE(std::string(padding_mode_name(mode)) + " stride " +
                           std::to_string(stride) + " dilation " + std::to_string(dilation) +
                           " padding " + std::to_string(padding) + " filter " + bank[i].name +
                           ", " + std::to_string(pool->size()) + " threads");
              EXPECT_TRUE(same_bits(maps[i], solo[i]));
              EXPECT_TRUE(same_bits(stats[i], solo_stats[i]));
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 3 * 2 * 2 * 4 * 7);
}

// The bank's fused statistics mean the same as the reference's, also for an RGB input (where
// they are a pass after the sum over channels).
TEST(Conv2dThreads, FusedStatsMatchReference) {
  ThreadPool pool(3);
  const Plane r = test::random_plane(70, 90, 1), g = test::random_plane(70, 90, 2),
              b = test::random_plane(70, 90, 3);
  std::vector<Kernel> rgb_bank;
  for (std::uint32_t s : {1u, 2u}) {
    Kernel k = test::random_kernel(3, 3, s);
    k.channels = 3;
    for (int c = 1; c < 3; ++c) {
      const Kernel extra = test::random_kernel(3, 3, s + 10 * c);
      k.weights.insert(k.weights.end(), extra.weights.begin(), extra.weights.end());
    }
    rgb_bank.push_back(k);
  }
  for (const auto& [input, bank] : {std::pair{ConvInput::gray(r), mixed_bank()},
                                    std::pair{ConvInput::rgb(r, g, b), rgb_bank}}) {
    for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
      std::vector<Plane> maps;
      std::vector<MapStats> stats;
      BankRun run;
      run.pool = p;
      run.stats = &stats;
      ASSERT_TRUE(conv2d_bank(input, bank, ConvParams{}, ConvImpl::simd, maps, run));
      ASSERT_EQ(stats.size(), maps.size());
      for (std::size_t i = 0; i < maps.size(); ++i) {
        const MapStats ref = compute_stats_reference(maps[i], 64);
        EXPECT_EQ(stats[i].min, ref.min);
        EXPECT_EQ(stats[i].max, ref.max);
        EXPECT_NEAR(stats[i].mean, ref.mean, 1e-6);  // stats.h: 2.5e-7 * mean(|v|)
        EXPECT_EQ(stats[i].histogram, ref.histogram);
      }
    }
  }
}

// stats_bins = 0: the same range and mean as with histograms, no histogram; compute_histograms
// afterwards gives the histograms the bank would have, for any pool.
TEST(Conv2dThreads, ZeroBinsThenSeparateHistograms) {
  const Plane in = test::random_plane(61, 90, 8);
  const std::vector<Kernel> bank = mixed_bank();
  for (int threads : {1, 2, 3, 7}) {
    ThreadPool pool(threads);
    std::vector<Plane> maps, maps64;
    std::vector<MapStats> range, full;
    BankRun run;
    run.pool = &pool;
    run.stats = &range;
    run.stats_bins = 0;
    ASSERT_TRUE(conv2d_bank(in, bank, ConvParams{}, ConvImpl::simd, maps, run));
    run.stats = &full;
    run.stats_bins = 64;
    ASSERT_TRUE(conv2d_bank(in, bank, ConvParams{}, ConvImpl::simd, maps64, run));
    ASSERT_EQ(range.size(), bank.size());
    for (std::size_t i = 0; i < range.size(); ++i) {
      EXPECT_TRUE(range[i].histogram.empty());
      MapStats with = range[i];
      with.histogram = full[i].histogram;
      EXPECT_TRUE(same_bits(with, full[i])) << threads << " threads, map " << i;
    }
    compute_histograms(maps, range, 64, &pool);
    for (std::size_t i = 0; i < range.size(); ++i)
      EXPECT_TRUE(same_bits(range[i], full[i])) << threads << " threads, map " << i;
  }
}

// A failing bank leaves the caller's statistics as they were, like its maps.
TEST(Conv2dThreads, FailureLeavesStatsUntouched) {
  std::vector<Plane> maps(1, Plane(2, 2));
  std::vector<MapStats> stats(1);
  stats[0].min = 42.0f;
  BankRun run;
  run.stats = &stats;
  ConvParams p;
  p.stride = 0;
  EXPECT_FALSE(
      conv2d_bank(test::random_plane(8, 8, 1), default_bank(), p, ConvImpl::simd, maps, run));
  EXPECT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].min, 42.0f);
}

}  // namespace
}  // namespace filterlens
