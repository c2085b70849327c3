// App's "Learned filters" and "Train a CNN" tabs, drawn from the model's LearnedFilters
// (src/model/learned.h): the first-layer filters of the CNN (loaded weights, or the network being
// trained), each with the hand-made preset it resembles, applied to the user's image on click;
// the second layer's activations for the current image; and the training run (core
// cnn::TrainingRun, stepped by App::frame) with its curves and test predictions.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "cnn/similarity.h"
#include "imgui.h"

namespace filterlens {
namespace {

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

}  // namespace

void App::draw_filter_tiles(const cnn::Network& net, bool clickable) {
  float scale = 0.0f;
  for (float w : net.w1) scale = std::max(scale, std::fabs(w));
  const float cell = 9.0f;
  for (int i = 0; i < cnn::kC1; ++i) {
    const Kernel k = LearnedFilters::filter_kernel(net, i);
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
      if (model_.add_missing_kernels({k}) > 0)
        model_.set_status("Added " + k.name + " to the filter bank");
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
  const LearnedFilters::ImageReading& reading = model_.learned_reading();
  const cnn::Activations& acts = reading.activations;
  if (reading.prediction < 0 || acts.z2.empty()) return;
  const float top = acts.probs[static_cast<std::size_t>(reading.prediction)];
  ImGui::Text(
      "Second layer on this image (28 x 28 crop): %d maps built from the first layer's. "
      "The network's guess: %s (%.0f%%)",
      cnn::kC2, cnn::kClassNames[reading.prediction], 100.0 * top);
  float hi = 0.0f;
  for (float v : acts.z2) hi = std::max(hi, v);
  const int n = cnn::kPool1;
  std::vector<float> relu(static_cast<std::size_t>(n) * n);
  for (int c = 0; c < cnn::kC2; ++c) {
    for (std::size_t i = 0; i < relu.size(); ++i)
      relu[i] = std::max(0.0f, acts.z2[static_cast<std::size_t>(c) * relu.size() + i]);
    if (c) ImGui::SameLine(0, 6);
    draw_cells(relu.data(), n, n, 3.0f, hi > 0 ? 1.0f / hi : 0.0f, false);
  }
}

void App::draw_learned_tab() {
  const LearnedFilters& learned = model_.learned();
  const cnn::Network* net = learned.shown_network();
  if (!net && !learned.network_download().empty()) {
    ImGui::TextWrapped("%s", learned.network_download().c_str());
    return;
  }
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
      learned.showing_training() ? "being trained here" : learned.loaded_name().c_str());
  if (track(ImGui::Button("Show all"), "Show all")) model_.add_missing_kernels(learned.filters());
  draw_filter_tiles(*net, true);
  draw_layer2_activations();
}

void App::draw_training_tab() {
  LearnedFilters& learned = model_.learned();
  cnn::TrainingRun& run = learned.run();
  if (!run.has_data() && !learned.data_download().empty()) {
    ImGui::TextWrapped("%s", learned.data_download().c_str());
    return;
  }
  if (!run.has_data()) {
    ImGui::TextWrapped(
        "Training data is not available here (the web build ships a Fashion-MNIST "
        "subset; the desktop reads Debian's dataset-fashion-mnist).");
    return;
  }
  ImGui::Text("%d training and %d test images (Fashion-MNIST subset, MIT licence).",
              run.train_data().count, run.test_data().count);
  using State = cnn::TrainingRun::State;
  if (run.state() == State::running) {
    if (ImGui::Button("Pause")) run.pause();
  } else if (run.state() == State::paused) {
    if (ImGui::Button("Resume")) run.resume();
  } else if (ImGui::Button("Train from scratch")) {
    model_.start_training(run.settings().epochs, run.settings().seed);
  }
  ImGui::SameLine();
  if (ImGui::Button("Reset")) run.reset();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  float rate = run.settings().learning_rate;
  // A value typed into a slider (Ctrl + click) is held to the slider's range, as a drag is.
  if (ImGui::SliderFloat("learning rate", &rate, 1e-4f, 1e-2f, "%.4f",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    run.set_learning_rate(rate);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  int batch = run.settings().batch_size;
  if (ImGui::SliderInt("batch", &batch, 1, 256, "%d", ImGuiSliderFlags_AlwaysClamp))
    run.set_batch_size(batch);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70);
  int epochs = run.settings().epochs;
  if (ImGui::SliderInt("epochs", &epochs, 1, 10, "%d", ImGuiSliderFlags_AlwaysClamp))
    run.set_epochs(epochs);
  const cnn::Network* net = run.network();
  if (!net) return;
  ImGui::Text("epoch %d of %d, image %d; %s", std::min(run.epoch() + 1, run.run_epochs()),
              run.run_epochs(), run.position(),
              run.finished()  ? "done"
              : run.running() ? "training"
                              : "paused");
  if (run.finished()) {
    ImGui::SameLine();
    ImGui::Text("test accuracy %.1f%%", 100.0 * run.test_accuracy());
  }
  const float w = std::max(120.0f, (ImGui::GetContentRegionAvail().x - 20) / 2);
  ImGui::PlotLines("##loss", run.loss_curve().data(), static_cast<int>(run.loss_curve().size()), 0,
                   "training loss", 0.0f, FLT_MAX, ImVec2(w, 50));
  ImGui::SameLine();
  ImGui::PlotLines("##acc", run.accuracy_curve().data(),
                   static_cast<int>(run.accuracy_curve().size()), 0, "training accuracy", 0.0f,
                   1.0f, ImVec2(w, 50));
  draw_filter_tiles(*net, false);
  // A few test images with what the network currently predicts (recomputed by the model only
  // after the network changed, not every frame).
  const cnn::Dataset& preview = learned.test_preview();
  const std::vector<int>& guesses = learned.preview_guesses();
  for (int i = 0; i < preview.count && i < static_cast<int>(guesses.size()); ++i) {
    if (i) ImGui::SameLine(0, 10);
    ImGui::BeginGroup();
    const float* img = preview.images.data() + static_cast<long>(i) * cnn::kInput * cnn::kInput;
    draw_cells(img, cnn::kInput, cnn::kInput, 2.0f, 1.0f, false);
    const int guess = guesses[static_cast<std::size_t>(i)];
    const bool right = guess == preview.labels[static_cast<std::size_t>(i)];
    ImGui::TextColored(right ? ImVec4(0.5f, 1, 0.5f, 1) : ImVec4(1, 0.5f, 0.5f, 1), "%s",
                       cnn::kClassNames[guess]);
    ImGui::EndGroup();
  }
}

}  // namespace filterlens
