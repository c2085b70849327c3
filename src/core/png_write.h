// encode_png: an Image as PNG bytes in memory (the CLI's outputs, the app's exports).
//
// png_write.cpp is also where stb_image_write's implementation is compiled, once for the whole
// program: code that needs another of its writers (the desktop's screenshot, the tests' BMP/TGA/
// JPEG fixtures) includes <stb/stb_image_write.h> without STB_IMAGE_WRITE_IMPLEMENTATION and
// links filterlens_core.
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"

namespace filterlens {

// The PNG file (8-bit, the image's 1-4 channels as gray / gray+alpha / RGB / RGBA, rows top to
// bottom). Empty when the image is empty, inconsistent (pixels.size() != width * height *
// channels, channels outside 1-4), too large for stb_image_write's int row stride, or when
// memory runs out.
std::vector<std::uint8_t> encode_png(const Image& image);

}  // namespace filterlens
