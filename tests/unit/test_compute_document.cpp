// compute_document (src/model/background.h): the display levels it makes with the maps are, bit
// for bit, display_levels() of the finished maps. Level 1 is made inside the bank's banded pass
// (rows reported as they become final; rows whose two map rows fall in two bands made after), or
// the first level the view shows (ComputeSettings::shown_width: level k straight from the map's
// 2^k rows, the finer ones not made), so this covers sizes of both parities, strides, paddings,
// kernels of several sizes (several groups of bands), pools of 1 to 7 threads (band boundaries
// of both parities), first levels 1 to 3 and past the last, both reductions, the RGB input, and
// buffers recycled from earlier maps of other sizes, values and first levels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "background.h"
#include "display_pyramid.h"
#include "test_util.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

bool same_bits(const Plane& a, const Plane& b) {
  return a.width == b.width && a.height == b.height && a.data.size() == b.data.size() &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

Document document_of(int w, int h, std::uint32_t seed) {
  Image image{w, h, 3, {}};
  const Plane noise = test::random_plane(w * 3, h, seed);
  for (float v : noise.data) image.pixels.push_back(static_cast<std::uint8_t>(v * 255.0f));
  return make_document(std::move(image), "doc", true, nullptr);
}

// Every level from the first one a panel `shown_width` device pixels wide shows (display_level's,
// or the coarsest) is display_levels() of the finished map in full; the finer ones were not made
// (0 x 0).
int expect_levels_of_maps(const Computed& c, Reduction reduction, const std::string& what,
                          double shown_width = 0.0) {
  int checked = 0;
  EXPECT_EQ(c.map_levels.size(), c.maps.size()) << what;
  EXPECT_EQ(c.shown_width, shown_width) << what;
  for (std::size_t i = 0; i < c.maps.size() && i < c.map_levels.size(); ++i) {
    const float centre = static_cast<float>(c.stats[i].mean);
    const std::vector<Plane> expected =
        display_levels(c.maps[i], reduction, centre, kMinLevelSide, nullptr);
    EXPECT_EQ(c.map_levels[i].size(), expected.size()) << what << ", map " << i;
    const int wanted = std::max(1, display_level(c.maps[i].width, shown_width));
    const std::size_t first =
        static_cast<std::size_t>(std::max(1, std::min(wanted, static_cast<int>(expected.size()))));
    for (std::size_t k = 0; k < expected.size() && k < c.map_levels[i].size(); ++k) {
      if (k + 1 < first) {
        EXPECT_TRUE(c.map_levels[i][k].empty() && c.map_levels[i][k].data.capacity() == 0)
            << what << ", map " << i << ", level " << k + 1 << " (finer than the first)";
      } else {
        EXPECT_TRUE(same_bits(c.map_levels[i][k], expected[k]))
            << what << ", map " << i << ", level " << k + 1;
      }
      ++checked;
    }
  }
  return checked;
}

// Recycled buffers full of NaN: a value not written by this computation cannot pass for one.
void poison(Computed& c) {
  for (Plane& m : c.maps) std::fill(m.data.begin(), m.data.end(), std::nanf(""));
  for (std::vector<Plane>& levels : c.map_levels)
    for (Plane& l : levels) std::fill(l.data.begin(), l.data.end(), std::nanf(""));
}

TEST(ComputeDocument, LevelsAreThoseOfTheFinishedMaps) {
  std::vector<std::unique_ptr<ThreadPool>> pools;
  pools.push_back(nullptr);
  for (int t : {2, 3, 7}) pools.push_back(std::make_unique<ThreadPool>(t));
  Kernel wide = test::random_kernel(5, 3, 11);
  wide.name = "wide";
  int checked = 0;
  Computed recycled;  // carries buffers from one case into the next, as the worker does
  for (auto [w, h] : {std::pair{257, 190}, std::pair{300, 301}, std::pair{64, 97}}) {
    const Document doc = document_of(w, h, static_cast<std::uint32_t>(w + h));
    for (int stride : {1, 2}) {
      for (int padding : {0, 1, 2}) {
        for (Reduction reduction : {Reduction::mean, Reduction::extreme}) {
          for (const auto& pool : pools) {
            for (double shown_width : {0.0, 120.0, 60.0, 30.0, 1.0}) {
              ComputeSettings settings;
              settings.shown_width = shown_width;
              settings.bank = {find_preset("edge").value(), wide, find_preset("blur").value()};
              settings.params.stride = stride;
              settings.params.padding = padding;
              settings.shrink = reduction;
              settings.stats_bins = 0;
              poison(recycled);
              Computed c;
              ASSERT_TRUE(compute_document(doc, settings, pool.get(), c, nullptr, &recycled));
              const std::string what = std::to_string(w) + "x" + std::to_string(h) + " stride " +
                                       std::to_string(stride) + " padding " +
                                       std::to_string(padding) + " " + reduction_name(reduction) +
                                       ", " + std::to_string(pool ? pool->size() : 1) +
                                       " threads, shown " + std::to_string(shown_width) + " wide";
              checked += expect_levels_of_maps(c, reduction, what, shown_width);
              // And the maps and statistics are those of new buffers.
              Computed fresh;
              ASSERT_TRUE(compute_document(doc, settings, nullptr, fresh));
              ASSERT_EQ(c.maps.size(), fresh.maps.size());
              for (std::size_t i = 0; i < c.maps.size(); ++i) {
                EXPECT_TRUE(same_bits(c.maps[i], fresh.maps[i])) << what << ", map " << i;
                EXPECT_EQ(c.stats[i].min, fresh.stats[i].min) << what << ", map " << i;
                EXPECT_EQ(c.stats[i].max, fresh.stats[i].max) << what << ", map " << i;
                EXPECT_EQ(c.stats[i].mean, fresh.stats[i].mean) << what << ", map " << i;
              }
              recycled = std::move(c);
            }
          }
        }
      }
    }
  }
  // The RGB input (maps summed over channels after the pass): levels made afterwards.
  ComputeSettings rgb;
  Kernel colour = test::random_kernel(3, 3, 5);
  colour.channels = 3;
  colour.weights.resize(27, 0.25f);
  rgb.bank = {colour};
  rgb.rgb_input = true;
  Computed c;
  ASSERT_TRUE(compute_document(document_of(200, 150, 9), rgb, nullptr, c, nullptr, &recycled));
  checked += expect_levels_of_maps(c, Reduction::mean, "rgb");
  EXPECT_GT(checked, 1200);
}

}  // namespace
}  // namespace filterlens
