// Model: FilterLens's state apart from any view: the document (image, gray plane, filter bank and
// parameters as edited, the maps and statistics as computed), what the views show of it
// (inspected pixel, sliding-window animation, linked zoom and pan, colour map, selection), the
// messages, and the learned-filter / training state (learned.h). No ImGui, GL or Emscripten: the
// views (src/ui) read it and command it; unit tests drive it directly (tests/unit/test_model.cpp).
//
// Its rules:
//   - A failed load or edit changes nothing that was shown: the previous image and maps stay,
//     and the message says why (last_error()).
//   - set_bank is all or nothing: when the new bank cannot be computed, the old bank stays.
//     An edit (set_params, replace_kernel, ...) stays in the bank as typed, so it can be fixed,
//     while the maps stay those of the last valid settings.
//   - A kernel whose weights or size are edited says so in its description (core mark_edited).
//   - Every new image or new set of maps clamps or resets the inspector, the animation and the
//     selection, so nothing can point outside the current maps: focus() is always inside them.
//   - The input (gray or RGB) and the bank always agree, as F.conv2d requires: every filter has
//     the input's channel count (1 or 3). Switching the input, loading a bank file or replacing
//     the bank either keeps that true or is refused with a message naming the filter and both
//     counts (model_banks.cpp has the rules for files).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "background.h"
#include "colormap.h"
#include "conv2d.h"
#include "display_pyramid.h"
#include "image.h"
#include "kernel.h"
#include "kernel_learning.h"
#include "learned.h"
#include "stats.h"
#include "status.h"
#include "tensor_file.h"

namespace filterlens {

// The linked zoom and pan every panel shares, in image-relative coordinates.
struct ViewState {
  static constexpr float kMaxZoom = 512.0f;
  float zoom = 1.0f;           // 1: the whole image fits its panel
  float cx = 0.5f, cy = 0.5f;  // centre of the view, in [0, 1] image coordinates

  // Zooms to `new_zoom` keeping image point (u, v) where it is on screen, at fraction (fx, fy)
  // of the panel.
  void zoom_about(float u, float v, float fx, float fy, float new_zoom);
  void pan(float du, float dv);  // moves the centre by (du, dv) image widths / heights
  void clamp();                  // zoom within 1..kMaxZoom; the view stays on the image
};

// The output pixel the person points at (hovering a panel), in output-map coordinates.
struct InspectorState {
  bool active = false;
  int filter = 0;  // which map, and whose window the inspector shows
  int x = 0, y = 0;
};

// The sliding window walking over a region of one map, in raster order.
struct AnimationState {
  bool active = false;
  bool playing = false;
  int filter = 0;
  int x0 = 0, y0 = 0, w = 0, h = 0;  // region, output coordinates
  int step = 0;                      // windows done so far, 0..total()
  float steps_per_second = 12.0f;
  double accumulator = 0.0;  // fractions of a step not taken yet
  int total() const { return w * h; }
};

struct DisplaySettings {
  Colormap colormap = Colormap::gray;
  bool shared_scale = false;     // one range for every map instead of each its own
  bool show_colour = false;      // the original panel in colour instead of the filters' gray
  bool show_histograms = false;  // off by default: the maps get the room (issue 10 point 3)
  // How a map shown smaller than its pixels is reduced (display_pyramid.h): the mean, like
  // matplotlib, or the extreme value of each block, which keeps an edge map's contours.
  Reduction shrink = Reduction::mean;
};

// An output pixel of maps()[filter]; what the inspector explains and the panels mark.
struct Focus {
  int filter = 0, x = 0, y = 0;
};

// Pixels [x0, x1) x [y0, y1); may reach outside the image (the padding).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// What the filters see: PIL's convert('L') as one plane, or convert('RGB') as three (ToTensor()),
// the input of a real CNN's first layer.
enum class InputMode { gray, rgb };
const char* input_mode_name(InputMode mode);  // "gray", "rgb"
int input_channels(InputMode mode);           // 1, 3

// Filters read from a .npy / .safetensors file: where they came from, for the tiles' caption,
// "Copy as PyTorch" (which loads them from the file by name and index) and the scripting API
// (setFilters may name them once loaded).
struct FileBank {
  std::string file_name;  // as the file was opened (a path on the desktop, a name in the page)
  TensorFileFormat format = TensorFileFormat::npy;
  std::string tensor;  // the safetensors tensor; "" for .npy
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<Kernel> filters;  // as read: "<stem>_<i>", [C][kh][kw] weights
};

// `base`, or base2, base3, ... (shortened at a character boundary to stay a filter name): the
// first that no filter of `bank` has.
std::string unused_filter_name(const std::string& base, const std::vector<Kernel>& bank);

// Whether bytes opened as `name` are a tensor file (.npy / .safetensors) rather than an image: by
// their first bytes, or by the name's extension (then the bank reader's message says what is
// wrong with the file, which is more use than "not an image").
bool is_tensor_file(const std::uint8_t* data, std::size_t size, const std::string& name);

// How one output pixel comes about: its input window, the kernel as applied, their products.
// A C = 3 filter has one window per channel (R, G, B), laid out [c][ky][kx] like its weights;
// its products likewise, and channel_sums[c] is channel c's share of the sum.
struct InspectorReading {
  Focus focus;
  std::string filter_name;
  Kernel kernel;  // as applied: rotated by 180 degrees when the parameters say flip
  bool flipped = false;
  PaddingMode padding_mode = PaddingMode::zeros;
  int ix0 = 0, iy0 = 0;                 // input position of the kernel's top-left tap
  std::vector<float> window, products;  // per tap, [c][ky][kx] like kernel.weights
  std::vector<std::uint8_t> ghost;      // per tap of one channel: outside the image (padding)
  int channels = 1;
  double channel_sums[3] = {0.0, 0.0, 0.0};
  double sum = 0.0, max_abs_product = 0.0;
  float map_value = 0.0f;  // what the map holds there (the engine's sum)
};

class Model {
 public:
  Model();  // the notebook's bank (edge, sharpen, blur), no image

