// Touch gestures on the linked view (issue 10 point 7): one finger pans, two fingers pinch-zoom
// about their middle, a tap inspects a pixel. Pure maths and bookkeeping over finger positions;
// the platform forwards the fingers (the page's touch events), the app picks the panel under the
// first finger and turns a tap into an inspected pixel. Unit-tested in tests/unit/test_touch.cpp.
#pragma once

#include <optional>
#include <vector>

#include "model.h"

namespace filterlens {

struct TouchFinger {
  int id = 0;
  float x = 0, y = 0;  // screen units (CSS pixels on the web)
};

// Where a panel's image is drawn, in the same units as the fingers.
struct PanelBox {
  float x = 0, y = 0, width = 0, height = 0;
};

// A point of the panel as a fraction of its image box: (0, 0) top-left, (1, 1) bottom-right.
struct PanelPoint {
  float fx = 0, fy = 0;
};

// The view after the fingers moved from `before` to `after` (fractions of the panel; matched by
// position in the vectors; 1 or 2 fingers each). The image point under the fingers' middle stays
// under their middle, and with two fingers the zoom scales with their distance. `aspect` is the
// panel's height / width, so a diagonal pinch measures distance in screen terms. Returns `view`
// unchanged for anything else (no fingers, a count mismatch, two fingers on one spot).
ViewState touch_view(const ViewState& view, const std::vector<PanelPoint>& before,
                     const std::vector<PanelPoint>& after, float aspect);

class TouchGesture {
 public:
  // How far (screen units) a finger may wander and still make a tap.
  static constexpr float kTapSlop = 10.0f;

  // Every touch event's fingers, all that are down now (empty: the last one lifted). The first
  // event of a gesture takes `panel` as the gesture's panel (the app passes the one under the
  // first finger; none: the gesture is ignored until every finger lifted). Moves update `view`;
  // returns the tap's point (fractions of the panel) when a single finger lifted without
  // moving past kTapSlop.
  std::optional<PanelPoint> update(const std::vector<TouchFinger>& fingers,
                                   const std::optional<PanelBox>& panel, ViewState& view);

  bool active() const { return !fingers_.empty(); }
  // The gesture's panel while it lasts.
  const std::optional<PanelBox>& panel() const { return panel_; }

 private:
  std::vector<TouchFinger> fingers_;  // as of the last event
  std::optional<PanelBox> panel_;
  TouchFinger start_;  // the first finger where it went down
  bool tap_ = false;   // still a tap: one finger, not moved past the slop
};

}  // namespace filterlens
