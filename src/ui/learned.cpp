// App's "Learned filters" and "Train a CNN" tabs: the first-layer filters of the CNN (loaded
// weights, or the network being trained), each with the hand-made preset it resembles, applied
// to the user's image on click; the second layer's activations for the current image; and
// training in slices of each frame, with loss and accuracy curves and test predictions.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "cnn/dataset.h"
#include "cnn/weights_file.h"
#include "imgui.h"

namespace filterlens {
namespace {

constexpr int kPreviewImages = 8;
constexpr double kTrainBudgetMs =
    8.0;                          // per frame: half a 60 Hz frame, so the UI stays above 30 fps
constexpr int kCurveEvery = 512;  // images per point on the curves

ImU32 diverging(float t) {  // -1 blue, 0 white, +1 red
  t = std::clamp(t, -1.0f, 1.0f);
  const int fade = static_cast<int>(255 * (1.0f - std::fabs(t)));
  return t < 0 ? IM_COL32(fade, fade, 255, 255) : IM_COL32(255, fade, fade, 255);
}

// Draws `values` (w x h) as a grid of cells of `cell` pixels at the cursor and advances it.
void draw_cells(const float* values, int w, int h, float cell, float scale, bool signed_values) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float v = values[y * w + x];
      const ImU32 c =
          signed_values ? diverging(scale > 0 ? v / scale : 0.0f)
                        : IM_COL32(static_cast<int>(std::clamp(v * scale, 0.0f, 1.0f) * 255),
                                   static_cast<int>(std::clamp(v * scale, 0.0f, 1.0f) * 255),
                                   static_cast<int>(std::clamp(v * scale, 0.0f, 1.0f) * 255), 255);
      dl->AddRectFilled(ImVec2(p0.x + x * cell, p0.y + y * cell),
                        ImVec2(p0.x + (x + 1) * cell, p0.y + (y + 1) * cell), c);
    }
  ImGui::Dummy(ImVec2(w * cell, h * cell));
}

Kernel filter_kernel(const cnn::Network& net, int i) {
  Kernel k{"learned" + std::to_string(i),
           "first-layer filter " + std::to_string(i) + " of the CNN",
           cnn::kKernel,
           cnn::kKernel,
           {}};
  const auto first = net.w1.begin() + static_cast<long>(i) * cnn::kKernel * cnn::kKernel;
  k.weights.assign(first, first + cnn::kKernel * cnn::kKernel);
  return k;
}

}  // namespace

Status App::load_learned_weights(const std::uint8_t* data, std::size_t size,
                                 const std::string& name) {
  Result<cnn::Network> net = cnn::decode_weights(data, size);
  if (!net) {
    report_error("Could not load the CNN weights " + name + ": " + net.error());
    return Status::fail(last_error_);
  }
  learned_ = std::make_unique<cnn::Network>(std::move(net).value());
  learned_name_ = name;
  image_acts_dirty_ = true;
  return Status::ok();
}

Status App::set_training_data(const std::vector<std::uint8_t>& train_images,
                              const std::vector<std::uint8_t>& train_labels,
                              const std::vector<std::uint8_t>& test_images,
                              const std::vector<std::uint8_t>& test_labels) {
  auto train = cnn::load_idx_dataset({train_images.data(), train_images.size(), "training images"},
                                     {train_labels.data(), train_labels.size(), "training labels"});
  auto test = train ? cnn::load_idx_dataset({test_images.data(), test_images.size(), "test images"},
                                            {test_labels.data(), test_labels.size(), "test labels"})
                    : Result<cnn::Dataset>::fail(train.error());
  if (!test) {
    report_error("Training data could not be read: " + test.error());
    return Status::fail(test.error());
  }
  train_data_ = std::move(train).value();
  test_data_ = std::move(test).value();
  test_preview_ = cnn::head(test_data_, kPreviewImages);
  return Status::ok();
}

Status App::start_training(int epochs, std::uint32_t seed) {
  if (train_data_.count == 0) {
    report_error(
        "No training data: the web build ships a Fashion-MNIST subset; on the desktop it "
        "is read from Debian's dataset-fashion-mnist package.");
    return Status::fail(last_error_);
  }
  cnn::TrainOptions o;
  o.epochs = std::max(1, epochs);
  o.seed = seed;
  o.learning_rate = train_lr_;
  o.batch_size = train_batch_;
  trainer_ = std::make_unique<cnn::Trainer>(train_data_, o);
  training_ = true;
  preview_dirty_ = true;
  loss_curve_.clear();
  accuracy_curve_.clear();
  test_accuracy_ = 0.0;
  images_since_eval_ = 0;
  return Status::ok();
}

std::vector<Kernel> App::learned_filters() const {
  std::vector<Kernel> out;
  if (const cnn::Network* net = shown_network())
    for (int i = 0; i < cnn::kC1; ++i) out.push_back(filter_kernel(*net, i));
  return out;
}

