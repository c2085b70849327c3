// compute_stats (SIMD, optionally threaded) against compute_stats_reference (the definition):
// identical range and histogram counts, the mean within 2.5e-7 * mean(|v|), and the same bits for
// any pool size.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <thread>
#include <vector>

#include "stats.h"
#include "test_util.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

TEST(Stats, RangeMeanHistogram) {
  Plane p(4, 1);
  p.data = {-1.0f, 0.0f, 0.5f, 3.0f};
  for (const MapStats& s : {compute_stats_reference(p, 4), compute_stats(p, 4)}) {
    // bins of width 1 over [-1, 3]
    EXPECT_EQ(s.min, -1.0f);
    EXPECT_EQ(s.max, 3.0f);
    EXPECT_DOUBLE_EQ(s.mean, 0.625);
    EXPECT_EQ(s.histogram, (std::vector<std::uint32_t>{1, 2, 0, 1}));
  }
}

TEST(Stats, ConstantAndEmpty) {
  Plane p(3, 3);
  MapStats s = compute_stats(p, 8);
  EXPECT_EQ(s.histogram[0], 9u);
  EXPECT_EQ(compute_stats(Plane(), 8).histogram.size(), 8u);
  EXPECT_EQ(compute_stats_reference(Plane(), 8).histogram.size(), 8u);
}

// The fast result against the reference. The mean's tolerance: blocks of 32 values are summed
// as float trees (3 roundings per lane, each within 2^-24 of the partial), so the fast sum is
// within 3 * 2^-24 of the sum of |v|; 2.5e-7 leaves room for the double sums' own roundings.
void expect_matches_reference(const Plane& p, int bins, const MapStats& fast,
                              const std::string& what) {
  const MapStats ref = compute_stats_reference(p, bins);
  SCOPED_TRACE(what);
  if (std::isnan(ref.min)) {
    EXPECT_TRUE(std::isnan(fast.min));
    EXPECT_TRUE(std::isnan(fast.max));
  } else {
    EXPECT_EQ(fast.min, ref.min);
    EXPECT_EQ(fast.max, ref.max);
  }
  if (std::isfinite(ref.mean)) {
    double scale = 0.0;
    for (float v : p.data) scale += std::fabs(v);
    scale /= static_cast<double>(std::max<std::size_t>(1, p.data.size()));
    EXPECT_NEAR(fast.mean, ref.mean, 2.5e-7 * std::max(scale, 1e-30));
  } else {
    EXPECT_EQ(std::isnan(fast.mean), std::isnan(ref.mean));
    if (!std::isnan(ref.mean)) {
      EXPECT_EQ(fast.mean, ref.mean);
    }
  }
  EXPECT_EQ(fast.histogram, ref.histogram);
}

TEST(Stats, SweepMatchesReference) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> wide(-3.0f, 5.0f);
  std::uniform_int_distribution<int> level(0, 6);
  for (int h = 1; h <= 9; ++h) {
    for (int w = 1; w <= 67; ++w) {
      Plane p(w, h);
      // Half the planes take few distinct values, so many sit exactly on min, max and bin edges.
      const bool coarse = (w + h) % 2 == 0;
      for (float& v : p.data) v = coarse ? static_cast<float>(level(rng)) * 0.25f : wide(rng);
      for (int bins : {1, 7, 64}) {
        expect_matches_reference(
            p, bins, compute_stats(p, bins),
            std::to_string(w) + "x" + std::to_string(h) + " bins " + std::to_string(bins));
      }
    }
  }
}

TEST(Stats, ConstantMaps) {
  for (float c : {0.0f, -0.0f, 1.5f, -7.25f, 1e30f}) {
    for (int w : {1, 4, 5, 33}) {
      Plane p(w, 3);
      std::fill(p.data.begin(), p.data.end(), c);
      const MapStats s = compute_stats(p, 64);
      expect_matches_reference(p, 64, s, "constant " + std::to_string(c));
      EXPECT_EQ(s.histogram[0], static_cast<std::uint32_t>(w * 3));
    }
  }
}

// Values exactly on the bin edges lo + k (hi - lo) / bins, and the floats either side of them:
// the one place where a bin computed in float instead of the reference's double would differ.
TEST(Stats, ValuesOnBinEdges) {
  for (auto [lo, hi] : {std::pair{0.0f, 64.0f}, std::pair{-1.3f, 2.7f}, std::pair{0.1f, 0.7f},
                        std::pair{-1e-3f, 5e4f}}) {
    for (int bins : {3, 10, 64}) {
      std::vector<float> values{lo, hi};
      for (int k = 1; k < bins; ++k) {
        const float e = static_cast<float>(lo + k * (static_cast<double>(hi) - lo) / bins);
        values.push_back(e);
        values.push_back(std::nextafter(e, -INFINITY));
        values.push_back(std::nextafter(e, INFINITY));
      }
      for (int w : {static_cast<int>(values.size()), 5}) {
        const int h = static_cast<int>((values.size() + static_cast<std::size_t>(w) - 1) / w);
        Plane p(w, h);
        for (std::size_t i = 0; i < p.data.size(); ++i) p.data[i] = values[i % values.size()];
        expect_matches_reference(p, bins, compute_stats(p, bins), "edges");
      }
    }
  }
}

