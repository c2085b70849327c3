// Unit tests for the crashes the fuzz targets found (tests/fuzz/regressions/<target>/ keeps the
// inputs themselves): each test is the smallest input that reproduced it, checked for the
// behaviour the parser promises. Some only fail before their fix under the sanitizers
// (preset native-asan), as undefined behaviour is what the fuzzer caught.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "npy.h"

namespace filterlens {
namespace {

// regressions/npy/empty_0x5_memcpy_null.npy: numpy.save of a (0, 5) float32 array. The reader
// copied its zero bytes of data into an empty vector's null buffer (memcpy(nullptr, ..., 0) is
// undefined; UBSan: "null pointer passed as argument 1").
TEST(FuzzRegressions, NpyEmptyArrayDecodesToAnEmptyPlane) {
  const std::vector<std::uint8_t> bytes = encode_npy(Plane(5, 0));
  const auto plane = decode_npy(bytes.data(), bytes.size());
  ASSERT_TRUE(plane) << plane.error();
  EXPECT_EQ(plane.value().width, 5);
  EXPECT_EQ(plane.value().height, 0);
  EXPECT_TRUE(plane.value().data.empty());
}

}  // namespace
}  // namespace filterlens
