// Guide: the six steps' words and what each one does to the Model (see guide.h).
#include "guide.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace filterlens {
namespace {

const GuideStep kStepTable[Guide::kSteps] = {
    {"1. An image is a grid of numbers",
     "The filters see the image in gray: every pixel is one number, its brightness, from 0 "
     "(black) to 1 (white). The view is zoomed into a small part of the original (the outlined "
     "panel) so you can read them; the maps next to it are zoomed the same way.",
     "panel/Original", GuideTab::how_it_works, false},
    {"2. A filter is a small matrix of weights that slides",
     "Edge detection is a 3x3 grid of nine weights: -1 all around an 8 (the outlined kernel "
     "below). It slides over the image one pixel at a time; watch the window walk across the "
     "edge map, which fills in as it goes.",
     "inspector/kernel", GuideTab::how_it_works, true},
    {"3. Multiply, then add: the activation",
     "At each spot the nine pixels under the window are multiplied by the nine weights, one "
     "pair at a time (the products, outlined), and the nine products are added up. That one "
     "number, the activation, is the map's pixel there. Hover any panel to explain another spot.",
     "inspector/products", GuideTab::how_it_works, false},
    {"4. Three filters, three features",
     "Edge detection lights up where brightness changes and goes to zero on flat areas. Sharpen "
     "adds those changes back to the image, so detail stands out. Blur averages each pixel with "
     "its eight neighbours and smooths detail away. The pink mark is the same spot on every map.",
     "panels", GuideTab::how_it_works, false},
    {"5. Change a weight, watch the map change",
     "The edge kernel is open in the editor (outlined). Drag a weight or type a new "
     "one and the edge map is recomputed at once. Try the centre 8 as 9: the weights then add up "
     "to 1 instead of 0, and the map keeps the image under its outlines, a sharpen.",
     "weight/1,1", GuideTab::how_it_works, false},
    {"6. A trained CNN learns its own filters",
     "Nobody wrote these weights: a small CNN trained on Fashion-MNIST clothing images learned "
     "them from examples. Each tile is a filter of its first layer, shown with the hand-made "
     "filter it is closest to; click one to add it to the bank and see its map. \"Train a CNN\" "
     "trains one here.",
     "tab/Learned filters", GuideTab::learned_filters, false},
};

constexpr int kZoomedSteps = 3;  // steps 0..2 look at the pixel grid around the spot

}  // namespace

const GuideStep& Guide::step_info(int index) {
  return kStepTable[std::clamp(index, 0, kSteps - 1)];
}

int Guide::demo_filter(const Model& model) {
  const std::vector<Kernel>& kernels = model.map_kernels();
  for (std::size_t i = 0; i < kernels.size() && i < model.maps().size(); ++i)
    if (kernels[i].name.rfind("edge", 0) == 0) return static_cast<int>(i);
  return 0;
}

GuideSpot Guide::find_spot(const Plane& gray) {
  GuideSpot best;
  if (gray.empty()) return best;
  const int w = gray.width, h = gray.height;
  best.x = w / 2;
  best.y = h / 2;
  if (w < 3 || h < 3) return best;
  // The central half, one pixel in from the border so every sample has four neighbours.
  const int x0 = std::max(1, w / 4), x1 = std::min(w - 1, std::max(x0 + 1, 3 * w / 4));
  const int y0 = std::max(1, h / 4), y1 = std::min(h - 1, std::max(y0 + 1, 3 * h / 4));
  const int stride = std::max(1, std::max(x1 - x0, y1 - y0) / 256);
  float best_change = -1.0f;
  for (int y = y0; y < y1; y += stride)
    for (int x = x0; x < x1; x += stride) {
      const float change = std::fabs(gray.at(x + 1, y) - gray.at(x - 1, y)) +
                           std::fabs(gray.at(x, y + 1) - gray.at(x, y - 1));
      if (change > best_change) {
        best_change = change;
        best.x = x;
        best.y = y;
      }
    }
  return best;
}