  // ---- The document ----
  // Encoded bytes (any format the core decodes) or RGBA pixels decoded elsewhere (the browser's
  // decoder). On failure nothing changes and the message (also returned) names the file.
  Status load(const std::uint8_t* data, std::size_t size, const std::string& name);
  Status load_rgba(int width, int height, const std::uint8_t* rgba, const std::string& name);
  // A live camera's frame, RGBA (model_camera.cpp): the same gray (PIL's luma of the RGBA image)
  // and maps as an image, computed at once on the calling thread. Unlike load_rgba, a frame of
  // the current image's size keeps the view, the inspector, the animation, the selection and the
  // focus view (only clamped into the maps) and leaves the messages alone, so the person can zoom
  // and inspect while the video runs; a frame of another size is like a new image. On failure
  // nothing changes and the message says why. `rgba` may point into source().pixels (freezing
  // the shown frame under a new name).
  Status replace_frame(int width, int height, const std::uint8_t* rgba, const std::string& name);
  // Frees the frame before last that replace_frame keeps to write the next frame into (a second
  // set of maps): when the camera stops, and when an image is opened.
  void release_camera_spare() { frame_spare_ = FrameBuffers{}; }
  // Replaces bank and parameters and recomputes; on failure the old ones stay (all or nothing).
  Status set_bank(std::vector<Kernel> bank, const ConvParams& params);
  // Edits: kept as made and recomputed at once; on failure the maps stay the last valid ones.
  Status set_params(const ConvParams& params);
  Status replace_kernel(int index, Kernel kernel);  // marks it edited when weights/size change
  Status add_kernel(Kernel kernel);                 // renamed edge2, ... if taken; selected
  int add_missing_kernels(const std::vector<Kernel>& kernels);  // by name; returns how many
  Status remove_kernel(int index);                              // refuses to remove the last one
  Status move_kernel(int from, int to);
  // gray + bank + params -> maps; keeps the old maps on failure.
  Status recompute();

