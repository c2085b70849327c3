// App's "Watch a kernel being learned" panel, in the How-it-works tab: the setup (target, size,
// seed, learning rate, steps), Start / Stop / Reset, and the run of the model's KernelLearning
// (src/model/kernel_learning.h) stepped once per frame while the tab is shown: the weights as a
// grid, the learned map next to the target's map (both coloured with the target map's range, so
// they look alike exactly when they are), the loss curve on a log scale, and at the end the
// learned weights next to the target's with their cosine.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "app.h"
#include "imgui.h"

namespace filterlens {
namespace {

ImTextureID learn_texture_id(unsigned int gl_texture) {
  return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(gl_texture));
}

ImU32 weight_colour(float v, float scale) {  // -scale blue, 0 white, +scale red
  const float t = std::clamp(scale > 0 ? v / scale : 0.0f, -1.0f, 1.0f);
  const int fade = static_cast<int>(255 * (1.0f - 0.75f * std::fabs(t)));
  return t < 0 ? IM_COL32(fade, fade, 255, 255) : IM_COL32(255, fade, fade, 255);
}

// A k x k grid of weights with their values written in, at the cursor; `hidden` draws "?".
void draw_weight_grid(const Kernel& k, float scale, float cell, bool hidden) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  char text[32];
  for (int y = 0; y < k.height; ++y)
    for (int x = 0; x < k.width; ++x) {
      const ImVec2 a(p0.x + x * cell, p0.y + y * cell), b(a.x + cell - 1, a.y + cell - 1);
      const float v = k.at(x, y);
      dl->AddRectFilled(a, b, hidden ? IM_COL32(90, 90, 90, 255) : weight_colour(v, scale));
      if (hidden)
        std::snprintf(text, sizeof text, "?");
      else if (std::fabs(v) < 0.005f)  // no "-0.00" for a weight that has gone to zero
        std::snprintf(text, sizeof text, "0.00");
      else
        std::snprintf(text, sizeof text, std::fabs(v) >= 9.995f ? "%+.1f" : "%+.2f", v);
      const ImVec2 size = ImGui::CalcTextSize(text);
      dl->AddText(ImVec2(a.x + (cell - size.x) / 2, a.y + (cell - size.y) / 2),
                  IM_COL32(0, 0, 0, 255), text);
    }
  ImGui::Dummy(ImVec2(k.width * cell, k.height * cell));
}

ColorRange range_of(const Plane& p) {
  if (p.data.empty()) return {0.0f, 1.0f};
  const auto [lo, hi] = std::minmax_element(p.data.begin(), p.data.end());
  return {*lo, *hi > *lo ? *hi : *lo + 1.0f};
}

}  // namespace

