// App's guide strip: the current step's words, Back / Next / Close (large enough to tap), the
// keys (Enter or Right: next, Left: back, Esc: close) and an outline around what the step talks
// about. The strip sits over the top of the maps area and the maps window starts below it, so it
// covers no control. The steps and what they do to the model are src/model/guide.{h,cpp}.
#include <algorithm>

#include "app.h"
#include "imgui.h"
#include "imgui_internal.h"  // ImGuiWindow::InnerClipRect

namespace filterlens {
namespace {

constexpr float kButtonHeight = 36.0f;  // CSS pixels: a comfortable tap target (>= 32)
constexpr float kButtonWidth = 92.0f;

}  // namespace

App::NamedRect App::visible_part_of_window(const std::string& name) {
  const ImRect clip = ImGui::GetCurrentWindowRead()->InnerClipRect;
  return {name, clip.Min.x, clip.Min.y, clip.GetWidth(), clip.GetHeight()};
}

void App::open_guide(int step) {
  guide_.open(model_, step);
  guide_scrolled_step_ = -1;
}

void App::close_guide() {
  if (guide_.close() && services_.remember_guide_seen) services_.remember_guide_seen();
  guide_scrolled_step_ = -1;
}

float App::guide_height(float width) const {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float wrap = std::max(100.0f, width - 2.0f * style.WindowPadding.x);
  // The tallest step, so the maps below do not move from one step to the next.
  float text = 0.0f;
  for (int i = 0; i < Guide::kSteps; ++i)
    text = std::max(text, ImGui::CalcTextSize(Guide::step_info(i).text, nullptr, false, wrap).y);
  return 2.0f * style.WindowPadding.y + ImGui::GetTextLineHeightWithSpacing() + text +
         style.ItemSpacing.y + kButtonHeight + 2.0f;
}

void App::draw_guide(float x, float y, float width, float height) {
  if (!guide_.is_open()) {
    highlight_rect_ = NamedRect{};
    return;
  }
  ImGui::SetNextWindowPos(ImVec2(x, y));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.13f, 0.16f, 0.24f, 1.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoTitleBar |
                                 ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoSavedSettings;
  const GuideStep& step = guide_.current();
  int go = 0;  // +1 next, -1 back
  bool close = false;
  if (ImGui::Begin("Guide", nullptr, flags)) {
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.35f, 1.0f), "%s", step.title);
    ImGui::SameLine();
    ImGui::TextDisabled("(step %d of %d)", guide_.step() + 1, Guide::kSteps);
    ImGui::TextWrapped("%s", step.text);
    const float row_y =
        ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y - kButtonHeight;
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), row_y));
    ImGui::BeginDisabled(guide_.step() == 0);
    if (track(ImGui::Button("< Back", ImVec2(kButtonWidth, kButtonHeight)), "guide/back")) go = -1;
    ImGui::EndDisabled();
    ImGui::SameLine();
    const bool last = guide_.step() + 1 == Guide::kSteps;
    if (track(ImGui::Button(last ? "Done" : "Next >", ImVec2(kButtonWidth, kButtonHeight)),
              "guide/next"))
      go = 1;
    ImGui::SameLine();
    if (track(ImGui::Button("Close", ImVec2(kButtonWidth, kButtonHeight)), "guide/close"))
      close = true;
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("keys: Enter or Right next, Left back, Esc close");
  }
  ImGui::End();
  ImGui::PopStyleColor();

  // The keys, unless a text field has them (a name or a weight being typed).
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false) ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), false))
      go = 1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow), false)) go = -1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) close = true;
  }

  // The outline around what the step talks about, over everything (drawn before a step change,
  // so it matches this frame's rectangles).
  draw_guide_highlight(step.highlight);

  if (close) {
    close_guide();
  } else if (go > 0) {
    if (guide_.step() + 1 == Guide::kSteps) {
      close_guide();  // "Done"
    } else {
      guide_.next(model_);
    }
  } else if (go < 0) {
    guide_.back(model_);
  }
  if (go != 0) guide_scrolled_step_ = -1;  // the new step's control is followed once
}

void App::follow_guide_target(const std::string& id) {
  highlight_clip_ = visible_part_of_window(id);
  // Once a step, on its first frame: a control not seen whole is scrolled into view (both ways:
  // the inspector scrolls sideways too); afterwards the person's scrolling is theirs.
  if (guide_scrolled_step_ == guide_.step()) return;
  guide_scrolled_step_ = guide_.step();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const NamedRect& c = highlight_clip_;
  if (a.y < c.y || b.y > c.y + c.height) ImGui::SetScrollHereY(0.5f);
  if (a.x < c.x || b.x > c.x + c.width) ImGui::SetScrollHereX(0.5f);
}

void App::draw_guide_highlight(const std::string& target) {
  bool found = false;
  ImVec2 a(1e9f, 1e9f), b(-1e9f, -1e9f);
  auto add = [&](const NamedRect& r) {
    found = true;
    a = ImVec2(std::min(a.x, r.x), std::min(a.y, r.y));
    b = ImVec2(std::max(b.x, r.x + r.width), std::max(b.y, r.y + r.height));
  };
  const std::string panel = "panel/";
  if (target == "panels") {
    for (const NamedRect& r : panel_rects_) add(r);
  } else if (target.compare(0, panel.size(), panel) == 0) {
    for (const NamedRect& r : panel_rects_)
      if (r.name == target.substr(panel.size())) add(r);
  } else {
    for (const NamedRect& r : control_rects_)
      if (r.name == target) add(r);
  }
  highlight_rect_ = found ? NamedRect{target, a.x, a.y, b.x - a.x, b.y - a.y} : NamedRect{};
  const NamedRect clip = highlight_clip_;
  highlight_clip_ = NamedRect{};  // the next frame's drawing sets it again
  if (!found || clip.width <= 0.0f || clip.height <= 0.0f) return;
  // Around the part of it its window shows (a pad's width outside it, inside the viewport).
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float pad = 4.0f;
  const ImVec2 lo(std::max({vp->Pos.x + 2.0f, clip.x - pad, a.x - pad}),
                  std::max({vp->Pos.y + 2.0f, clip.y - pad, a.y - pad}));
  const ImVec2 hi(std::min({vp->Pos.x + vp->Size.x - 2.0f, clip.x + clip.width + pad, b.x + pad}),
                  std::min({vp->Pos.y + vp->Size.y - 2.0f, clip.y + clip.height + pad, b.y + pad}));
  if (hi.x <= lo.x + pad || hi.y <= lo.y + pad) return;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddRect(lo, hi, IM_COL32(0, 0, 0, 160), 6.0f, 0, 6.0f);  // a dark rim: visible on white
  dl->AddRect(lo, hi, IM_COL32(255, 190, 40, 255), 6.0f, 0, 3.0f);
}

}  // namespace filterlens
