// LearnedFilters: the model's CNN side. The network loaded from a weights file, a training run
// (core cnn::TrainingRun) on Fashion-MNIST, the first-layer filters of whichever network is shown
// as bank kernels ("learned0" ...), and what the network makes of the current image and of a few
// test images, recomputed only when the network or the image changed. No ImGui or GL.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cnn/network.h"
#include "cnn/trainer.h"
#include "cnn/training_run.h"
#include "image.h"
#include "kernel.h"
#include "status.h"

namespace filterlens {

class LearnedFilters {
 public:
  static constexpr int kPreviewImages = 8;  // test images shown with the network's guesses

  LearnedFilters();
  ~LearnedFilters();
  LearnedFilters(const LearnedFilters&) = delete;
  LearnedFilters& operator=(const LearnedFilters&) = delete;

  // A weights file (src/core/cnn/weights_file.h); the previous network stays on failure.
  Status load_weights(const std::uint8_t* data, std::size_t size, const std::string& name);
  const cnn::Network* loaded() const { return loaded_.get(); }
  const std::string& loaded_name() const { return loaded_name_; }

  // Fashion-MNIST IDX files (gzip'd or not); nothing changes on failure.
  Status set_training_data(const std::vector<std::uint8_t>& train_images,
                           const std::vector<std::uint8_t>& train_labels,
                           const std::vector<std::uint8_t>& test_images,
                           const std::vector<std::uint8_t>& test_labels);
  cnn::TrainingRun& run() { return run_; }
  const cnn::TrainingRun& run() const { return run_; }
  const cnn::Dataset& test_preview() const { return test_preview_; }

  // What is still on its way for the two tabs (the page downloads the network and the training
  // data after the first maps, issue 11 point 5): a progress line or a failure, shown in place
  // of "not available"; empty when nothing is being fetched.
  const std::string& network_download() const { return network_download_; }
  const std::string& data_download() const { return data_download_; }
  void set_network_download(std::string note) { network_download_ = std::move(note); }
  void set_data_download(std::string note) { data_download_ = std::move(note); }

  // The network being trained (or trained) here when there is one, else the loaded one.
  const cnn::Network* shown_network() const;
  bool showing_training() const { return run_.network() != nullptr; }
  // Its first-layer filters as kernels named learned0 ... learned7.
  std::vector<Kernel> filters() const;
  static Kernel filter_kernel(const cnn::Network& net, int index);

  // What the shown network makes of an image: the input is the image's shorter side resized to
  // 28 and centre-cropped. prediction < 0 when there is no network or no image.
  struct ImageReading {
    int prediction = -1;
    cnn::Activations activations;
  };
  const ImageReading& read_image(const Plane& gray, std::uint64_t image_generation);
  // The training network's guesses for test_preview() (empty without a run).
  const std::vector<int>& preview_guesses();

 private:
  // Changes whenever shown_network() does: (loaded weights, training run) generations.
  struct NetworkKey {
    std::uint64_t loaded = 0, run = 0;
    bool operator==(const NetworkKey& o) const { return loaded == o.loaded && run == o.run; }
  };
  NetworkKey shown_key() const { return {loaded_generation_, run_.network_generation()}; }

  std::unique_ptr<cnn::Network> loaded_;
  std::string loaded_name_;
  std::string network_download_, data_download_;
  std::uint64_t loaded_generation_ = 0;
  cnn::TrainingRun run_;
  cnn::Dataset test_preview_;

  ImageReading image_reading_;
  bool image_reading_valid_ = false;
  std::uint64_t image_reading_image_ = 0;
  NetworkKey image_reading_network_;
  std::vector<int> preview_guesses_;
  bool preview_valid_ = false;
  NetworkKey preview_network_;
};

}  // namespace filterlens
