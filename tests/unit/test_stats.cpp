#include <gtest/gtest.h>

#include "stats.h"

namespace filterlens {
namespace {

TEST(Stats, RangeMeanHistogram) {
  Plane p(4, 1);
  p.data = {-1.0f, 0.0f, 0.5f, 3.0f};
  MapStats s = compute_stats(p, 4);  // bins of width 1 over [-1, 3]
  EXPECT_EQ(s.min, -1.0f);
  EXPECT_EQ(s.max, 3.0f);
  EXPECT_DOUBLE_EQ(s.mean, 0.625);
  EXPECT_EQ(s.histogram, (std::vector<std::uint32_t>{1, 2, 0, 1}));
}

TEST(Stats, ConstantAndEmpty) {
  Plane p(3, 3);
  MapStats s = compute_stats(p, 8);
  EXPECT_EQ(s.histogram[0], 9u);
  EXPECT_EQ(compute_stats(Plane(), 8).histogram.size(), 8u);
}

}  // namespace
}  // namespace filterlens
