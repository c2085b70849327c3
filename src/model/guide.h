// Guide: the notebook's story told in six steps on the current image, each step driving the real
// UI (zoom into the pixel grid, the sliding window, the inspector, the maps side by side, the
// kernel editor, the learned filters). This file owns the guide's state (open, which step) and
// what each step asks of the Model, so the story is unit-tested without ImGui; the view
// (src/ui/guide.cpp) only draws the text, the buttons and the highlight, and applies the
// requests that belong to widgets (which bottom tab is shown).
//
// Each step is a scene, not a delta: entering step n sets everything step n needs, whichever step
// came before (Back, a jump from the page API, a new image all give the same picture).
#pragma once

#include <cstdint>

#include "model.h"

namespace filterlens {

// The bottom tab a step wants in front.
enum class GuideTab { how_it_works, learned_filters };

struct GuideStep {
  const char* title;
  const char* text;
  // The control the view outlines, by its id in App::control_rects() ("inspector/kernel",
  // "weight/1,1", "tab/Learned filters"), or "panel/<name>" for an image panel, or "panels" for
  // every panel.
  const char* highlight;
  GuideTab tab;
  bool animation_section;  // the sidebar's "Slide the window" section should be open
};

// The pixel a step points at: where the gray image changes most near its centre, so the zoomed
// grid shows an edge and the inspector a sum that is not zero.
struct GuideSpot {
  int x = 0, y = 0;
};

class Guide {
 public:
  static constexpr int kSteps = 6;
  // Screen pixels per image pixel the zoomed steps aim for: above the panels' threshold for
  // writing values in the pixels (46), with a margin.
  static constexpr float kPixelsPerCell = 50.0f;
  static constexpr int kDefaultCellsAcross = 6;  // before the view has told the panel's width

  static const GuideStep& step_info(int index);  // index clamped into 0..kSteps-1

  bool is_open() const { return open_; }
  int step() const { return step_; }  // 0-based
  const GuideStep& current() const { return step_info(step_); }

  // Opens at `index` (clamped) and applies that step to the model.
  void open(Model& model, int index = 0);
  // Closes; the model keeps what the guide showed (the person carries on from there). Returns
  // whether it was open (so the view remembers "seen" once).
  bool close();
  void next(Model& model);  // past the last step: closes
  void back(Model& model);  // stays at the first step
  void go_to(Model& model, int index);

  // Once per frame with the width of an image panel in screen pixels (0: unknown). A new image
  // re-applies the step (the model has reset the inspector and the animation for it); a new
  // panel width re-fits the zoom of the zoomed steps while the view is still the guide's.
  void sync(Model& model, float panel_width);

  // The bottom tab the current step wants, once per step entered: the view selects it and then
  // leaves the tabs to the person.
  bool take_tab_request(GuideTab& tab);
  // Likewise for unfolding the bottom tabs and opening the sidebar's animation section.
  bool take_layout_request();

  const GuideSpot& spot() const { return spot_; }
  // Where the map index the guide demonstrates with: the first map named "edge...", else 0.
  static int demo_filter(const Model& model);
  // The pixel whose neighbourhood changes most in the central half of the gray image (sampled
  // on at most 256 x 256 points, so a 24 MP image costs no more than a small one).
  static GuideSpot find_spot(const Plane& gray);

 private:
  void apply(Model& model);
  ViewState zoomed_view(const Model& model) const;

  bool open_ = false;
  int step_ = 0;
  GuideSpot spot_;
  std::uint64_t applied_image_ = ~std::uint64_t{0};
  float panel_width_ = 0.0f;
  bool view_is_guides_ = false;  // the view is still the one the guide set (no zoom or pan since)
  ViewState applied_view_;
  bool tab_request_ = false, layout_request_ = false;
};

}  // namespace filterlens
