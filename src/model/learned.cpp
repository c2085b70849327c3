// LearnedFilters: weights and training data in, the shown network's filters and readings out.
#include "learned.h"

#include "cnn/dataset.h"
#include "cnn/weights_file.h"

namespace filterlens {

LearnedFilters::LearnedFilters() = default;
LearnedFilters::~LearnedFilters() = default;

Status LearnedFilters::load_weights(const std::uint8_t* data, std::size_t size,
                                    const std::string& name) {
  Result<cnn::Network> net = cnn::decode_weights(data, size);
  if (!net) return Status::fail("Could not load the CNN weights " + name + ": " + net.error());
  loaded_ = std::make_unique<cnn::Network>(std::move(net).value());
  loaded_name_ = name;
  ++loaded_generation_;
  return Status::ok();
}

Status LearnedFilters::set_training_data(const std::vector<std::uint8_t>& train_images,
                                         const std::vector<std::uint8_t>& train_labels,
                                         const std::vector<std::uint8_t>& test_images,
                                         const std::vector<std::uint8_t>& test_labels) {
  Result<cnn::Dataset> train =
      cnn::load_idx_dataset({train_images.data(), train_images.size(), "training images"},
                            {train_labels.data(), train_labels.size(), "training labels"});
  if (!train) return Status::fail("Training data could not be read: " + train.error());
  Result<cnn::Dataset> test =
      cnn::load_idx_dataset({test_images.data(), test_images.size(), "test images"},
                            {test_labels.data(), test_labels.size(), "test labels"});
  if (!test) return Status::fail("Training data could not be read: " + test.error());
  cnn::Dataset preview = cnn::head(test.value(), kPreviewImages);
  Status s = run_.set_data(std::move(train).value(), std::move(test).value());
  if (!s) return Status::fail("Training data could not be read: " + s.error());
  test_preview_ = std::move(preview);
  preview_valid_ = false;
  return Status::ok();
}

const cnn::Network* LearnedFilters::shown_network() const {
  if (const cnn::Network* training = run_.network()) return training;
  return loaded_.get();
}

Kernel LearnedFilters::filter_kernel(const cnn::Network& net, int index) {
  Kernel k{"learned" + std::to_string(index),
           "first-layer filter " + std::to_string(index) + " of the CNN",
           cnn::kKernel,
           cnn::kKernel,
           {}};
  const auto first = net.w1.begin() + static_cast<long>(index) * cnn::kKernel * cnn::kKernel;
  k.weights.assign(first, first + cnn::kKernel * cnn::kKernel);
  return k;
}

std::vector<Kernel> LearnedFilters::filters() const {
  std::vector<Kernel> out;
  if (const cnn::Network* net = shown_network())
    for (int i = 0; i < cnn::kC1; ++i) out.push_back(filter_kernel(*net, i));
  return out;
}

const LearnedFilters::ImageReading& LearnedFilters::read_image(const Plane& gray,
                                                               std::uint64_t image_generation) {
  if (image_reading_valid_ && image_reading_image_ == image_generation &&
      image_reading_network_ == shown_key())
    return image_reading_;
  image_reading_valid_ = true;
  image_reading_image_ = image_generation;
  image_reading_network_ = shown_key();
  image_reading_.prediction = -1;
  const cnn::Network* net = shown_network();
  if (!net || gray.empty()) return image_reading_;
  // The network sees 28 x 28: shorter side to 28 (antialiased), centre crop.
  const Plane small = resize_shorter_side(gray, cnn::kInput);
  std::vector<float> input(cnn::kInput * cnn::kInput);
  const int ox = (small.width - cnn::kInput) / 2, oy = (small.height - cnn::kInput) / 2;
  for (int y = 0; y < cnn::kInput; ++y)
    for (int x = 0; x < cnn::kInput; ++x)
      input[static_cast<std::size_t>(y * cnn::kInput + x)] = small.at(x + ox, y + oy);
  image_reading_.prediction = cnn::forward(*net, input.data(), image_reading_.activations);
  return image_reading_;
}

const std::vector<int>& LearnedFilters::preview_guesses() {
  if (preview_valid_ && preview_network_ == shown_key()) return preview_guesses_;
  preview_valid_ = true;
  preview_network_ = shown_key();
  preview_guesses_.clear();
  const cnn::Network* net = run_.network();
  if (!net) return preview_guesses_;
  cnn::Activations a;
  for (int i = 0; i < test_preview_.count; ++i)
    preview_guesses_.push_back(cnn::forward(
        *net, test_preview_.images.data() + static_cast<long>(i) * cnn::kInput * cnn::kInput, a));
  return preview_guesses_;
}

}  // namespace filterlens
