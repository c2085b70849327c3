// Touch gestures: pan and pinch as one rule (the image point under the fingers' middle stays
// there), and the tap / drag decision.
#include "touch.h"

#include <cmath>

namespace filterlens {
namespace {

struct Middle {
  float fx, fy, distance;  // distance in panel widths (y scaled by the aspect)
};

Middle middle(const std::vector<PanelPoint>& p, float aspect) {
  if (p.size() == 1) return {p[0].fx, p[0].fy, 0.0f};
  const float dx = p[1].fx - p[0].fx, dy = (p[1].fy - p[0].fy) * aspect;
  return {(p[0].fx + p[1].fx) / 2, (p[0].fy + p[1].fy) / 2, std::sqrt(dx * dx + dy * dy)};
}

bool finite(const std::vector<PanelPoint>& p) {
  for (const PanelPoint& q : p)
    if (!std::isfinite(q.fx) || !std::isfinite(q.fy)) return false;
  return true;
}

}  // namespace

ViewState touch_view(const ViewState& view, const std::vector<PanelPoint>& before,
                     const std::vector<PanelPoint>& after, float aspect) {
  if (before.empty() || before.size() > 2 || before.size() != after.size() || !finite(before) ||
      !finite(after) || !(aspect > 0.0f))
    return view;
  const Middle b = middle(before, aspect), a = middle(after, aspect);
  float zoom = view.zoom;
  if (before.size() == 2) {
    constexpr float kMinDistance = 1e-3f;  // fingers on one spot: no meaningful ratio
    if (b.distance < kMinDistance || a.distance < kMinDistance) return view;
    zoom = view.zoom * a.distance / b.distance;
  }
  // The image point under the middle before (ViewState's mapping: u = cx + (f - 0.5) / zoom)...
  const float u = view.cx + (b.fx - 0.5f) / view.zoom, v = view.cy + (b.fy - 0.5f) / view.zoom;
  // ... goes under the middle after, at the new zoom.
  ViewState out = view;
  out.zoom_about(u, v, a.fx, a.fy, zoom);
  return out;
}

std::optional<PanelPoint> TouchGesture::update(const std::vector<TouchFinger>& fingers,
                                               const std::optional<PanelBox>& panel,
                                               ViewState& view) {
  if (fingers_.empty()) {  // a new gesture
    if (fingers.empty()) return std::nullopt;
    panel_ = panel && panel->width > 0 && panel->height > 0 ? panel : std::nullopt;
    start_ = fingers.front();
    tap_ = fingers.size() == 1;
    fingers_ = fingers;
    return std::nullopt;
  }
  std::optional<PanelPoint> tap;
  if (fingers.size() > 1 || (fingers.size() == 1 && fingers.front().id != start_.id)) tap_ = false;
  if (tap_ && !fingers.empty() &&
      std::hypot(fingers.front().x - start_.x, fingers.front().y - start_.y) > kTapSlop)
    tap_ = false;
  if (panel_) {
    const PanelBox& p = *panel_;
    const auto to_panel = [&p](const TouchFinger& f) {
      return PanelPoint{(f.x - p.x) / p.width, (f.y - p.y) / p.height};
    };
    // The fingers down both before and after this event (by id) move the view; a finger that
    // joins or lifts only changes who counts from the next event on.
    std::vector<PanelPoint> before, after;
    for (const TouchFinger& now : fingers)
      for (const TouchFinger& was : fingers_)
        if (was.id == now.id && before.size() < 2) {
          before.push_back(to_panel(was));
          after.push_back(to_panel(now));
        }
    // While still a tap, the view stays put (a finger's jitter is not a pan).
    if (!tap_) view = touch_view(view, before, after, p.height / p.width);
    if (fingers.empty() && tap_) tap = to_panel(start_);
  }
  if (fingers.empty()) {
    panel_.reset();
    tap_ = false;
  }
  fingers_ = fingers;
  return tap;
}

}  // namespace filterlens