  const Image& source() const;
  const std::string& source_name() const { return doc_.name; }
  const Plane& gray() const;
  bool has_image() const { return !doc_.empty(); }
  const std::vector<Kernel>& bank() const { return bank_; }  // as edited
  const ConvParams& params() const { return params_; }       // as edited
  // What maps() were computed with (the engine applies flip itself): one kernel per map.
  const std::vector<Kernel>& map_kernels() const { return computed_bank_; }
  const ConvParams& map_params() const { return computed_params_; }
  const std::vector<Plane>& maps() const { return maps_; }
  const std::vector<MapStats>& stats() const { return stats_; }
  // "" or what a person should know about maps that went beyond float32: a map holding infinite
  // or NaN values (weights near float32's limit), named, drawn black where nothing can be shown.
  std::string overflow_notice() const;
  // Display levels (display_pyramid.h), computed with the maps: level 0 is the map (the gray
  // plane, the colour image) itself; a level past the last made gives the last (the smallest).
  // The levels are made from the finest one a panel shows (want_map_width) on: a finer one gives
  // the finest made (finest_map_level, finest_original_level).
  int map_level_count(int map_index) const;
  const Plane& map_level(int map_index, int level) const;
  int finest_map_level(int map_index) const;  // 0 when the map has no levels
  // The most device pixels across which a view shows an image's whole width (its widest panel's
  // width times the zoom; the views say so every frame; 0: every level). The next maps are made
  // with their levels from the one for that width on (first_level_for: a level no panel shows costs
  // its pass over the map and a quarter of its memory for nothing); when the maps shown lack a
  // level it needs, they are made again with it (the same maps, in the background like an edit).
  void want_map_width(double shown_width);
  Reduction map_levels_reduction() const { return levels_shrink_; }
  int original_level_count() const;
  int finest_original_level() const;  // as finest_map_level, for gray_level and colour_level
  const Plane& gray_level(int level) const;
  const Image& colour_level(int level) const;
  double last_compute_ms() const { return last_compute_ms_; }
  // Increase when a new image arrives / when the maps change (so views re-upload what they show).
  std::uint64_t image_generation() const { return image_generation_; }
  std::uint64_t maps_generation() const { return maps_generation_; }

  // ---- Selection: the bank entry the kernel editor shows ----
  int selected() const { return selected_; }
  void select(int index);

  // ---- Inspector ----
  const InspectorState& inspector() const { return inspector_; }
  // The person points at output pixel (x, y) of map `filter` (clamped into the maps).
  void inspect_map_pixel(int filter, int x, int y);
  // ... or at input pixel (px, py) of the original: the current filter's output pixel whose
  // window is centred there.
  void inspect_input_pixel(int px, int py);
  // The arrow keys: moves the inspected pixel by (dx, dy) output pixels, clamped to the map (it
  // stops at the edge). With nothing inspected yet, starts where the sliding window is, else at
  // the centre of the first map. Nothing without maps.
  void move_inspector(int dx, int dy);
  // The sliding window's position while it runs, else the inspected pixel; nothing when neither
  // (or no maps). Always inside maps()[filter].
  std::optional<Focus> focus() const;
  std::optional<InspectorReading> read_focus() const;
  // The input pixels under the kernel for an output pixel of a map.
  PixelRect input_window(const Focus& focus) const;

  // ---- The sliding-window animation ----
  const AnimationState& animation() const { return animation_; }
  void set_animation_filter(int filter);  // stops the animation
  // Starts on the visible part of the map, at most 24 x 24 outputs, centred on the view.
  void start_animation();
  void play_pause_animation();  // from the start again once it finished
  void step_animation();        // one window, paused
  void stop_animation();
  void set_animation_position(int step);
  void set_animation_speed(float steps_per_second);
  void advance_animation(double seconds);  // while playing

  // ---- View and display ----
  const ViewState& view() const { return view_; }
  void set_view(ViewState view);  // clamped
  const DisplaySettings& display() const { return display_; }
  // A new reduction recomputes the maps' display levels.
  void set_display(const DisplaySettings& display);
  // The focus view: one map large next to the original instead of the grid of all. Refused
  // (nothing changes) for an index that is not a map; -1 goes back to the grid. When the maps
  // change and there is no such map any more, the grid again.
  void set_focus_view(int map_index);
  std::optional<int> focus_view() const;
  // What black and white (or blue and red) stand for on map i, under the display settings.
  ColorRange display_range(int map_index) const;