ViewState Guide::zoomed_view(const Model& model) const {
  const Plane& gray = model.gray();
  ViewState v;
  if (gray.empty()) return v;
  const int cells = panel_width_ > 0.0f
                        ? std::clamp(static_cast<int>(panel_width_ / kPixelsPerCell), 3, 12)
                        : kDefaultCellsAcross;
  // At zoom z a panel shows width / z image pixels across its width.
  v.zoom = static_cast<float>(gray.width) / static_cast<float>(cells);
  v.cx = (static_cast<float>(spot_.x) + 0.5f) / static_cast<float>(gray.width);
  v.cy = (static_cast<float>(spot_.y) + 0.5f) / static_cast<float>(gray.height);
  v.clamp();
  return v;
}

void Guide::apply(Model& model) {
  applied_image_ = model.image_generation();
  tab_request_ = layout_request_ = true;
  view_is_guides_ = false;
  if (!model.has_image() || model.maps().empty()) return;  // the words still make sense
  spot_ = find_spot(model.gray());
  const int filter = demo_filter(model);
  if (step_ < kZoomedSteps) {
    model.set_view(zoomed_view(model));
    applied_view_ = model.view();
    view_is_guides_ = true;
  } else {
    model.set_view(ViewState{});  // fit: the whole image in every panel
  }
  switch (step_) {
    case 1:
      model.set_animation_filter(filter);  // also stops a run on another map
      model.set_animation_speed(3.0f);     // slow enough to follow one window at a time
      model.start_animation();
      if (!model.animation().playing) model.play_pause_animation();
      break;
    case 0:
      model.stop_animation();
      break;
    case 2:
    case 3:
    case 4:
    case 5:
      model.stop_animation();
      // The spot's output pixel on the demonstrated map: the window centred on the spot.
      model.inspect_map_pixel(filter, 0, 0);
      model.inspect_input_pixel(spot_.x, spot_.y);
      break;
    default:
      break;
  }
  if (step_ == 4) {
    // The bank entry behind the demonstrated map (same name), in the kernel editor.
    const std::string& name = model.map_kernels()[static_cast<std::size_t>(filter)].name;
    const std::vector<Kernel>& bank = model.bank();
    for (std::size_t i = 0; i < bank.size(); ++i)
      if (bank[i].name == name) model.select(static_cast<int>(i));
  }
}

void Guide::open(Model& model, int index) {
  open_ = true;
  go_to(model, index);
}

bool Guide::close() {
  const bool was_open = open_;
  open_ = false;
  return was_open;
}

void Guide::next(Model& model) {
  if (!open_) return;
  if (step_ + 1 >= kSteps) {
    close();
    return;
  }
  go_to(model, step_ + 1);
}

void Guide::back(Model& model) {
  if (!open_) return;
  go_to(model, step_ - 1);
}

void Guide::go_to(Model& model, int index) {
  step_ = std::clamp(index, 0, kSteps - 1);
  if (open_) apply(model);
}

void Guide::sync(Model& model, float panel_width) {
  const float old_width = panel_width_;
  panel_width_ = std::max(0.0f, panel_width);
  if (!open_) return;
  if (model.image_generation() != applied_image_) {
    apply(model);  // a new image: the same step on it
    return;
  }
  const ViewState& now = model.view();
  if (view_is_guides_ &&
      (now.zoom != applied_view_.zoom || now.cx != applied_view_.cx || now.cy != applied_view_.cy))
    view_is_guides_ = false;  // the person zoomed or panned: the view is theirs now
  if (view_is_guides_ && std::fabs(panel_width_ - old_width) >= 1.0f) {
    model.set_view(zoomed_view(model));
    applied_view_ = model.view();
  }
}

bool Guide::take_tab_request(GuideTab& tab) {
  if (!open_ || !tab_request_) return false;
  tab_request_ = false;
  tab = current().tab;
  return true;
}

bool Guide::take_layout_request() {
  if (!open_ || !layout_request_) return false;
  layout_request_ = false;
  return true;
}

}  // namespace filterlens