const cnn::Network* App::shown_network() const {
  if (trainer_) return &trainer_->network();
  return learned_.get();
}

void App::train_for_this_frame() {
  if (!training()) return;
  const auto start = std::chrono::steady_clock::now();
  while (
      !trainer_->done() &&
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() <
          kTrainBudgetMs) {
    images_since_eval_ += trainer_->run(train_batch_);
    if (images_since_eval_ >= kCurveEvery || trainer_->done()) {
      const cnn::Trainer::Progress p = trainer_->take_progress();
      loss_curve_.push_back(p.loss);
      accuracy_curve_.push_back(p.accuracy);
      images_since_eval_ = 0;
    }
  }
  image_acts_dirty_ = true;
  preview_dirty_ = true;
  if (trainer_->done()) {
    test_accuracy_ = cnn::evaluate(trainer_->network(), test_data_).accuracy();
    training_ = false;
    status_ = "Training finished: " + std::to_string(test_accuracy_ * 100.0).substr(0, 5) +
              "% on " + std::to_string(test_data_.count) + " test images";
  }
}

void App::update_image_activations() {
  image_acts_dirty_ = false;
  image_prediction_ = -1;
  const cnn::Network* net = shown_network();
  if (!net || gray_.empty()) return;
  // The network sees 28 x 28: shorter side to 28 (antialiased), centre crop.
  const Plane small = resize_shorter_side(gray_, cnn::kInput);
  std::vector<float> input(cnn::kInput * cnn::kInput);
  const int ox = (small.width - cnn::kInput) / 2, oy = (small.height - cnn::kInput) / 2;
  for (int y = 0; y < cnn::kInput; ++y)
    for (int x = 0; x < cnn::kInput; ++x)
      input[static_cast<std::size_t>(y * cnn::kInput + x)] = small.at(x + ox, y + oy);
  image_prediction_ = cnn::forward(*net, input.data(), image_acts_);
}

void App::draw_filter_tiles(const cnn::Network& net, bool clickable) {
  float scale = 0.0f;
  for (float w : net.w1) scale = std::max(scale, std::fabs(w));
  const float cell = 9.0f;
  for (int i = 0; i < cnn::kC1; ++i) {
    const Kernel k = filter_kernel(net, i);
    const cnn::PresetMatch m = cnn::most_similar_preset(k);
    if (i) ImGui::SameLine(0, 14);
    ImGui::BeginGroup();
    ImGui::Text("#%d", i);
    ImGui::PushID(i);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    draw_cells(k.weights.data(), k.width, k.height, cell, scale, true);
    ImGui::SetCursorScreenPos(p);
    if (track(ImGui::InvisibleButton("tile", ImVec2(k.width * cell, k.height * cell)),
              "tile/" + std::to_string(i)) &&
        clickable) {
      const bool present = std::any_of(bank_.begin(), bank_.end(),
                                       [&](const Kernel& b) { return b.name == k.name; });
      if (!present) {
        bank_.push_back(k);
        dirty_ = true;
        status_ = "Added " + k.name + " to the filter bank";
      }
    }
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::Text("%s: like %s (cosine %+.2f)%s", k.name.c_str(), m.preset.c_str(), m.cosine,
                  clickable ? "; click to apply it to the image" : "");
      for (int y = 0; y < k.height; ++y) {
        for (int x = 0; x < k.width; ++x) {
          if (x) ImGui::SameLine();
          ImGui::Text("%+.2f", k.at(x, y));
        }
      }
      ImGui::EndTooltip();
    }
    ImGui::PopID();
    ImGui::TextDisabled("%s", m.preset.c_str());
    ImGui::TextDisabled("%+.2f", m.cosine);
    ImGui::EndGroup();
  }
}

void App::draw_layer2_activations() {
  if (image_acts_dirty_) update_image_activations();
  if (image_prediction_ < 0 || image_acts_.z2.empty()) return;
  const float top = image_acts_.probs[static_cast<std::size_t>(image_prediction_)];
  ImGui::Text(
      "Second layer on this image (28 x 28 crop): %d maps built from the first layer's. "
      "The network's guess: %s (%.0f%%)",
      cnn::kC2, cnn::kClassNames[image_prediction_], 100.0 * top);
  float hi = 0.0f;
  for (float v : image_acts_.z2) hi = std::max(hi, v);
  const int n = cnn::kPool1;
  std::vector<float> relu(static_cast<std::size_t>(n) * n);
  for (int c = 0; c < cnn::kC2; ++c) {
    for (std::size_t i = 0; i < relu.size(); ++i)
      relu[i] = std::max(0.0f, image_acts_.z2[static_cast<std::size_t>(c) * relu.size() + i]);
    if (c) ImGui::SameLine(0, 6);
    draw_cells(relu.data(), n, n, 3.0f, hi > 0 ? 1.0f / hi : 0.0f, false);
  }
}

