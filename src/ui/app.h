// App: all of FilterLens's UI state in one place, and the frame function that draws it with
// Dear ImGui. No main loop and no platform calls of its own: the platform layer owns the window
// and the GL context, calls frame() once per frame, and feeds it images (load_bytes, load_rgba).
//
// Data flow (one way): bytes -> decode -> Image -> to_gray -> Plane -> conv2d_bank -> maps ->
// GPU textures -> panels. A failure anywhere leaves the previous image and maps in place and
// shows the message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cnn/network.h"
#include "cnn/similarity.h"
#include "cnn/trainer.h"
#include "colormap.h"
#include "conv2d.h"
#include "decode.h"
#include "image.h"
#include "kernel.h"
#include "map_view.h"
#include "stats.h"
#include "status.h"

namespace filterlens {

class App {
 public:
  App();
  ~App();

  // GL must be current. `glsl_version` is "#version 330 core" or "#version 300 es".
  Status init_graphics(const std::string& glsl_version);

  // Encoded image bytes (any format stb_image reads). On failure the current image stays and
  // the message is shown; it is also returned.
  Status load_bytes(const std::uint8_t* data, std::size_t size, const std::string& name);
  // Pixels decoded elsewhere (the browser's decoder, for WebP, AVIF, ...): RGBA, 8 bits.
  Status load_rgba(int width, int height, const std::uint8_t* rgba, const std::string& name);
  // Replaces the filter bank and parameters; recomputes at once.
  Status set_bank(std::vector<Kernel> bank, const ConvParams& params);
  // Shows an error that happened outside the app (a failed download, ...).
  void report_error(const std::string& message);

  // The trained CNN whose first-layer filters the "Learned filters" tab shows (weights file bytes,
  // see src/core/cnn/weights_file.h). The previous weights stay on failure.
  Status load_learned_weights(const std::uint8_t* data, std::size_t size, const std::string& name);
  // Fashion-MNIST IDX files (gzip or not) for training in the app.
  Status set_training_data(const std::vector<std::uint8_t>& train_images,
                           const std::vector<std::uint8_t>& train_labels,
                           const std::vector<std::uint8_t>& test_images,
                           const std::vector<std::uint8_t>& test_labels);
  // Starts training from scratch (the Train tab's button does the same).
  Status start_training(int epochs, std::uint32_t seed);
  bool training() const { return training_ && trainer_ && !trainer_->done(); }
  bool has_trained() const { return trainer_ != nullptr && trainer_->done(); }
  double last_test_accuracy() const { return test_accuracy_; }
  // First-layer filters: of the network being trained when there is one, else the loaded one.
  std::vector<Kernel> learned_filters() const;

  void frame();  // draws one frame of UI (between ImGui::NewFrame and ImGui::Render)

  // Where things were drawn in the last frame (framebuffer pixels), so tests can check what a
  // person sees and click what a person clicks.
  struct NamedRect {
    std::string name;
    float x = 0, y = 0, width = 0, height = 0;
  };
  // Each image panel, named after its map ("Original", "edge", ...).
  const std::vector<NamedRect>& panel_rects() const { return panel_rects_; }
  // Controls, by id: "bank/<filter>" (bank list), "weight/<x>,<y>" (cells of the kernel being
  // edited), "tab/<label>", "tile/<i>" (learned filters), "split" (the bar above the bottom
  // tabs), and buttons by their label.
  const std::vector<NamedRect>& control_rects() const { return control_rects_; }

  // The linked view and the inspected pixel, for the scripting API's viewState().
  struct ViewState {
    float zoom, center_x, center_y;
    bool hovering;
    int filter, x, y;
  };
  ViewState view_state() const {
    return {view_.zoom, view_.cx, view_.cy, hover_.active, hover_.filter, hover_.x, hover_.y};
  }

  // What the scripting API reads.
  const Plane& gray() const { return gray_; }
  const std::vector<Plane>& maps() const { return maps_; }
  const std::vector<Kernel>& map_kernels() const { return computed_bank_; }
  // The bank and parameters as edited (what the next image's maps will use), for the page's
  // memory budget.
  const std::vector<Kernel>& bank() const { return bank_; }
  const ConvParams& params() const { return params_; }
  const std::string& last_error() const { return last_error_; }

