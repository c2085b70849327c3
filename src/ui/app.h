// App: the Dear ImGui views over the Model (src/model), and the GL state that shows it. The model
// holds the document, the inspector, the animation, the view and display settings and the
// learned filters, with their rules; App holds only what drawing needs: textures, where things
// were drawn, and the state of its widgets. No main loop and no platform calls of its own: the
// platform layer owns the window and the GL context, calls frame() once per frame, hands App
// its services (PlatformServices: files, clipboard, downloads, URLs) and feeds it images.
//
// Data flow (one way): bytes -> Model (decode, gray, maps) -> GPU textures -> panels. Views
// command the model (load, edit, inspect, ...) and draw what it holds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exports.h"
#include "guide.h"
#include "map_view.h"
#include "model.h"
#include "platform_services.h"
#include "status.h"
#include "touch.h"

namespace filterlens {

class App {
 public:
  explicit App(PlatformServices services);
  ~App();

  // GL must be current. `glsl_version` is "#version 330 core" or "#version 300 es".
  Status init_graphics(const std::string& glsl_version);

  Model& model() { return model_; }
  const Model& model() const { return model_; }

  // The platform's ways in, forwarded to the model (see model.h for the rules).
  Status load_bytes(const std::uint8_t* data, std::size_t size, const std::string& name) {
    return model_.load(data, size, name);
  }
  Status load_rgba(int width, int height, const std::uint8_t* rgba, const std::string& name) {
    return model_.load_rgba(width, height, rgba, name);
  }
  Status set_bank(std::vector<Kernel> bank, const ConvParams& params) {
    return model_.set_bank(std::move(bank), params);
  }
  void report_error(const std::string& message) { model_.report_error(message); }
  // Any file the person opened or dropped: a .npy / .safetensors file (is_tensor_file) loads its
  // filters through open_bank_file, anything else is an image (load_bytes).
  Status open_bytes(const std::uint8_t* data, std::size_t size, const std::string& name);
  // A tensor file's filters: loaded at once when the file holds one candidate tensor, else a
  // chooser (a modal popup listing the 4-D tensors with their shapes) opens and the file waits
  // for the pick (ok is returned: nothing failed yet).
  Status open_bank_file(const std::uint8_t* data, std::size_t size, const std::string& name);
  bool choosing_tensor() const { return pending_bank_.has_value(); }
  // Loads the filters of a tensor file (the `tensor` named, or the only 4-D one) after checking
  // that their maps fit in memory (services' check_maps_memory); the model's rules otherwise.
  Result<Model::BankLoad> load_bank(const std::uint8_t* data, std::size_t size,
                                    const std::string& name, const std::string& tensor);
  Status load_learned_weights(const std::uint8_t* data, std::size_t size, const std::string& name) {
    return model_.load_learned_weights(data, size, name);
  }
  Status set_training_data(const std::vector<std::uint8_t>& train_images,
                           const std::vector<std::uint8_t>& train_labels,
                           const std::vector<std::uint8_t>& test_images,
                           const std::vector<std::uint8_t>& test_labels) {
    return model_.set_training_data(train_images, train_labels, test_images, test_labels);
  }
  Status start_training(int epochs, std::uint32_t seed) {
    return model_.start_training(epochs, seed);
  }
  bool training() const { return model_.learned().run().running(); }
  bool has_trained() const { return model_.learned().run().finished(); }
  double last_test_accuracy() const { return model_.learned().run().test_accuracy(); }
  std::vector<Kernel> learned_filters() const { return model_.learned().filters(); }

  void frame();  // draws one frame of UI (between ImGui::NewFrame and ImGui::Render)