void App::draw_learned_tab() {
  const cnn::Network* net = shown_network();
  if (!net) {
    ImGui::TextWrapped(
        "No trained network loaded (assets/fashion_cnn.weights, made by "
        "filterlens-cli train). Train one in the next tab.");
    return;
  }
  ImGui::TextWrapped(
      "First-layer filters of a small CNN trained on Fashion-MNIST (%s), blue "
      "negative, red positive, with the hand-made filter each resembles most "
      "(cosine of the zero-mean weights). Click one to add it to the bank and see "
      "its feature map next to edge, sharpen and blur.",
      trainer_ ? "being trained here" : learned_name_.c_str());
  if (track(ImGui::Button("Show all"), "Show all")) {
    for (const Kernel& k : learned_filters())
      if (std::none_of(bank_.begin(), bank_.end(),
                       [&](const Kernel& b) { return b.name == k.name; }))
        bank_.push_back(k);
    dirty_ = true;
  }
  draw_filter_tiles(*net, true);
  draw_layer2_activations();
}

void App::draw_training_tab() {
  if (train_data_.count == 0) {
    ImGui::TextWrapped(
        "Training data is not available here (the web build ships a Fashion-MNIST "
        "subset; the desktop reads Debian's dataset-fashion-mnist).");
    return;
  }
  ImGui::Text("%d training and %d test images (Fashion-MNIST subset, MIT licence).",
              train_data_.count, test_data_.count);
  if (!training_) {
    if (ImGui::Button(trainer_ && !trainer_->done() ? "Resume" : "Train from scratch")) {
      if (trainer_ && !trainer_->done()) {
        training_ = true;
      } else {
        start_training(train_epochs_, train_seed_);
      }
    }
  } else if (ImGui::Button("Pause")) {
    training_ = false;
  }
  ImGui::SameLine();
  if (ImGui::Button("Reset")) {
    trainer_.reset();
    training_ = false;
    loss_curve_.clear();
    accuracy_curve_.clear();
    image_acts_dirty_ = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  if (ImGui::SliderFloat("learning rate", &train_lr_, 1e-4f, 1e-2f, "%.4f",
                         ImGuiSliderFlags_Logarithmic) &&
      trainer_)
    trainer_->set_learning_rate(train_lr_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  if (ImGui::SliderInt("batch", &train_batch_, 1, 256) && trainer_)
    trainer_->set_batch_size(train_batch_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70);
  ImGui::SliderInt("epochs", &train_epochs_, 1, 10);
  if (trainer_) {
    ImGui::Text("epoch %d of %d, image %d; %s", std::min(trainer_->epoch() + 1, train_epochs_),
                train_epochs_, trainer_->position(),
                trainer_->done() ? "done"
                : training_      ? "training"
                                 : "paused");
    if (trainer_->done()) {
      ImGui::SameLine();
      ImGui::Text("test accuracy %.1f%%", 100.0 * test_accuracy_);
    }
    const float w = std::max(120.0f, (ImGui::GetContentRegionAvail().x - 20) / 2);
    ImGui::PlotLines("##loss", loss_curve_.data(), static_cast<int>(loss_curve_.size()), 0,
                     "training loss", 0.0f, FLT_MAX, ImVec2(w, 50));
    ImGui::SameLine();
    ImGui::PlotLines("##acc", accuracy_curve_.data(), static_cast<int>(accuracy_curve_.size()), 0,
                     "training accuracy", 0.0f, 1.0f, ImVec2(w, 50));
    draw_filter_tiles(trainer_->network(), false);
    // A few test images with what the network currently predicts (recomputed only after the
    // network changed, not every frame).
    if (preview_dirty_) {
      cnn::Activations a;
      preview_guesses_.clear();
      for (int i = 0; i < test_preview_.count; ++i)
        preview_guesses_.push_back(cnn::forward(
            trainer_->network(),
            test_preview_.images.data() + static_cast<long>(i) * cnn::kInput * cnn::kInput, a));
      preview_dirty_ = false;
    }
    for (int i = 0; i < test_preview_.count; ++i) {
      if (i) ImGui::SameLine(0, 10);
      ImGui::BeginGroup();
      const float* img =
          test_preview_.images.data() + static_cast<long>(i) * cnn::kInput * cnn::kInput;
      draw_cells(img, cnn::kInput, cnn::kInput, 2.0f, 1.0f, false);
      const int guess = preview_guesses_[static_cast<std::size_t>(i)];
      const bool right = guess == test_preview_.labels[static_cast<std::size_t>(i)];
      ImGui::TextColored(right ? ImVec4(0.5f, 1, 0.5f, 1) : ImVec4(1, 0.5f, 0.5f, 1), "%s",
                         cnn::kClassNames[guess]);
      ImGui::EndGroup();
    }
  }
}

}  // namespace filterlens
