// memory_budget: the estimate's parts against hand-computed sizes, its 64-bit arithmetic at
// sizes that overflow int, and the refusal message (size, free, limit).
#include <gtest/gtest.h>

#include <cstdint>

#include "memory_budget.h"

namespace filterlens {
namespace {

TEST(MemoryBudget, OpenImageCountsEveryPart) {
  // 7000 x 7000 RGB, a 1 MB file, the default bank (three 3x3 filters, padding 1: same size).
  const MemoryEstimate e = estimate_open_image(1 << 20, 7000, 7000, 3, default_bank(), {});
  const std::int64_t area = 49'000'000;
  EXPECT_EQ(e.file, 1 << 20);
  EXPECT_EQ(e.pixels, 2 * 3 * area);
  EXPECT_EQ(e.gray, 4 * area);
  EXPECT_EQ(e.filters, 3);
  EXPECT_EQ(e.maps, 3 * 4 * area);
  EXPECT_EQ(e.display, 4 * area);
  // Display levels: a third of each plane plus a row, a column and a pixel per level; the gray
  // plane's and the maps' in floats, the colour image's in its 3 channels.
  const std::int64_t level_pixels = area / 3 + 1 + 7000 + 7000 + 32;
  EXPECT_EQ(e.levels, (4 + 3 + 3 * 4) * level_pixels);
  EXPECT_EQ(e.total(), (1 << 20) + (6 + 4 + 12 + 4) * area + 19 * level_pixels);
}

TEST(MemoryBudget, MapsFollowTheOutputSize) {
  ConvParams p;
  p.padding = 0;
  p.stride = 2;
  // 3x3, no padding, stride 2 on 101 x 51: 50 x 25 outputs.
  MemoryEstimate e = estimate_new_maps(101, 51, default_bank(), p);
  EXPECT_EQ(e.maps, 3 * 50 * 25 * 4);
  EXPECT_EQ(e.pixels + e.gray + e.file + e.display, 0);
  // Zero padding of 1000 around a 1 x 1 image: 2001 x 2001 per 1x1 filter.
  Kernel one{"one", "", 1, 1, {1.0f}};
  p = ConvParams{};
  p.padding = 1000;
  e = estimate_new_maps(1, 1, std::vector<Kernel>(256, one), p);
  EXPECT_EQ(e.maps, std::int64_t{256} * 2001 * 2001 * 4);  // 4.1 GB: past 32 bits
  // A filter the image is too small for is refused by the compute itself: it counts as no map.
  p.padding = 0;
  e = estimate_new_maps(2, 2, {one, default_bank()[0]}, p);
  EXPECT_EQ(e.filters, 1);
  EXPECT_EQ(e.maps, 2 * 2 * 4);
}

TEST(MemoryBudget, TheMapsShownDoNotLowerTheNeed) {
  // The model keeps the maps it shows until the new ones are adopted whole: a recompute allocates
  // every map and its levels anew (filterlens-bench-memory measured it), whatever is there now.
  const std::vector<Kernel> bank = default_bank();  // three 3x3, padding 1: 100 x 50 outputs
  const std::int64_t plane = 100 * 50 * 4;
  const std::int64_t levels = 4 * (100 * 50 / 3 + 1 + 100 + 50 + 32);
  const std::vector<std::vector<std::int64_t>> shown = {
      {}, {plane, plane, plane}, {plane + 8, plane, plane - 4}, {plane}};
  for (const std::vector<std::int64_t>& current : shown) {
    const MemoryEstimate e = estimate_new_maps(100, 50, bank, {}, current);
    EXPECT_EQ(e.maps, 3 * plane);
    EXPECT_EQ(e.levels, 3 * levels);
    EXPECT_EQ(e.filters, 3);
    EXPECT_EQ(estimate_open_image(0, 100, 50, 1, bank, {}, current).maps, 3 * plane);
  }
}

TEST(MemoryBudget, HeaderSizesBeyondIntDoNotOverflow) {
  // 0x7fffffff a side (PNG's maximum): 2^62 pixels, x 4 bytes would wrap int64.
  const int huge = 0x7fffffff;
  const MemoryEstimate e = estimate_open_image(100, huge, huge, 4, default_bank(), {});
  const std::int64_t capped = std::int64_t{1} << 40;
  EXPECT_EQ(e.gray, 4 * capped);
  EXPECT_EQ(e.pixels, 8 * capped);
  EXPECT_EQ(e.maps, 3 * 4 * capped);
  EXPECT_GT(e.total(), 0);
  EXPECT_FALSE(check_memory(e, std::int64_t{4} << 30, std::int64_t{4} << 30));
  // Negative or zero sizes (a header that claims nothing) need nothing but the file.
  EXPECT_EQ(estimate_open_image(10, 0, 5, 3, default_bank(), {}).total(), 10);
  EXPECT_EQ(estimate_open_image(-1, -5, 5, 3, default_bank(), {}).total(), 0);
}

TEST(MemoryBudget, RefusalGivesTheSizeTheFreeSpaceAndTheLimit) {
  Kernel one{"one", "", 1, 1, {1.0f}};
  const MemoryEstimate e =
      estimate_open_image(5 << 20, 8000, 8000, 3, std::vector<Kernel>(40, one), {});
  const std::int64_t gb = std::int64_t{1} << 30;
  EXPECT_TRUE(check_memory(e, e.total(), 4 * gb));
  EXPECT_FALSE(check_memory(e, e.total() - 1, 16 * gb));
  const Status s = check_memory(e, 7 * gb / 2, 4 * gb);
  ASSERT_FALSE(s);
  // 40 maps of 8000 x 8000 floats (9.5 GB) lead, then the display levels (a third of the maps,
  // the gray plane and the colour image: (160 + 4 + 3) x 21.35 MP, 3.3 GB); 5 MB +
  // (6 + 4 + 160 + 4) x 64 MP + 3.3 GB is 13.7 GB.
  EXPECT_NE(s.error().find("needs about 13.7 GB"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("(40 feature maps 9.5 GB, the display levels 3.3 GB, the decoded "
                           "pixels 366 MB)"),
            std::string::npos)
      << s.error();
  EXPECT_NE(s.error().find("but only 3.5 GB of the 4 GB memory limit are free"), std::string::npos)
      << s.error();
}

TEST(MemoryBudget, FormatsBytesForPeople) {
  EXPECT_EQ(format_bytes(0), "0 bytes");
  EXPECT_EQ(format_bytes(812), "812 bytes");
  EXPECT_EQ(format_bytes(3482), "3.4 KB");
  EXPECT_EQ(format_bytes(196'000'000), "187 MB");
  EXPECT_EQ(format_bytes(std::int64_t{4} << 30), "4 GB");
  EXPECT_EQ(format_bytes(std::int64_t{3} << 29), "1.5 GB");
  EXPECT_EQ(format_bytes(4294901760), "4 GB");  // wasm's 4 GB limit less one 64 KB page
  EXPECT_EQ(format_bytes(1023), "1023 bytes");
}

}  // namespace
}  // namespace filterlens
