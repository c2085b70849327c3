// Display levels (display_pyramid.h): hand-worked blocks, odd edges, the two reductions' choices,
// 8-bit rounding and the level picked for a panel; display_levels() bit for bit against repeated
// halve() for every size class, special value, channel count and pool size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include "display_pyramid.h"
#include "test_util.h"
#include "thread_pool.h"

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

bool same_bits(const Plane& a, const Plane& b) {
  return a.width == b.width && a.height == b.height &&
         std::memcmp(a.data.data(), b.data.data(), sizeof(float) * a.data.size()) == 0;
}

std::vector<std::unique_ptr<ThreadPool>> test_pools() {
  std::vector<std::unique_ptr<ThreadPool>> pools;
  for (int t : {1, 2, 3, 7}) pools.push_back(std::make_unique<ThreadPool>(t));
  return pools;
}

TEST(DisplayLevels, LevelCountsAndSizes) {
  const std::vector<Plane> levels = display_levels(Plane(1920, 1080), Reduction::mean, 0.0f, 64);
  ASSERT_EQ(levels.size(), 4u);  // 960x540, 480x270, 240x135, 120x68; 60x34 would be under 64
  EXPECT_EQ(levels[3].width, 120);
  EXPECT_EQ(levels[3].height, 68);
  EXPECT_TRUE(display_levels(Plane(127, 127), Reduction::mean, 0.0f, 64).empty());
  // The longer side decides: 500 -> 250 -> 125, and 125 / 2 is under 64.
  const std::vector<Plane> thin = display_levels(Plane(126, 500), Reduction::mean, 0.0f, 64);
  ASSERT_EQ(thin.size(), 2u);
  EXPECT_EQ(thin[1].width, 32);
  EXPECT_EQ(thin[1].height, 125);
  EXPECT_EQ(display_levels(Plane(128, 20), Reduction::mean, 0.0f, 64).size(), 1u);  // 64 x 10
  EXPECT_EQ(display_levels(Plane(5, 1), Reduction::mean, 0.0f, 0).size(), 3u);      // 3, 2, 1 wide
  EXPECT_TRUE(display_levels(Plane(1, 1), Reduction::mean, 0.0f, 1).empty());
  EXPECT_TRUE(display_levels(Plane(), Reduction::mean, 0.0f, 1).empty());
  const Image im{300, 130, 3, std::vector<std::uint8_t>(300 * 130 * 3, 9)};
  EXPECT_EQ(display_levels(im, 64).size(), 2u);  // 150 x 65, 75 x 33
}

TEST(DisplayLevels, SizesAreThoseDisplayLevelsMakes) {
  for (auto [w, h, min_side] :
       {std::tuple{1920, 1080, 64}, std::tuple{127, 127, 64}, std::tuple{126, 500, 64},
        std::tuple{5, 1, 0}, std::tuple{331, 207, 32}, std::tuple{1, 1, 1}}) {
    const std::vector<Plane> levels = display_levels(Plane(w, h), Reduction::mean, 0.0f, min_side);
    const std::vector<std::pair<int, int>> sizes = display_level_sizes(w, h, min_side);
    ASSERT_EQ(sizes.size(), levels.size()) << w << "x" << h;
    for (std::size_t i = 0; i < sizes.size(); ++i)
      EXPECT_EQ(sizes[i], std::make_pair(levels[i].width, levels[i].height)) << w << "x" << h;
  }
  EXPECT_TRUE(display_level_sizes(0, 10, 1).empty());
}

