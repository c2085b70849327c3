// compute_stats (SIMD, optionally threaded) against compute_stats_reference (the definition):
// identical range and histogram counts, the mean within 1e-12 relative, and the same bits for
// any pool size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

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

// The fast result against the reference. The mean's tolerance: both sum the same doubles, in a
// different grouping (per row, two lanes), so they differ by a few ulps of the largest partial.
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
    EXPECT_NEAR(fast.mean, ref.mean, 1e-12 * std::max(scale, 1e-30));
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

}  // namespace
}  // namespace filterlens