TEST(Stats, NonFiniteValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    const char* name;
    int at;  // where the special value goes (-1: at every 5th pixel)
    float value;
  };
  for (const Case& c :
       {Case{"NaN first", 0, nan}, Case{"NaN inside", 13, nan},
        Case{"NaN in a lane > 0 of the first vector", 2, nan}, Case{"NaN every 5th", -1, nan},
        Case{"+inf", 9, inf}, Case{"-inf", 21, -inf}, Case{"+inf first", 0, inf}}) {
    Plane p = test::random_plane(11, 4, 3);
    p.data[5] = -2.0f;  // a minimum behind the special value, in lane 1 of a vector
    if (c.at >= 0) {
      p.data[static_cast<std::size_t>(c.at)] = c.value;
    } else {
      for (std::size_t i = 0; i < p.data.size(); i += 5) p.data[i] = c.value;
    }
    expect_matches_reference(p, 64, compute_stats(p, 64), c.name);
  }
  Plane both(6, 2);
  both.data = {1.0f, inf, -inf, 2.0f, 3.0f, nan, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f};
  expect_matches_reference(both, 64, compute_stats(both, 64), "+inf and -inf");
}

bool same_bits(const MapStats& a, const MapStats& b) {
  return std::memcmp(&a.min, &b.min, sizeof a.min) == 0 &&
         std::memcmp(&a.max, &b.max, sizeof a.max) == 0 &&
         std::memcmp(&a.mean, &b.mean, sizeof a.mean) == 0 && a.histogram == b.histogram;
}

TEST(Stats, SameBitsForAnyPoolSize) {
  for (int threads : {1, 2, 3, 7}) {
    ThreadPool pool(threads);
    for (auto [w, h] : {std::pair{301, 257}, std::pair{5, 400}, std::pair{64, 17}}) {
      Plane p = test::random_plane(w, h, 11);
      for (std::size_t i = 0; i < p.data.size(); i += 97) p.data[i] *= -40.0f;
      const MapStats solo = compute_stats(p, 64);
      const MapStats banded = compute_stats(p, 64, &pool);
      EXPECT_TRUE(same_bits(solo, banded)) << threads << " threads, " << w << "x" << h;
      expect_matches_reference(p, 64, banded, "pooled");
    }
  }
}

// bins = 0: range and mean only, no histogram, in both implementations and through the bank.
TEST(Stats, NoHistogramWhenZeroBins) {
  const Plane p = test::random_plane(37, 21, 4);
  for (const MapStats& s : {compute_stats_reference(p, 0), compute_stats(p, 0)}) {
    EXPECT_TRUE(s.histogram.empty());
    const MapStats full = compute_stats_reference(p, 64);
    EXPECT_EQ(s.min, full.min);
    EXPECT_EQ(s.max, full.max);
    EXPECT_NEAR(s.mean, full.mean, 2.5e-7);
  }
  EXPECT_TRUE(compute_stats(Plane(), 0).histogram.empty());
  ThreadPool pool(3);
  const MapStats pooled = compute_stats(p, 0, &pool);
  EXPECT_TRUE(pooled.histogram.empty());
  EXPECT_TRUE(same_bits(pooled, compute_stats(p, 0)));
}

// compute_histograms after range-only statistics: the reference's counts, for any pool size.
void expect_histograms_match(const std::vector<Plane>& maps, int bins, const std::string& what) {
  std::vector<MapStats> solo;
  for (const Plane& m : maps) solo.push_back(compute_stats(m, 0));
  std::vector<MapStats> ranges = solo;
  compute_histograms(maps, solo, bins);
  for (int threads : {1, 2, 3, 7}) {
    ThreadPool pool(threads);
    std::vector<MapStats> pooled = ranges;
    compute_histograms(maps, pooled, bins, &pool);
    for (std::size_t i = 0; i < maps.size(); ++i) {
      const MapStats ref = compute_stats_reference(maps[i], bins);
      SCOPED_TRACE(what + ", map " + std::to_string(i) + ", " + std::to_string(threads) +
                   " threads, " + std::to_string(bins) + " bins");
      ASSERT_EQ(pooled[i].histogram.size(), static_cast<std::size_t>(bins));
      EXPECT_EQ(pooled[i].histogram, ref.histogram);
      EXPECT_TRUE(same_bits(pooled[i], solo[i]));
      // The range is left as it was.
      EXPECT_EQ(std::memcmp(&pooled[i].mean, &ranges[i].mean, sizeof(double)), 0);
    }
  }
}