  // ---- Messages ----
  const std::string& last_error() const { return last_error_; }
  const std::string& status() const { return status_; }  // the last success ("Opened ...")
  // One message shows at a time: an error replaces the status, and the next success
  // (set_status, a load, an applied bank) clears the error, so a message never outlives the
  // problem it was about.
  void report_error(const std::string& message);
  void set_status(const std::string& message) {
    status_ = message;
    last_error_.clear();
  }
  void dismiss_error() { last_error_.clear(); }
  void dismiss_messages() {  // Esc: the error and the status line
    last_error_.clear();
    status_.clear();
  }

  // ---- Watching a kernel being learned (kernel_learning.h) ----
  // Fitted to the current image first: a run on an earlier image is dropped (and says so).
  KernelLearning& kernel_learning() {
    kernel_learning_.fit_to_image(image_generation_);
    return kernel_learning_;
  }
  // A new run from its setup on the gray image, with the parameters the maps were computed with.
  Status start_kernel_learning() {
    return kernel_learning().start(gray(), image_generation_, computed_params_);
  }

  // True while something changes with time alone (a playing animation, training, a kernel being
  // learned): the platform keeps drawing frames then, and may sleep otherwise.
  // Background work counts once it has taken kProgressAfterMs: shorter work is not worth a
  // progress frame (the platform draws when it is done).
  bool animating() const {
    return (animation_.active && animation_.playing) || learned_.run().running() ||
           kernel_learning_.running() || (busy() && busy_ms() >= kProgressAfterMs);
  }
  static constexpr int kProgressAfterMs = 150;
  static constexpr std::int64_t kInlineWork = std::int64_t{1} << 27;
  // What the current bank costs on the current image, in kInlineWork's unit: for every filter,
  // its map's pixels times its weights (width x height x channels) plus kWorkPerPixel, what the
  // map's first writes, statistics and display levels cost (about a 3x3 filter's work, measured
  // natively: bank 2.9 ms, the whole recompute 5.6 ms at 1080p).
  std::int64_t compute_work() const;
  static constexpr std::int64_t kWorkPerPixel = 9;
  // The inline limit (kInlineWork); 0 sends every edit to the worker (tests of the worker).
  void set_inline_work(std::int64_t work) { inline_work_ = work; }

  // ---- Computing in the background (background.h) ----
  // From now on images are decoded and maps computed on a worker thread: load, load_rgba and
  // the edits return at once (ok when the request was taken; a refusal they can see at once, like
  // a kernel too large for the image, still fails and changes nothing), the maps shown stay the
  // last ones until poll() adopts the new. `notify` runs on the worker when work is done (it
  // must be thread-safe: it wakes the UI loop). Without this the model computes synchronously.
  // Small edits stay synchronous even so: when nothing is in flight and the maps cost at most
  // kInlineWork (compute_work: the notebook's bank up to about 2.5 MP), they are computed on the
  // calling thread over the same pool and shown at once. In the page the worker's round trip
  // (its wake-up, the hand-back, the Promise) cost as much as the work at 1080p (issue 11
  // point 1).
  // `prepare_buffers`: Background's (the page asks for it; see Background::recycle and
  // Background::decode_preparing).
  void start_background(std::function<void()> notify,
                        Background::RoomFor prepare_buffers = nullptr);
  Background* background() { return background_.get(); }
  // Joins the worker (before the platform shuts down what its notify calls); work in flight is
  // dropped and the model computes synchronously again.
  void stop_background();
  // Adopts finished work (the newest settings' maps, a new image); true when something changed.
  bool poll();
  bool busy() const;             // work asked for and not adopted yet
  double busy_ms() const;        // how long it has been busy (0 when not)
  std::string progress() const;  // what the worker is doing ("Decoding cat.jpg"), "" when idle
  // Each load and edit gets a ticket; a request is answered (its maps or a newer request's
  // maps are shown) or failed (with the message it failed with).
  enum class TicketState { pending, done, failed };
  std::uint64_t last_ticket() const { return ticket_; }
  bool opening() const { return opening_ != 0; }  // an image is being opened in the background
  TicketState ticket_state(std::uint64_t ticket, std::string* message = nullptr) const;

