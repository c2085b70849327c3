// load_idx_dataset: gunzip -> parse -> make_dataset, each error prefixed with its file's name.
#include "cnn/dataset.h"

#include "cnn/idx.h"

namespace filterlens::cnn {

Result<Dataset> load_idx_dataset(const IdxFile& images_file, const IdxFile& labels_file) {
  using R = Result<Dataset>;
  auto image_bytes = gunzip_if_needed(images_file.data, images_file.size);
  if (!image_bytes) return R::fail(images_file.name + ": " + image_bytes.error());
  auto images = parse_idx_images(image_bytes.value().data(), image_bytes.value().size());
  if (!images) return R::fail(images_file.name + ": " + images.error());
  image_bytes = Result<std::vector<std::uint8_t>>::ok({});  // the parsed copy is what we keep
  auto label_bytes = gunzip_if_needed(labels_file.data, labels_file.size);
  if (!label_bytes) return R::fail(labels_file.name + ": " + label_bytes.error());
  auto labels = parse_idx_labels(label_bytes.value().data(), label_bytes.value().size());
  if (!labels) return R::fail(labels_file.name + ": " + labels.error());
  if (images.value().count == 0)
    return R::fail(images_file.name + ": the file holds no images (an empty set cannot be used)");
  auto data = make_dataset(images.value(), labels.value());
  if (!data) return R::fail(images_file.name + " and " + labels_file.name + ": " + data.error());
  return data;
}

}  // namespace filterlens::cnn