void App::draw_learn_panel() {
  KernelLearning& learning = model_.kernel_learning();
  learning.advance();  // a step per frame while it runs

  ImGui::Separator();
  ImGui::TextUnformatted("Watch a kernel being learned");
  ImGui::TextWrapped(
      "A random kernel is fitted by gradient descent (Adam) to a target's feature map on this "
      "image: the loss is the mean squared difference between the two maps, and each step moves "
      "the weights against its gradient (the image correlated with the difference).");
  if (!learning.note().empty())
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", learning.note().c_str());

  // ---- Setup ----
  LearningSetup& setup = learning.setup();
  const std::vector<std::string> names = KernelLearning::target_names();
  ImGui::SetNextItemWidth(150);
  if (track(ImGui::BeginCombo("target##learn", setup.target.c_str()), "learn/target")) {
    for (const std::string& n : names) {
      const bool hidden = n == KernelLearning::kHiddenTarget;
      const std::string label = hidden ? "hidden random kernel##hidden" : n;
      if (track(ImGui::Selectable(label.c_str(), n == setup.target), "learn/target/" + n)) {
        setup.target = n;
        // A 5x5 preset can only be learned by a 5x5 kernel.
        Result<Kernel> k = KernelLearning::target_kernel(setup);
        if (k && k.value().width > setup.settings.size) setup.settings.size = k.value().width;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  track(ImGui::RadioButton("3x3##learn", &setup.settings.size, 3), "learn/3x3");
  ImGui::SameLine();
  track(ImGui::RadioButton("5x5##learn", &setup.settings.size, 5), "learn/5x5");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  int seed = static_cast<int>(setup.settings.seed & 0x7fffffffu);
  if (ImGui::InputInt("seed##learn", &seed))
    setup.settings.seed = static_cast<std::uint32_t>(std::max(0, seed));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(80);
  float lr = static_cast<float>(setup.settings.lr);
  if (ImGui::DragFloat("lr##learn", &lr, 0.002f, 0.001f, 1.0f, "%.3f",
                       ImGuiSliderFlags_Logarithmic))
    setup.settings.lr = std::clamp(static_cast<double>(lr), 0.001, 1.0);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  if (ImGui::InputInt("steps##learn", &setup.settings.steps, 50))
    setup.settings.steps = std::clamp(setup.settings.steps, 1, kLearnMaxSteps);

  if (track(ImGui::Button("Start##learn"), "learn/Start")) {
    const Status s = model_.start_kernel_learning();
    if (!s) model_.report_error(s.error());
  }
  const KernelLearner* run = learning.run();
  if (run) {
    ImGui::SameLine();
    if (learning.running()) {
      if (track(ImGui::Button("Stop##learn"), "learn/Stop")) learning.stop();
    } else if (!run->done()) {
      if (track(ImGui::Button("Continue##learn"), "learn/Continue")) learning.resume();
    }
    ImGui::SameLine();
    if (track(ImGui::Button("Reset##learn"), "learn/Reset")) learning.reset();
  }
  run = learning.run();
  if (!run) {
    if (!model_.has_image()) ImGui::TextDisabled("Load an image first.");
    return;
  }

  const bool revealed = learning.target_revealed();
  const std::string target_label = learning.target_name() == KernelLearning::kHiddenTarget
                                       ? "the hidden kernel"
                                       : learning.target_name();
  ImGui::Text("step %d / %d   loss %.3g   cosine to %s %s", run->steps_done(),
              run->settings().steps, run->loss(), target_label.c_str(),
              revealed ? "" : "(shown at the end)");
  if (revealed) {
    ImGui::SameLine(0, 0);
    ImGui::Text("%.4f", run->cosine());
  }
  if (run->input().width != model_.gray().width || run->input().height != model_.gray().height)
    ImGui::TextDisabled("(learning on the image's central %d x %d pixels)", run->input().width,
                        run->input().height);

  // ---- Textures: the two maps, re-coloured only when the run changed ----
  if (graphics_ready_ && learn_uploaded_ != learning.generation()) {
    const ColorRange range = range_of(run->target_map());
    learn_map_texture_.upload(run->map());
    learn_map_texture_.colorize(program_, Colormap::gray, range);
    learn_target_texture_.upload(run->target_map());
    learn_target_texture_.colorize(program_, Colormap::gray, range);
    learn_uploaded_ = learning.generation();
  }

  // ---- Weights, maps and loss, side by side ----
  const int k = run->settings().size;
  const float cell = k == 3 ? 40.0f : 30.0f;
  float scale = 0.0f;
  for (float w : run->kernel().weights) scale = std::max(scale, std::fabs(w));
  if (revealed)
    for (float w : run->target().weights) scale = std::max(scale, std::fabs(w));

  ImGui::BeginGroup();
  ImGui::TextUnformatted(run->done() ? "learned" : "weights now");
  draw_weight_grid(run->kernel(), scale, cell, false);
  track(true, "learn/weights");
  ImGui::EndGroup();
  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::Text("target: %s", target_label.c_str());
  draw_weight_grid(run->target(), scale, cell, !revealed);
  track(true, "learn/target weights");
  ImGui::EndGroup();

  const float map_h = std::max(cell * k, 100.0f);
  const Plane& m = run->map();
  const float map_w = m.height > 0 ? map_h * m.width / m.height : map_h;
  for (int i = 0; i < 2; ++i) {
    ImGui::SameLine(0, 16);
    ImGui::BeginGroup();
    ImGui::TextUnformatted(i == 0 ? "its map" : "target's map");
    const gfx::MapTexture& tex = i == 0 ? learn_map_texture_ : learn_target_texture_;
    if (tex.display_texture())
      ImGui::Image(learn_texture_id(tex.display_texture()), ImVec2(map_w, map_h));
    else
      ImGui::Dummy(ImVec2(map_w, map_h));
    track(true, i == 0 ? "learn/map" : "learn/target map");
    ImGui::EndGroup();
  }

  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  std::vector<float> log_loss;
  log_loss.reserve(run->losses().size());
  for (double l : run->losses())
    log_loss.push_back(static_cast<float>(std::log10(std::max(l, 1e-30))));
  ImGui::TextUnformatted("log10(loss) per step");
  ImGui::PlotLines("##learn loss", log_loss.data(), static_cast<int>(log_loss.size()), 0, nullptr,
                   FLT_MAX, FLT_MAX, ImVec2(260, map_h));
  track(true, "learn/loss");
  ImGui::EndGroup();

  if (run->done())
    ImGui::Text("Done: the learned weights are at cosine %.5f from %s's (1 = the same kernel).",
                run->cosine(), target_label.c_str());
}

}  // namespace filterlens
