// The one road from IDX file bytes to a training or test set: gunzip (when compressed) -> parse
// images and labels -> pair them (make_dataset). The CLI's train/eval and the app's training tab
// both call it, so a file refused by one is refused by the other with the same words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cnn/trainer.h"
#include "result.h"

namespace filterlens::cnn {

// Bytes of one IDX file as read (gzip'd or not) and the name errors call it by (a path, or
// "training images").
struct IdxFile {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::string name;
};

// The data set, or an error that starts with the name of the file at fault ("NAME: cause"; a
// count mismatch names both). A set with no images is refused: nothing could train or be
// evaluated on it.
Result<Dataset> load_idx_dataset(const IdxFile& images, const IdxFile& labels);

}  // namespace filterlens::cnn