  // ---- The learned filters and training (learned.h) ----
  LearnedFilters& learned() { return learned_; }
  const LearnedFilters& learned() const { return learned_; }
  // The CNN's view of the current image (a 28 x 28 crop), recomputed when the image or the
  // shown network changed.
  const LearnedFilters::ImageReading& learned_reading() {
    return learned_.read_image(gray(), image_generation_);
  }
  // As LearnedFilters does them, with the failure reported in last_error().
  Status load_learned_weights(const std::uint8_t* data, std::size_t size, const std::string& name);
  Status set_training_data(const std::vector<std::uint8_t>& train_images,
                           const std::vector<std::uint8_t>& train_labels,
                           const std::vector<std::uint8_t>& test_images,
                           const std::vector<std::uint8_t>& test_labels);
  // A new run from scratch with the run's current learning rate and batch size.
  Status start_training(int epochs, std::uint32_t seed);
  // Trains for at most `budget` (one frame's share); says so in status() when the run finishes.
  void train_for(std::chrono::duration<double, std::milli> budget);

  // ---- The input (gray / RGB) and banks from files (model_banks.cpp) ----
  InputMode input_mode() const { return input_; }
  // R, G, B in [0, 1] (ToTensor() of convert('RGB')); kept with the image while the input is
  // RGB, empty while it is gray.
  const RgbPlanes& rgb() const;
  // Switches the input and recomputes; refused (nothing changes) when a filter's channel count
  // is not the new input's, or when the maps cannot be computed.
  Status set_input(InputMode mode);
  // set_bank with the input it is meant for: bank, parameters and input change together or not
  // at all.
  Status set_bank(std::vector<Kernel> bank, const ConvParams& params, InputMode input);
  // Reads the filters of a .npy / .safetensors file (`tensor`: a safetensors tensor's name, or
  // "" for the only 4-D one) and applies them. Filters with the input's channel count join the
  // bank (replacing filters of the same name: the same file opened again); filters with the
  // other count replace the bank and switch the input (status() says so and how to get the
  // presets back). On failure nothing changes and the message names the file.
  struct BankLoad {
    std::vector<std::string> names;
    std::vector<std::int64_t> shape;
  };
  Result<BankLoad> load_bank_file(const std::uint8_t* data, std::size_t size,
                                  const std::string& file_name, const std::string& tensor = "");
  // The notebook's bank (edge, sharpen, blur) on the gray input, parameters kept.
  Status restore_default_bank();
  // The files whose filters were loaded, the latest last (at most kMaxFileBanks).
  static constexpr int kMaxFileBanks = 8;
  const std::vector<FileBank>& file_banks() const { return file_banks_; }
  // A filter loaded from a file, by its name (the latest load wins), or nullptr.
  const Kernel* file_filter(const std::string& name) const;
  // Where maps()[i]'s filter came from: the file bank holding it unchanged (same name, channels
  // and weights), or nullptr (a preset, an edited or renamed filter).
  const FileBank* map_source(int map_index) const;

