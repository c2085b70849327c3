// Fuzz target: a (possibly gzip-compressed) IDX file, read as the trainer reads the
// Fashion-MNIST files: gunzip_if_needed, then both the image and the label parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "cnn/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace filterlens::cnn;
  const auto bytes = gunzip_if_needed(data, size);
  if (!bytes) return 0;
  const std::vector<std::uint8_t>& b = bytes.value();
  const auto images = parse_idx_images(b.data(), b.size());
  if (images) {
    const IdxImages& im = images.value();
    if (im.pixels.size() != static_cast<std::size_t>(im.count) * im.rows * im.cols) std::abort();
  }
  const auto labels = parse_idx_labels(b.data(), b.size());
  if (labels) {
    for (std::uint8_t l : labels.value())
      if (l > 9) std::abort();
  }
  return 0;
}