TEST(Stats, SeparateHistogramsMatchReference) {
  std::vector<Plane> maps;
  maps.push_back(test::random_plane(1920 / 8, 1080 / 8, 1));  // several bands per pool thread
  Plane coarse(301, 77);  // few distinct values: many exactly on min, max and bin edges
  for (std::size_t i = 0; i < coarse.data.size(); ++i)
    coarse.data[i] = static_cast<float>(i * 7 % 9) * 0.125f - 0.5f;
  maps.push_back(coarse);
  Plane constant(33, 5);
  std::fill(constant.data.begin(), constant.data.end(), -2.5f);
  maps.push_back(constant);
  maps.push_back(Plane());
  maps.push_back(test::random_plane(3, 1, 9));   // shorter than one SIMD step
  Plane wide = test::random_plane(250, 200, 3);  // a range over many orders of magnitude
  for (std::size_t i = 0; i < wide.data.size(); i += 13) wide.data[i] *= 1e6f;
  maps.push_back(wide);
  for (int bins : {1, 7, 64, 255, 1000, 5000}) expect_histograms_match(maps, bins, "mixed maps");
}

TEST(Stats, SeparateHistogramsOnBinEdges) {
  std::vector<Plane> maps;
  for (auto [lo, hi] : {std::pair{0.0f, 64.0f}, std::pair{-1.3f, 2.7f}, std::pair{0.1f, 0.7f},
                        std::pair{-1e-3f, 5e4f}, std::pair{1e-20f, 3e-20f}}) {
    std::vector<float> values{lo, hi};
    for (int k = 1; k < 64; ++k) {
      const float e = static_cast<float>(lo + k * (static_cast<double>(hi) - lo) / 64);
      for (float v : {e, std::nextafter(e, -INFINITY), std::nextafter(e, INFINITY),
                      std::nextafter(std::nextafter(e, INFINITY), INFINITY)})
        if (v >= lo && v <= hi) values.push_back(v);
    }
    Plane p(static_cast<int>(values.size()), 3);
    for (std::size_t i = 0; i < p.data.size(); ++i) p.data[i] = values[(i * 5) % values.size()];
    maps.push_back(p);
  }
  expect_histograms_match(maps, 64, "bin edges");
  expect_histograms_match(maps, 3, "bin edges");
}

TEST(Stats, SeparateHistogramsNonFinite) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<Plane> maps;
  for (float special : {nan, inf, -inf}) {
    for (int at : {0, 2, 17, 40}) {
      Plane p = test::random_plane(41, 3, 5);
      p.data[static_cast<std::size_t>(at)] = special;
      maps.push_back(p);
    }
  }
  Plane both(6, 2);
  both.data = {1.0f, inf, -inf, 2.0f, 3.0f, nan, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 9.0f};
  maps.push_back(both);
  Plane huge(64, 2);  // float block sums overflow where the double sum does not
  std::fill(huge.data.begin(), huge.data.end(), 3e38f);
  huge.data[5] = -3e38f;
  maps.push_back(huge);
  expect_histograms_match(maps, 64, "non-finite");
  for (const Plane& m : maps) expect_matches_reference(m, 64, compute_stats(m, 64), "non-finite");
}

// NaN and infinities inside a whole 32-value block (the float trees' fast path), at every lane.
TEST(Stats, NonFiniteInsideBlocks) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (float special : {nan, inf, -inf}) {
    for (int at = 0; at < 70; at += 3) {
      Plane p = test::random_plane(70, 2, 6);
      p.data[71] = -5.0f;  // the minimum, in the second row
      p.data[static_cast<std::size_t>(at)] = special;
      expect_matches_reference(p, 64, compute_stats(p, 64), "special at " + std::to_string(at));
    }
  }
}

TEST(ThreadPool, RunsEveryTaskOnce) {
  for (int threads : {1, 2, 3, 7}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads_available() ? threads : 1);
    for (int tasks : {0, 1, 5, 64}) {
      std::vector<int> hits(static_cast<std::size_t>(tasks), 0);
      for (int job = 0; job < 3; ++job) pool.run(tasks, [&](int i) { ++hits[std::size_t(i)]; });
      for (int i = 0; i < tasks; ++i) EXPECT_EQ(hits[std::size_t(i)], 3) << threads << " " << i;
    }
  }
}

#if !defined(__EMSCRIPTEN__)  // the wasm builds compile without exception catching
TEST(ThreadPool, ATaskThatThrowsIsRethrownAfterTheOthersReturnAndThePoolStaysUsable) {
  // The CLI turns std::bad_alloc into a message: the job must not be left running under it, with
  // the caller's buffers freed by the unwinding while other threads still use them.
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    std::atomic<int> running{0}, ran{0};
    int seen_running_at_throw = -1;
    EXPECT_THROW(pool.run(64,
                          [&](int i) {
                            ++running;
                            ++ran;
                            if (i == 5) throw std::bad_alloc();
                            std::this_thread::sleep_for(std::chrono::microseconds(200));
                            --running;
                          }),
                 std::bad_alloc);
    seen_running_at_throw = running.load();
    // Only the throwing task may still count itself as running: the others all returned.
    EXPECT_EQ(seen_running_at_throw, 1) << threads;
    EXPECT_LT(ran.load(), 64) << "tasks not started when one failed are skipped";
    std::vector<int> hits(16, 0);
    pool.run(16, [&](int i) { ++hits[std::size_t(i)]; });
    EXPECT_EQ(hits, std::vector<int>(16, 1)) << threads;
  }
}
#endif

}  // namespace
}  // namespace filterlens