 private:
  struct Panel;                  // one image on screen: the original or a feature map
  struct View {                  // linked zoom and pan, shared by every panel
    float zoom = 1.0f;           // 1: the whole image fits
    float cx = 0.5f, cy = 0.5f;  // centre of the view, in [0, 1] image coordinates
  };
  struct Hover {  // the pixel under the mouse, in output-map coordinates
    bool active = false;
    int x = 0, y = 0;
    int filter = 0;  // which filter's window the inspector shows
  };
  struct Animation {  // the sliding window walking over a region of one map
    bool playing = false;
    bool active = false;
    int filter = 0;
    int x0 = 0, y0 = 0, w = 0, h = 0;  // region, output coordinates
    int step = 0;                      // windows done so far, raster order
    float steps_per_second = 12.0f;
    double accumulator = 0.0;
  };

  Status adopt_image(Image image, const std::string& name);
  Status recompute();  // gray_ + bank_ + params_ -> maps_; keeps the old maps on failure
  Status compute_maps(const Plane& gray);  // the maps of `gray`; nothing changes on failure
  void upload_textures();
  void colorize_all();
  ColorRange display_range(int map_index) const;  // what black/white (or blue/red) stand for

  void draw_controls();
  void draw_image_section();
  void draw_bank_section();
  void draw_kernel_editor(Kernel& kernel);
  void draw_params_section();
  void draw_display_section();
  void draw_export_section();
  void draw_animation_section();
  void draw_panels();
  // Records the last ImGui item's rectangle under `id` in control_rects_ and passes `result`
  // through, so a widget call can be wrapped in place: if (track(ImGui::Button("Go"), "Go")).
  bool track(bool result, const std::string& id);
  // The bar between the maps and the bottom tabs: dragging it trades their heights.
  void draw_split_handle();
  void draw_panel(int index, float width);
  void draw_inspector();
  void draw_learned_tab();
  void draw_training_tab();
  void draw_filter_tiles(const cnn::Network& net, bool clickable);
  void draw_layer2_activations();
  void update_image_activations();
  void train_for_this_frame();
  const cnn::Network* shown_network() const;
  void draw_colour_bar(int map_index, float width);
  void draw_histogram(int map_index, float width);
  void advance_animation();

  std::string export_figure();
  std::string export_map_png(int map_index);
  std::string export_map_npy(int map_index);
  std::string export_gray_npy();

  // Document
  Image source_;
  std::string source_name_;
  Plane gray_;
  std::vector<Kernel> bank_;           // as edited
  ConvParams params_;                  // as edited
  std::vector<Kernel> computed_bank_;  // what maps_ were computed with (flip applied by engine)
  ConvParams computed_params_;
  std::vector<Plane> maps_;
  std::vector<MapStats> stats_;
  bool dirty_ = false;  // bank_ / params_ edited since the last recompute

  // Messages
  std::string last_error_;
  std::string status_;  // last success message (saved, copied, loaded)

  // Display
  gfx::ColormapProgram program_;
  std::vector<std::unique_ptr<gfx::MapTexture>> map_textures_;
  gfx::ImageTexture colour_texture_;
  gfx::MapTexture gray_texture_;
  bool graphics_ready_ = false;
  bool textures_dirty_ = true;
  bool colours_dirty_ = true;
  int map_mode_ = 0;  // gfx::MapMode
  bool shared_scale_ = false;
  bool show_colour_ = false;
  bool show_histograms_ = true;
  View view_;
  float inspector_height_ = -1.0f;  // the bottom tabs' height in pixels; < 0: the default
  Hover hover_;
  Animation anim_;
  int selected_ = 0;  // filter selected in the bank editor
  double last_compute_ms_ = 0.0;
  std::vector<NamedRect> panel_rects_;
  std::vector<NamedRect> control_rects_;

  // Learned filters and training
  std::unique_ptr<cnn::Network> learned_;
  std::string learned_name_;
  cnn::Activations image_acts_;  // the CNN on the current image (28 x 28), for layer 2
  int image_prediction_ = -1;
  bool image_acts_dirty_ = true;
  cnn::Dataset train_data_, test_data_, test_preview_;
  std::unique_ptr<cnn::Trainer> trainer_;
  bool training_ = false;
  int train_epochs_ = 2;
  int train_batch_ = 32;
  float train_lr_ = 1e-3f;
  std::uint32_t train_seed_ = 1;
  std::vector<float> loss_curve_, accuracy_curve_;
  double test_accuracy_ = 0.0;
  int images_since_eval_ = 0;
  std::vector<int> preview_guesses_;  // the network's classes for test_preview_
  bool preview_dirty_ = true;

  // Inputs
  char path_[1024] = {};
  char url_[1024] = {};
  int add_preset_ = 0;
};

}  // namespace filterlens