TEST(DisplayLevels, BitIdenticalToRepeatedHalving) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const auto pools = test_pools();
  std::mt19937 rng(3);
  int checked = 0;
  // Widths around the 4-block SIMD step (8 input columns) and odd sizes on both axes.
  for (auto [w, h] : {std::pair{1, 1}, std::pair{2, 2}, std::pair{7, 3}, std::pair{8, 2},
                      std::pair{9, 5}, std::pair{15, 16}, std::pair{16, 15}, std::pair{17, 1},
                      std::pair{64, 33}, std::pair{101, 67}, std::pair{260, 130}}) {
    Plane p = test::random_plane(w, h, static_cast<std::uint32_t>(w * 131 + h));
    for (float& v : p.data) v = v * 8.0f - 4.0f;
    // Special values where the reductions' rules matter: NaN, infinities, -0, ties.
    std::uniform_int_distribution<std::size_t> at(0, p.data.size() - 1);
    for (float special : {nan, inf, -inf, -0.0f, 0.0f, 3.0f, -3.0f, nan, nan})
      p.data[at(rng)] = special;
    // A NaN first in a block (the extreme's rule: a number found later replaces it), in the
    // SIMD columns and the edge ones; a NaN second in another block.
    for (int x = 0; x < w; x += 6) p.data[static_cast<std::size_t>(x)] = nan;
    if (w > 3) p.data[3] = nan;
    for (Reduction r : {Reduction::mean, Reduction::extreme}) {
      for (float centre : {0.0f, 0.37f}) {
        std::vector<Plane> expected;
        Plane level = p;
        while (level.width > 1 || level.height > 1) {
          level = halve(level, r, centre);
          expected.push_back(level);
        }
        for (const auto& pool : pools) {
          const std::vector<Plane> got = display_levels(p, r, centre, 1, pool.get());
          ASSERT_EQ(got.size(), expected.size()) << w << "x" << h;
          for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_TRUE(same_bits(got[i], expected[i]))
                << w << "x" << h << " level " << i + 1 << " " << reduction_name(r) << " centre "
                << centre << ", " << pool->size() << " threads";
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(DisplayLevels, LevelRowsStraightFromLevelZeroAreRepeatedHalving) {
  // level_rows makes level k's rows from the map's 2^k rows through a few rows of each level in
  // between: odd sizes on both axes (blocks cut at the right and bottom at every level), widths
  // around the SIMD step, special values, both reductions, any row range.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::mt19937 rng(11);
  int checked = 0;
  for (auto [w, h] : {std::pair{1, 9}, std::pair{9, 1}, std::pair{17, 13}, std::pair{37, 23},
                      std::pair{64, 64}, std::pair{129, 67}, std::pair{263, 97}}) {
    Plane p = test::random_plane(w, h, static_cast<std::uint32_t>(w * 7 + h));
    for (float& v : p.data) v = v * 6.0f - 3.0f;
    std::uniform_int_distribution<std::size_t> at(0, p.data.size() - 1);
    for (float special : {nan, -0.0f, std::numeric_limits<float>::infinity(), nan})
      p.data[at(rng)] = special;
    for (Reduction r : {Reduction::mean, Reduction::extreme}) {
      Plane level = p;
      for (int k = 1; level.width > 1 || level.height > 1; ++k) {
        level = halve(level, r, 0.5f);
        Plane got(level.width, level.height);
        std::fill(got.data.begin(), got.data.end(), 99.0f);
        // In two calls split at an odd row, as the bank's bands do.
        const int split = level.height / 2 | 1;
        level_rows(p, k, r, 0.5f, got, 0, std::min(split, level.height));
        level_rows(p, k, r, 0.5f, got, std::min(split, level.height), level.height);
        EXPECT_TRUE(same_bits(got, level))
            << w << "x" << h << " level " << k << " " << reduction_name(r);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 60);
}

TEST(DisplayLevels, FromAFirstLevelTheFinerAreNotMade) {
  // A view that shows level 3 at the finest: levels 1 and 2 are empty (their memory freed, also
  // in a recycled set that had them) and every level made is the full pyramid's, bit for bit.
  const Plane p = test::random_plane(203, 141, 21);
  const std::vector<Plane> full = display_levels(p, Reduction::mean, 0.0f, 8);
  ASSERT_EQ(full.size(), 4u);  // 102x71, 51x36, 26x18, 13x9
  ThreadPool pool(3);
  for (int first : {1, 2, 3, 4, 5, 40}) {
    std::vector<Plane> levels = display_levels(test::random_plane(203, 141, 5), Reduction::mean,
                                               0.0f, 8);  // a recycled set with every level
    LevelRange range;
    range.first = first;
    display_levels(p, Reduction::mean, 0.0f, 8, &pool, levels, range);
    const int made = first_level_made(203, 141, 8, first);
    EXPECT_EQ(made, std::min(first, 4));
    ASSERT_EQ(levels.size(), full.size()) << "first " << first;
    for (int k = 1; k <= 4; ++k) {
      const Plane& level = levels[static_cast<std::size_t>(k - 1)];
      if (k < made) {
        EXPECT_TRUE(level.empty() && level.data.capacity() == 0)
            << "first " << first << " level " << k;
      } else {
        EXPECT_TRUE(same_bits(level, full[static_cast<std::size_t>(k - 1)]))
            << "first " << first << " level " << k;
      }
    }
  }
  EXPECT_EQ(first_level_made(20, 20, 32, 3), 0);  // no levels at all
  // first_made: the first level is taken as it is, the rest made from it.
  std::vector<Plane> levels(4);
  levels[1] = full[1];
  std::fill(levels[1].data.begin(), levels[1].data.begin() + 10, 5.0f);  // marked
  LevelRange range;
  range.first = 2;
  range.first_made = true;
  display_levels(p, Reduction::mean, 0.0f, 8, nullptr, levels, range);
  EXPECT_EQ(levels[1].data[3], 5.0f);
  EXPECT_TRUE(same_bits(levels[2], halve(levels[1], Reduction::mean, 0.0f)));
  EXPECT_TRUE(levels[0].empty());
}

TEST(DisplayLevels, WrittenOverRecycledPlanesAsIntoNewOnes) {
  // The background worker hands display_levels the levels of maps no longer shown: planes of the
  // right size full of old values, of the wrong size, too many or too few. Every outcome must be
  // what a fresh computation gives.
  const Plane p = test::random_plane(203, 141, 17);
  const std::vector<Plane> fresh = display_levels(p, Reduction::extreme, 0.25f, 8);
  ASSERT_EQ(fresh.size(), 4u);  // 102x71, 51x36, 26x18, 13x9
  const Plane stale_source = test::random_plane(203, 141, 99);
  std::vector<std::vector<Plane>> recycled;
  recycled.push_back(display_levels(stale_source, Reduction::mean, 0.0f, 8));  // same sizes
  recycled.push_back(display_levels(test::random_plane(90, 60, 3), Reduction::mean, 0.0f, 1));
  recycled.push_back(display_levels(test::random_plane(1000, 700, 4), Reduction::mean, 0.0f, 8));
  recycled.push_back({});
  for (std::size_t r = 0; r < recycled.size(); ++r) {
    std::vector<Plane>& levels = recycled[r];
    ThreadPool pool(2);
    display_levels(p, Reduction::extreme, 0.25f, 8, &pool, levels);
    ASSERT_EQ(levels.size(), fresh.size()) << "recycled set " << r;
    for (std::size_t i = 0; i < fresh.size(); ++i)
      EXPECT_TRUE(same_bits(levels[i], fresh[i])) << "recycled set " << r << ", level " << i + 1;
  }
  // Nothing to make: whatever was there goes.
  std::vector<Plane> old = fresh;
  display_levels(Plane(), Reduction::mean, 0.0f, 8, nullptr, old);
  EXPECT_TRUE(old.empty());
}

TEST(DisplayLevels, ImagesBitIdenticalToRepeatedHalving) {
  const auto pools = test_pools();
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int c = 1; c <= 4; ++c) {
    for (auto [w, h] : {std::pair{1, 1}, std::pair{3, 2}, std::pair{8, 8}, std::pair{9, 3},
                        std::pair{17, 18}, std::pair{33, 5}, std::pair{130, 67}}) {
      Image im{w, h, c, {}};
      for (int i = 0; i < w * h * c; ++i) im.pixels.push_back(static_cast<std::uint8_t>(byte(rng)));
      // Saturated corners: 4 x 255 + 2 must not overflow the 16-bit sums.
      std::fill(im.pixels.begin(), im.pixels.begin() + std::min<int>(4 * c, w * h * c), 255);
      std::vector<Image> expected;
      Image level = im;
      while (level.width > 1 || level.height > 1) {
        level = halve(level);
        expected.push_back(level);
      }
      for (const auto& pool : pools) {
        const std::vector<Image> got = display_levels(im, 1, pool.get());
        ASSERT_EQ(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(got[i].width, expected[i].width);
          EXPECT_EQ(got[i].height, expected[i].height);
          EXPECT_EQ(got[i].pixels, expected[i].pixels)
              << w << "x" << h << "x" << c << " level " << i + 1 << ", " << pool->size()
              << " threads";
        }
      }
    }
  }
}

}  // namespace
TEST(DisplayLevels, ImagesFromAFirstLevelAreTheFullPyramidsLevels) {
  // An image's first level made straight from its rows (through two rows of each level between,
  // rounded as each halving rounds): 1 to 4 channels, odd sizes, pools, over recycled sets.
  const auto pools = test_pools();
  int checked = 0;
  for (int c = 1; c <= 4; ++c) {
    for (auto [w, h] : {std::pair{37, 29}, std::pair{130, 67}, std::pair{203, 141}}) {
      Image im{w, h, c, {}};
      const Plane noise = test::random_plane(w * c, h, static_cast<std::uint32_t>(w + c));
      for (float v : noise.data) im.pixels.push_back(static_cast<std::uint8_t>(v * 255.0f));
      const std::vector<Image> full = display_levels(im, 4);
      for (int first = 1; first <= static_cast<int>(full.size()) + 1; ++first) {
        for (const auto& pool : pools) {
          std::vector<Image> levels = full;  // recycled: every level there, to be replaced
          for (Image& l : levels) std::fill(l.pixels.begin(), l.pixels.end(), std::uint8_t{7});
          display_levels(im, 4, pool.get(), levels, first);
          ASSERT_EQ(levels.size(), full.size());
          const int made = first_level_made(w, h, 4, first);
          for (int k = 1; k <= static_cast<int>(full.size()); ++k) {
            const Image& got = levels[static_cast<std::size_t>(k - 1)];
            if (k < made) {
              EXPECT_TRUE(got.empty() && got.pixels.capacity() == 0) << c << "ch level " << k;
            } else {
              EXPECT_EQ(got.pixels, full[static_cast<std::size_t>(k - 1)].pixels)
                  << c << " channels, " << w << "x" << h << ", first " << first << ", level " << k;
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 150);
}

TEST(DisplayLevels, ImagesWrittenOverRecycledLevelsAsIntoNewOnes) {
  // A camera's frames hand display_levels the colour levels of the frame before last: images of
  // the right size full of old values, of the wrong size or channel count, too many or too few.
  std::mt19937 rng(8);
  std::uniform_int_distribution<int> byte(0, 255);
  const auto random_image = [&](int w, int h, int c) {
    Image im{w, h, c, {}};
    for (int i = 0; i < w * h * c; ++i) im.pixels.push_back(static_cast<std::uint8_t>(byte(rng)));
    return im;
  };
  const Image im = random_image(203, 141, 4);
  const std::vector<Image> fresh = display_levels(im, 8);
  ASSERT_EQ(fresh.size(), 4u);  // 102x71, 51x36, 26x18, 13x9
  std::vector<std::vector<Image>> recycled;
  recycled.push_back(display_levels(random_image(203, 141, 4), 8));  // same sizes
  recycled.push_back(display_levels(random_image(203, 141, 3), 8));  // another channel count
  recycled.push_back(display_levels(random_image(90, 60, 4), 1));
  recycled.push_back(display_levels(random_image(1000, 700, 4), 8));
  recycled.push_back({});
  std::vector<const std::uint8_t*> same_size_blocks;
  for (const Image& level : recycled[0]) same_size_blocks.push_back(level.pixels.data());
  for (std::size_t r = 0; r < recycled.size(); ++r) {
    std::vector<Image>& levels = recycled[r];
    ThreadPool pool(2);
    display_levels(im, 8, &pool, levels);
    for (const Image& level : levels)  // another size: a block of its own size, not a larger one
      EXPECT_EQ(level.pixels.capacity(), level.pixels.size()) << "recycled set " << r;
    if (r == 0) {  // the same sizes: written over where they are
      for (std::size_t i = 0; i < levels.size(); ++i)
        EXPECT_EQ(levels[i].pixels.data(), same_size_blocks[i]) << "level " << i + 1;
    }
    ASSERT_EQ(levels.size(), fresh.size()) << "recycled set " << r;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      EXPECT_EQ(levels[i].width, fresh[i].width);
      EXPECT_EQ(levels[i].height, fresh[i].height);
      EXPECT_EQ(levels[i].channels, fresh[i].channels);
      EXPECT_EQ(levels[i].pixels, fresh[i].pixels) << "recycled set " << r << ", level " << i + 1;
    }
  }
  // Nothing to make: whatever was there goes.
  std::vector<Image> old = fresh;
  display_levels(Image{}, 8, nullptr, old);
  EXPECT_TRUE(old.empty());
}

}  // namespace filterlens
