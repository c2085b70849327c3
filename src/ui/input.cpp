// Keyboard shortcuts and touch gestures (issue 10 point 7): Ctrl/Cmd+O opens a file, + / - / 0
// zoom the linked view in, out and back to fit, the arrow keys move the inspected pixel, Esc
// dismisses the message; on a touch screen one finger pans, two pinch-zoom, a tap inspects.
// None of the keys act while a text field has the keyboard (io.WantTextInput); the arrows act
// only while no widget list has keyboard navigation (the maps window takes no nav input).
#include <algorithm>
#include <cmath>

#include "app.h"
#include "imgui.h"
#include "imgui_internal.h"  // FindWindowByName, SetScrollY (a touch scrolls the grid)

namespace filterlens {
namespace {

// GLFW's key codes for letters are their ASCII capitals; both platforms use the GLFW backend,
// whose codes ImGui 1.86's io.KeysDown is indexed by.
constexpr int kKeyO = 'O';
constexpr float kZoomStep = 1.25f;  // one wheel notch

}  // namespace

void App::handle_keys() {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing: every key is text
  const bool command = io.KeyCtrl || io.KeySuper;
  if (command && ImGui::IsKeyPressed(kKeyO, false)) {
    // The web page opens its file chooser itself (it must, inside the key event); this is the
    // desktop's way: the path field takes the keyboard.
    if (!services_.open_file_dialog || !services_.open_file_dialog()) focus_path_ = true;
  }
  if (!command && !io.KeyAlt) {
    filterlens::ViewState v = model_.view();
    bool zoomed = false;
    for (const ImWchar c : io.InputQueueCharacters) {
      if (c == '+' || c == '=') {
        v.zoom *= kZoomStep, zoomed = true;
      } else if (c == '-' || c == '_') {
        v.zoom /= kZoomStep, zoomed = true;
      } else if (c == '0') {
        v = filterlens::ViewState{}, zoomed = true;
      }
    }
    if (zoomed) model_.set_view(v);  // about the view's centre; clamped to 1..kMaxZoom
  }
  if (guide_.is_open()) return;  // Esc and the arrows step or close the guide (guide.cpp)
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) model_.dismiss_messages();
  if (!io.NavActive) {
    const int dx = (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)) ? 1 : 0) -
                   (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow)) ? 1 : 0);
    const int dy = (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)) ? 1 : 0) -
                   (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow)) ? 1 : 0);
    if (dx || dy) model_.move_inspector(dx, dy);
  }
}

int App::panel_at(float x, float y) const {
  const NamedRect& v = maps_visible_;
  if (x < v.x || y < v.y || x >= v.x + v.width || y >= v.y + v.height) return -1;
  if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) return -1;
  for (int i = 0; i < static_cast<int>(panel_rects_.size()); ++i) {
    const NamedRect& r = panel_rects_[static_cast<std::size_t>(i)];
    if (x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height) return i;
  }
  return -1;
}

void App::touch(const std::vector<TouchFinger>& fingers) {
  std::optional<PanelBox> box;
  if (!touch_.active() && !fingers.empty()) {  // a new gesture: the panel under its first finger
    touch_panel_ = panel_at(fingers.front().x, fingers.front().y);
    if (touch_panel_ >= 0) {
      const NamedRect& r = panel_rects_[static_cast<std::size_t>(touch_panel_)];
      box = PanelBox{r.x, r.y, r.width, r.height};
    }
  }
  filterlens::ViewState view = model_.view();
  // At zoom 1 a finger dragged over the maps has no image to pan: it scrolls a grid that scrolls
  // (a phone's 64 maps), the grid following the finger.
  const bool one_finger = fingers.size() == 1 && touch_panel_ >= 0 && view.zoom <= 1.0f;
  if (one_finger && touch_.active() && grid_touch_y_) {
    ImGuiWindow* maps = ImGui::FindWindowByName(kMapsWindowId);
    if (maps && maps->ScrollMax.y > 0.0f)
      ImGui::SetScrollY(maps, std::clamp(maps->Scroll.y - (fingers.front().y - *grid_touch_y_),
                                         0.0f, maps->ScrollMax.y));
  }
  grid_touch_y_ = one_finger ? std::optional<float>(fingers.front().y) : std::nullopt;
  const std::optional<PanelPoint> tap = touch_.update(fingers, box, view);
  model_.set_view(view);
  if (!tap || touch_panel_ < 0 || model_.maps().empty()) return;
  // The tapped point of the panel, through the view, to a pixel of its plane.
  const int map = touch_panel_ - 1;  // panel 0 is the original
  if (map >= static_cast<int>(model_.maps().size())) return;
  const Plane& plane = map >= 0 ? model_.maps()[static_cast<std::size_t>(map)] : model_.gray();
  const float u = view.cx + (tap->fx - 0.5f) / view.zoom;
  const float v = view.cy + (tap->fy - 0.5f) / view.zoom;
  const int px = std::clamp(static_cast<int>(std::floor(u * plane.width)), 0, plane.width - 1);
  const int py = std::clamp(static_cast<int>(std::floor(v * plane.height)), 0, plane.height - 1);
  if (map >= 0) {
    model_.inspect_map_pixel(map, px, py);
  } else {
    model_.inspect_input_pixel(px, py);
  }
}

}  // namespace filterlens