  // Touch (input.cpp): every touch event's fingers, all that are down, in logical units; one
  // finger pans, two pinch-zoom, a tap inspects (touch.h has the rules).
  void touch(const std::vector<TouchFinger>& fingers);
  // The next frame's wheel zooms the maps even where it would scroll a grid of many (the
  // platform saw a touchpad's pinch: a wheel with Ctrl held in all but the key state).
  void zoom_next_wheel() { zoom_wheel_ = true; }
  // The index in panel_rects() of the panel under (x, y), or -1: whether a touch there is a
  // gesture on the maps (else the platform lets it act as a click). Only where the maps window
  // shows the panel (not scrolled out of it, under the sidebar or the tabs) and while no menu or
  // list is open over it.
  int panel_at(float x, float y) const;
  // What part of which display level each panel's texture holds: a whole level, or zoomed in
  // past the first level, a window of the full resolution around what the panel shows (with a
  // margin for panning), so that neither an upload nor the colour map is ever much larger than
  // the screen (issue 11 point 4).
  struct TextureWindow {
    int level = -1;      // -1: nothing uploaded yet
    int x0 = 0, y0 = 0;  // the window in the level's pixels
    int width = 0, height = 0;
    int level_width = 0, level_height = 0;  // the whole level
    // From image-relative coordinates (0..1 over the whole image) to the texture's.
    float texture_u(float u) const { return width > 0 ? (u * level_width - x0) / width : u; }
    float texture_v(float v) const { return height > 0 ? (v * level_height - y0) / height : v; }
    bool operator==(const TextureWindow& o) const {
      return level == o.level && x0 == o.x0 && y0 == o.y0 && width == o.width && height == o.height;
    }
  };
  // Panel 0 the original, 1.. the maps; an empty window when there is none.
  TextureWindow texture_window(int panel) const {
    if (panel == 0) return original_window();
    const std::size_t i = static_cast<std::size_t>(panel - 1);
    return panel > 0 && i < map_windows_.size() ? map_windows_[i] : TextureWindow{};
  }
  // The guide (src/model/guide.h, drawn by guide.cpp): opened at `step` (0-based, clamped) on the
  // current image; closing it tells the platform to remember that it was seen.
  void open_guide(int step = 0);
  void close_guide();
  const Guide& guide() const { return guide_; }

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
  // tabs), and buttons by their label. Banks from files: "input/gray", "input/rgb" (the input
  // switch), "maptile/<i>" (the bank's tiles), "tensor/<name>" (the chooser's entries),
  // "inspector/<window|kernel|products>/<R|G|B>" (a C = 3 filter's grids; without the channel
  // for C = 1).
  const std::vector<NamedRect>& control_rects() const { return control_rects_; }

  // The linked view and the inspected pixel, for the scripting API's viewState().
  struct ViewState {
    float zoom, center_x, center_y;
    bool hovering;
    int filter, x, y;
  };
  ViewState view_state() const;
  // The bottom tab shown in the last frame ("How it works", "Learned filters", ...).
  const std::string& bottom_tab() const { return bottom_tab_; }
  // What the guide outlined in the last frame (name: its target; empty when nothing).
  const NamedRect& guide_highlight() const { return highlight_rect_; }

  // What the scripting API reads.
  const Plane& gray() const { return model_.gray(); }
  const std::vector<Plane>& maps() const { return model_.maps(); }
  const std::vector<Kernel>& map_kernels() const { return model_.map_kernels(); }
  // The bank and parameters as edited (what the next image's maps will use), for the page's
  // memory budget.
  const std::vector<Kernel>& bank() const { return model_.bank(); }
  const ConvParams& params() const { return model_.params(); }
  const std::string& last_error() const { return model_.last_error(); }

  // Map i as the GPU colour-mapped it (RGB), read back from its texture; empty when it is not
  // on the GPU. GL must be current. For tests that the screen shows the export's bytes.
  Image read_back_map(int map_index) const;

 private:
  void sync_textures();  // uploads / colour-maps what changed in the model since the last frame
  void upload_textures(bool new_image);
  // Puts each map and the original on the GPU at the display level its panel wants
  // (display_pyramid.h): about one texel per device pixel, the full resolution only when zoomed
  // in that far, and never over the GPU's texture size.
  void upload_display_levels();
  int wanted_level(const Plane& plane, int panel_index, Reduction reduction) const;
  float panel_screen_width(int panel_index) const;  // device pixels (a guess before it is drawn)
  void colorize_maps();

