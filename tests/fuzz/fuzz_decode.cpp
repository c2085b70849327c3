// Fuzz target: image bytes -> probe_image and decode_image (format sniffing, the header walks
// and size checks made before stb_image sees the data, JPEG segments, EXIF orientation, stb_image's
// decoders) -> to_gray, the path every front end takes. The page budgets memory from probe_image,
// so an image decode_image reads must probe to the same shape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "decode.h"
#include "image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const filterlens::Result<filterlens::ImageInfo> info = filterlens::probe_image(data, size);
  const filterlens::Result<filterlens::Image> image = filterlens::decode_image(data, size);
  if (!image) return 0;
  const filterlens::Image& im = image.value();
  // A decoded image is never empty and its samples match its shape: the callers index by it.
  if (im.width <= 0 || im.height <= 0 || im.channels < 1 || im.channels > 4 ||
      im.pixels.size() != static_cast<std::size_t>(im.width) * im.height * im.channels)
    std::abort();
  if (!info || info.value().width != im.width || info.value().height != im.height ||
      info.value().channels != im.channels)
    std::abort();
  const filterlens::Plane gray = filterlens::to_gray(im);
  if (gray.width != im.width || gray.height != im.height) std::abort();
  return 0;
}
