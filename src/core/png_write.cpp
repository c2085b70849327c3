// encode_png over stb_image_write, and that library's one implementation in the program.
// Compiled with UBSan's shift check off under FILTERLENS_SANITIZE (src/core/CMakeLists.txt):
// stb's JPEG writer left-shifts negative numbers, which is well defined on every target we build.
#include "png_write.h"

#include <climits>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace filterlens {
namespace {

void append_bytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<std::uint8_t*>(data),
              static_cast<std::uint8_t*>(data) + size);
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& im) {
  if (im.width <= 0 || im.height <= 0 || im.channels < 1 || im.channels > 4) return {};
  const std::int64_t stride = std::int64_t{im.width} * im.channels;
  // stb keeps the filtered rows ((stride + 1) * height bytes) in one int-sized buffer, and its
  // compressed output (which can exceed the input slightly) in another: half of INT_MAX leaves
  // room for both. 64 MP of RGBA is 256 MB, well inside.
  if ((stride + 1) * im.height > INT_MAX / 2 ||
      im.pixels.size() !=
          static_cast<std::uint64_t>(stride) * static_cast<std::uint64_t>(im.height))
    return {};
  std::vector<std::uint8_t> out;
  if (!stbi_write_png_to_func(append_bytes, &out, im.width, im.height, im.channels,
                              im.pixels.data(), static_cast<int>(stride)))
    return {};
  return out;
}

}  // namespace filterlens