 private:
  Status adopt_image(Image image, const std::string& name);
  ComputeSettings compute_settings() const;  // the bank, parameters, input and reduction as edited
  // The maps' display levels made again here from the maps shown (display settings, first level).
  void remake_map_levels();
  static constexpr int kHistogramBins = 64;
  void fill_histograms();  // the maps' histograms, when shown and not computed yet
  // The current bank and parameters on the current document: computed now and adopted, or handed
  // to the worker. Fails (nothing changes) when the maps cannot be computed, or in the
  // background when the settings cannot run on the image (checked before they are sent).
  Status compute_maps();
  // Shows computed maps and their document (a new image when its source differs: the view,
  // inspector and animation start afresh, unless `keep_view`, a camera frame of the same size).
  void adopt(const Document& doc, Computed computed, bool keep_view = false);
  void fail_ticket(std::uint64_t ticket, const std::string& message);
  // Why `bank` cannot run on `input` (the first filter whose channel count differs), or ok.
  static Status check_bank_input(const std::vector<Kernel>& bank, InputMode input);
  // Replaces bank, parameters and input and recomputes, or changes nothing and says why (the
  // caller reports it). A new input keeps the bank it replaces in other_bank_.
  Status apply_bank(std::vector<Kernel> bank, const ConvParams& params, InputMode input);
  struct BankBefore;
  void put_back(BankBefore before);        // the bank, other bank, params and input as they were
  void fit_state_to_maps(bool new_image);  // the clamping rule

  Document doc_;  // source image, gray (and RGB) planes, the original's display levels, name
  std::vector<Kernel> bank_;
  ConvParams params_;
  std::vector<Kernel> computed_bank_;
  ConvParams computed_params_;
  std::vector<Plane> maps_;
  std::vector<MapStats> stats_;
  std::vector<std::vector<Plane>> map_levels_;  // [map][k - 1]
  Reduction levels_shrink_ = Reduction::mean;
  double levels_shown_width_ = 0.0;  // what map_levels_ were made for (Computed::shown_width)
  double wanted_shown_width_ = 0.0;  // want_map_width's, for the next maps
  std::uint64_t levels_asked_for_ = ~std::uint64_t{0};  // the maps_generation_ it last remade
  int focus_view_ = -1;
  double last_compute_ms_ = 0.0;
  std::uint64_t image_generation_ = 0, maps_generation_ = 0;

  int selected_ = 0;
  InspectorState inspector_;
  AnimationState animation_;
  ViewState view_;
  DisplaySettings display_;
  KernelLearning kernel_learning_;  // kernel_learning.h

  std::string last_error_, status_;
  LearnedFilters learned_;

  // The input and banks from files (model_banks.cpp).
  InputMode input_ = InputMode::gray;
  std::vector<Kernel> other_bank_;  // the bank of the other input, for switching back
  // A bank set whole (set_bank) whose maps the worker computes: what it replaced, put back if the
  // worker fails it and nothing newer was asked for since (a bank set whole changes nothing when
  // it fails, as it does when it fails here and now).
  struct BankBefore {
    std::uint64_t ticket = 0;  // 0: none waiting
    std::vector<Kernel> bank, other_bank;
    ConvParams params;
    InputMode input = InputMode::gray;
  };
  BankBefore bank_before_;
  std::vector<FileBank> file_banks_;

  // Background computation: the worker, the newest ticket handed out and answered, the newest
  // open in flight, and the tickets that failed (the last few, with their messages).
  std::unique_ptr<Background> background_;
  std::uint64_t ticket_ = 0, answered_ = 0, opening_ = 0;
  std::chrono::steady_clock::time_point busy_since_;
  std::uint64_t frame_ticket_ = 0;  // the newest ticket when a camera frame was shown
  std::uint64_t next_ticket();      // a new ticket; starts the busy clock when idle
  std::int64_t inline_work_ = kInlineWork;
  std::vector<std::pair<std::uint64_t, std::string>> failed_;

  // replace_frame's buffers (model_camera.cpp): the frame shown and the one before it, of the
  // same size, written over instead of allocated anew each frame (page faults and zero-filling
  // cost this machine more than the bank). A shared buffer is reused only when no document holds
  // it any more. The maps of the frame shown are maps_; `maps` holds the spare frame's. Let go
  // when an image that is not a camera frame is adopted.
  struct FrameBuffers {
    std::shared_ptr<Image> image;
    std::shared_ptr<Plane> gray;
    std::shared_ptr<std::vector<Plane>> gray_levels;
    std::shared_ptr<std::vector<Image>> colour_levels;
    Computed maps;  // maps and map_levels only
  };
  FrameBuffers frame_shown_, frame_spare_;
};

}  // namespace filterlens