  void handle_keys();  // input.cpp: the keyboard shortcuts
  void draw_message_area();
  void draw_controls();
  void draw_image_section();
  void draw_camera_button();  // the live camera: its button, and its line while it runs
  void draw_camera_line();
  void draw_bank_section();
  void draw_kernel_editor(int index);
  void draw_params_section();
  void draw_display_section();
  void draw_export_section();
  void draw_animation_section();
  void draw_about_line();
  void draw_panels();
  // Records the last ImGui item's rectangle under `id` in control_rects_ and passes `result`
  // through, so a widget call can be wrapped in place: if (track(ImGui::Button("Go"), "Go")).
  bool track(bool result, const std::string& id);
  // The bar between the maps and the bottom tabs: dragging it trades their heights.
  void draw_split_handle();
  // `compact`: the map's actions behind one arrow button, so that a narrow tile keeps its name.
  void draw_panel(int index, float width, float max_height, bool compact);
  void draw_how_it_works_tab();  // the inspector, then draw_learn_panel
  void draw_inspector();
  void draw_learn_panel();  // learn_panel.cpp: watch a kernel being learned
  void draw_learned_tab();
  void draw_training_tab();
  void draw_filter_tiles(const cnn::Network& net, bool clickable);
  void draw_layer2_activations();
  // Banks from files (bank_tiles.cpp): the bank's filters as tiles, the tensor chooser.
  void draw_bank_tiles_tab();
  void draw_tensor_chooser();
  void sync_tile_textures();
  void draw_colour_bar(int map_index, float width);
  void draw_histogram(int map_index, float width);

  // The guide strip over the maps area (guide.cpp): its height for the widest step's words at
  // `width`, the strip itself, and the outline around a control or panel by name.
  float guide_height(float width) const;
  void draw_guide(float x, float y, float width, float height);
  void draw_guide_highlight(const std::string& target);

  // Exports through the platform: the status line says where the bytes went. Whether they went.
  bool save(const Result<ExportFile>& file);
  void open_path(const std::string& path);

  Model model_;
  PlatformServices services_;

  // GL
  gfx::ColormapProgram program_;
  std::vector<std::unique_ptr<gfx::MapTexture>> map_textures_;
  gfx::ImageTexture colour_texture_;
  gfx::MapTexture gray_texture_;
  bool graphics_ready_ = false;
  double busy_since_ = -1.0;  // when the model's current background work began (ImGui time)
  std::uint64_t uploaded_maps_ = ~std::uint64_t{0};  // the model's maps_generation() on the GPU
  std::uint64_t uploaded_image_ = ~std::uint64_t{0};
  bool colours_dirty_ = true;     // the maps' colour pass is due (new maps, colour map, scale)
  bool gray_uncoloured_ = false;  // the original's gray level was uploaded; its pass is due
  // The display level on the GPU per map, and of the original (gray and colour): -1 for none yet.
  // The window panel `panel_index` wants for a plane with `levels` levels (level 0 w x h), of
  // which those finer than `finest` (>= 1) were not made: the finest made is shown instead.
  TextureWindow wanted_window(int w, int h, int levels, int finest, int panel_index,
                              Reduction reduction, const TextureWindow& current) const;
  std::vector<TextureWindow> map_windows_;
  TextureWindow gray_window_, colour_window_;  // the original's two forms
  // The original panel shows the image in colour (asked for, or the filters' RGB input).
  bool original_in_colour() const {
    return model_.display().show_colour || model_.input_mode() == InputMode::rgb;
  }
  const TextureWindow& original_window() const {
    return original_in_colour() ? colour_window_ : gray_window_;
  }
  // Each panel's image width in device pixels as last drawn (0: not drawn yet); index 0 is the
  // original, i + 1 map i.
  std::vector<float> panel_device_width_;
  // The learning panel's two maps and the KernelLearning generation they show.
  gfx::MapTexture learn_map_texture_, learn_target_texture_;
  std::uint64_t learn_uploaded_ = ~std::uint64_t{0};

  // Layout and widgets
  float inspector_height_ = -1.0f;  // the bottom tabs' height in pixels; < 0: the default
  bool tabs_collapsed_ = false;     // the bottom tabs folded to their tab bar (larger maps)
  // Below this width (logical units: CSS pixels) the controls go under the maps, not beside.
  static constexpr float kNarrowWidth = 700.0f;
  bool layout_chosen_ = false;  // the first frame's window width picked the tabs' default
  std::vector<NamedRect> panel_rects_;
  std::vector<NamedRect> control_rects_;
  char path_[1024] = {};
  char url_[1024] = {};
  int add_preset_ = 0;

  // Banks from files (bank_tiles.cpp).
  struct PendingBankFile {  // a file waiting for the chooser's pick
    std::string name;
    std::vector<std::uint8_t> bytes;
    std::vector<TensorInfo> tensors;
    bool open_popup = true;
  };
  std::optional<PendingBankFile> pending_bank_;
  std::vector<std::unique_ptr<gfx::ImageTexture>> tile_textures_;  // one per map's filter
  std::uint64_t tiles_generation_ = ~std::uint64_t{0};
  int scroll_to_map_ = -1;     // a tile was clicked: the maps window scrolls to that panel
  int listed_selection_ = -1;  // the selection the bank list last showed (a new one scrolls it)
  int editor_channel_ = 0;     // which channel of a C = 3 kernel the editor shows
  // A value typed into the kernel editor (the name, the size, a weight in text mode) is applied
  // once, when the field is left (Enter, Tab, a click elsewhere), not at every keystroke: a size
  // typed "15" would first crop the kernel to one column, and a value refused at the end would
  // leave its prefix applied. Escape drops it. What has been typed is kept here meanwhile.
  struct TypedEdit {
    enum class Kind { none, name, size, weight };
    Kind kind = Kind::none;
    unsigned field = 0;       // the ImGui id of the field being typed into
    int filter = -1;          // the bank index it edits
    std::string filter_name;  // that filter's name when the edit began: a bank changed under
                              // the edit (a drop, the API) ends it unapplied
    std::string name;
    int size[2] = {0, 0};
    float weight = 0.0f;
    std::size_t weight_index = 0;  // into the kernel's weights
    std::string text;              // the weight's text as typed (parse_typed_number reads it)
    std::string initial_text;      // ... and as the cell showed it when typing began
  };
  TypedEdit typed_;
  // The field drawn last (`field`, of this kind) after its widget call: while it is active its
  // value is kept in typed_ (and a pending edit of another field, left for this one, is applied
  // to `k` first); when it is left this frame (not by Escape) its value is applied to `k`. Returns
  // whether `k` changed.
  bool track_typed_edit(unsigned field, TypedEdit::Kind kind, bool active, int index, Kernel& k);
  // Applies typed_'s value to `k` (a new name, size or weight); whether `k` changed.
  bool apply_typed_edit(Kernel& k) const;
  // A typed weight's text read as a number into typed_.weight (ImGui's own reading takes "1/9"
  // as 1 and "+7" as the old value plus 7); false when it is none (an empty field silently, any
  // other text with a message), and then nothing applies.
  bool read_typed_weight();

  // Keyboard and touch (input.cpp).
  bool focus_path_ = false;    // Ctrl+O where there is no file dialog: the path field
  bool focused_maps_ = false;  // the maps window took the keyboard once, at the start
  TouchGesture touch_;
  int touch_panel_ = -1;  // the gesture's panel (index in panel_rects_)
  // The maps window's ImGui id ("###": its title may change, the window stays).
  static constexpr const char* kMapsWindowId = "###Feature maps";
  std::optional<float> grid_touch_y_;
  bool zoom_wheel_ = false;  // zoom_next_wheel: this frame's wheel zooms (cleared after it)  // a
                             // one-finger drag's last y, while it scrolls the grid
  // The guide (guide.cpp).
  Guide guide_;
  std::string bottom_tab_;    // the bottom tab shown in the last frame
  NamedRect highlight_rect_;  // what the guide outlined in the last frame
  // The part of its window where the step's control (or the maps window, for panels) is seen
  // this frame: the outline is cut to it, so a control scrolled out of view is not outlined
  // over whatever covers it. Empty when not drawn.
  NamedRect highlight_clip_;
  NamedRect maps_visible_;        // the part of the maps window that shows panels (last frame)
  int guide_scrolled_step_ = -1;  // the step whose control was brought into view (once a step)
  // The guide's step control, seen being drawn (track): cuts the outline to its window, and
  // scrolls it into view once a step (a short window shows only part of the sidebar).
  void follow_guide_target(const std::string& id);
  // The current window's visible part (inside its scrollbars), named `name`.
  static NamedRect visible_part_of_window(const std::string& name);
  bool open_animation_section_ = false;  // a step asked for "Slide the window" open
};

}  // namespace filterlens
