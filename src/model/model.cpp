// Model: loading, the bank's edits, recomputing, and the clamping rule that keeps the inspector,
// the animation and the selection inside the current maps.
#include "model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "decode.h"
#include "text.h"
#include "thread_pool.h"

namespace filterlens {
namespace {

constexpr int kAnimationMaxSide = 24;  // outputs per side of the region the window walks
const char* const kStaleMaps = "the maps shown are from the last valid settings";

int clamp_index(int i, int size) {
  return std::clamp(i, 0, std::max(0, size - 1));
}

}  // namespace

// ---- ViewState ------------------------------------------------------------------------------

void ViewState::zoom_about(float u, float v, float fx, float fy, float new_zoom) {
  zoom = std::clamp(new_zoom, 1.0f, kMaxZoom);
  cx = u - (fx - 0.5f) / zoom;
  cy = v - (fy - 0.5f) / zoom;
  clamp();
}

void ViewState::pan(float du, float dv) {
  cx += du;
  cy += dv;
  clamp();
}

void ViewState::clamp() {
  if (!(zoom >= 1.0f)) zoom = 1.0f;  // also NaN
  zoom = std::min(zoom, kMaxZoom);
  const float lim = 0.5f / zoom;
  cx = std::isfinite(cx) ? std::clamp(cx, lim, 1.0f - lim) : 0.5f;
  cy = std::isfinite(cy) ? std::clamp(cy, lim, 1.0f - lim) : 0.5f;
}

// ---- The document ---------------------------------------------------------------------------

Model::Model() : bank_(default_bank()) {}

void Model::report_error(const std::string& message) {
  last_error_ = message;
  status_.clear();
}

const Image& Model::source() const {
  static const Image kNone;
  return doc_.source ? *doc_.source : kNone;
}

const Plane& Model::gray() const {
  static const Plane kNone;
  return doc_.gray ? *doc_.gray : kNone;
}

const RgbPlanes& Model::rgb() const {
  static const RgbPlanes kNone;
  return doc_.rgb ? *doc_.rgb : kNone;
}

Status Model::load(const std::uint8_t* data, std::size_t size, const std::string& name) {
  release_camera_spare();  // the room goes to the image
  if (background_) {
    opening_ = next_ticket();
    frame_ticket_ = 0;  // the camera's frames give way to the image (poll)
    background_->open(ticket_, std::vector<std::uint8_t>(data, data + size), name,
                      compute_settings());
    return Status::ok();
  }
  Result<Image> image = decode_image(data, size);
  if (!image) {
    const std::string message = "Could not open " + name + ": " + image.error();
    report_error(message);
    return Status::fail(message);
  }
  return adopt_image(std::move(image).value(), name);
}

Status Model::load_rgba(int width, int height, const std::uint8_t* rgba, const std::string& name) {
  release_camera_spare();  // the room goes to the image
  const DecodeLimits limits;
  if (width <= 0 || height <= 0 || rgba == nullptr) {
    report_error("Could not open " + name + ": the browser decoded it to an empty image");
    return Status::fail(last_error_);
  }
  if (static_cast<std::int64_t>(width) * height > limits.max_pixels) {
    report_error("Could not open " + name + ": image is " + std::to_string(width) + " x " +
                 std::to_string(height) + "; the limit is " +
                 std::to_string(limits.max_pixels / 1'000'000) + " MP");
    return Status::fail(last_error_);
  }
  Image image{width, height, 4, {}};
  image.pixels.assign(rgba, rgba + static_cast<std::size_t>(width) * height * 4);
  if (background_) {
    opening_ = next_ticket();
    frame_ticket_ = 0;  // the camera's frames give way to the image (poll)
    background_->open_rgba(ticket_, std::move(image), name, compute_settings());
    return Status::ok();
  }
  return adopt_image(std::move(image), name);
}

Status Model::adopt_image(Image image, const std::string& name) {
  const Document doc = make_document(std::move(image), name, input_ == InputMode::rgb,
                                     &shared_pool(), {}, {}, wanted_shown_width_);
  Computed computed;
  Status s = compute_document(doc, compute_settings(), &shared_pool(), computed);
  if (!s) {  // nothing changes: the old image and maps stay
    const std::string message = "Could not filter " + name + ": " + s.error();
    report_error(message);
    return Status::fail(message);
  }
  adopt(doc, std::move(computed));
  return Status::ok();
}

ComputeSettings Model::compute_settings() const {
  ComputeSettings s;
  s.bank = bank_;
  s.params = params_;
  s.rgb_input = input_ == InputMode::rgb;
  s.shrink = display_.shrink;
  // The histograms cost several times the range and mean: only while they are shown.
  s.stats_bins = display_.show_histograms ? kHistogramBins : 0;
  s.shown_width = wanted_shown_width_;
  return s;
}

void Model::fill_histograms() {
  if (!display_.show_histograms) return;
  for (const MapStats& st : stats_)
    if (st.histogram.empty()) {
      compute_histograms(maps_, stats_, kHistogramBins, &shared_pool());
      return;
    }
}

void Model::adopt(const Document& doc, Computed computed, bool keep_view) {
  const bool new_image = doc.source != doc_.source;
  doc_ = doc;
  // Another image: the camera's buffers go (replace_frame takes them out before it adopts a frame).
  if (new_image) {
    frame_shown_ = FrameBuffers{};
    frame_spare_ = FrameBuffers{};
  }
  // The buffers of maps an edit replaced serve the next edit of the same image (not those of
  // another image or camera frame, nor while an image is being opened: it needs the room).
  if (background_ && !new_image && !opening_)
    background_->recycle(std::move(maps_), std::move(map_levels_));
  maps_ = std::move(computed.maps);
  stats_ = std::move(computed.stats);
  map_levels_ = std::move(computed.map_levels);
  levels_shrink_ = computed.shrink;
  levels_shown_width_ = computed.shown_width;
  computed_bank_ = std::move(computed.bank);
  computed_params_ = computed.params;
  last_compute_ms_ = computed.ms;
  ++maps_generation_;
  if (new_image) ++image_generation_;
  if (new_image && !keep_view) {
    last_error_.clear();
    status_ = "Opened " + doc.name;
  } else if (last_error_.find(kStaleMaps) != std::string::npos) {
    last_error_.clear();
  }
  fill_histograms();  // maps asked for while the histograms were hidden
  fit_state_to_maps(new_image && !keep_view);
}

std::string Model::overflow_notice() const {
  std::size_t count = 0, first = 0;
  for (std::size_t i = 0; i < stats_.size() && i < computed_bank_.size(); ++i) {
    const MapStats& s = stats_[i];
    if (std::isfinite(s.min) && std::isfinite(s.max) && std::isfinite(s.mean)) continue;
    if (count++ == 0) first = i;
  }
  if (count == 0) return "";
  return "The map of '" + computed_bank_[first].name + "'" +
         (count > 1 ? " and " + std::to_string(count - 1) + " more" : std::string()) +
         " went beyond float32's range (about 3.4e38): its sums overflow to infinity, and to NaN "
         "where infinities cancel. Scale the weights down to see the map.";
}

int Model::map_level_count(int map_index) const {
  if (map_index < 0 || map_index >= static_cast<int>(map_levels_.size())) return 1;
  return 1 + static_cast<int>(map_levels_[static_cast<std::size_t>(map_index)].size());
}

const Plane& Model::map_level(int map_index, int level) const {
  const Plane& map = maps_.at(static_cast<std::size_t>(map_index));
  level = std::min(level, map_level_count(map_index) - 1);
  if (level <= 0) return map;
  return map_levels_[static_cast<std::size_t>(map_index)]
                    [static_cast<std::size_t>(std::max(level, finest_map_level(map_index)) - 1)];
}

int Model::finest_map_level(int map_index) const {
  if (map_index < 0 || map_index >= static_cast<int>(maps_.size())) return 0;
  const Plane& map = maps_[static_cast<std::size_t>(map_index)];
  return first_level_made(map.width, map.height, kMinLevelSide,
                          first_level_for(map.width, levels_shown_width_));
}

void Model::want_map_width(double shown_width) {
  wanted_shown_width_ = shown_width >= 1.0 ? shown_width : 0.0;
  // Work in flight is checked when it lands (the views ask every frame).
  if (!has_image() || busy()) return;
  bool missing = false;
  for (std::size_t i = 0; i < maps_.size(); ++i) {
    const Plane& map = maps_[i];
    missing = missing || first_level_made(map.width, map.height, kMinLevelSide,
                                          first_level_for(map.width, wanted_shown_width_)) <
                             finest_map_level(static_cast<int>(i));
  }
  const Plane& g = gray();
  missing = missing || first_level_made(g.width, g.height, kMinLevelSide,
                                        first_level_for(g.width, wanted_shown_width_)) <
                           finest_original_level();
  // Asked once per set of maps: a compute that fails (the bank as edited may be one the maps do
  // not show) leaves the maps and their coarser levels as they are, and is not tried every frame.
  if (!missing || levels_asked_for_ == maps_generation_) return;
  levels_asked_for_ = maps_generation_;
  if (background_) {
    compute_maps();
    return;
  }
  remake_map_levels();
}

void Model::remake_map_levels() {
  for (std::size_t i = 0; i < maps_.size() && i < map_levels_.size(); ++i) {
    const float centre = i < stats_.size() ? static_cast<float>(stats_[i].mean) : 0.0f;
    LevelRange range;
    range.first = first_level_for(maps_[i].width, wanted_shown_width_);
    display_levels(maps_[i], display_.shrink, centre, kMinLevelSide, &shared_pool(), map_levels_[i],
                   range);
  }
  levels_shrink_ = display_.shrink;
  levels_shown_width_ = wanted_shown_width_;
  doc_ = level_document(doc_, wanted_shown_width_, &shared_pool());  // the original's too
  ++maps_generation_;  // the panels upload the new levels
}

int Model::original_level_count() const {
  return 1 + (doc_.gray_levels ? static_cast<int>(doc_.gray_levels->size()) : 0);
}

int Model::finest_original_level() const {
  return finest_document_level(doc_);
}

const Plane& Model::gray_level(int level) const {
  level = std::min(level, original_level_count() - 1);
  if (level <= 0) return gray();
  return (
      *doc_.gray_levels)[static_cast<std::size_t>(std::max(level, finest_original_level()) - 1)];
}

const Image& Model::colour_level(int level) const {
  const int n = doc_.colour_levels ? static_cast<int>(doc_.colour_levels->size()) : 0;
  level = std::min(level, n);
  if (level <= 0) return source();
  return (
      *doc_.colour_levels)[static_cast<std::size_t>(std::max(level, finest_original_level()) - 1)];
}

void Model::set_display(const DisplaySettings& display) {
  const bool new_reduction = display.shrink != display_.shrink;
  display_ = display;
  fill_histograms();
  if (!new_reduction || !has_image()) return;
  if (background_) {
    compute_maps();  // the worker remakes the levels with the maps: no pause on a large image
    return;
  }
  // The maps stay: only their levels change (the extreme reduction centres on each map's mean).
  remake_map_levels();
}

// ---- Background -------------------------------------------------------------------------------

void Model::start_background(std::function<void()> notify, Background::RoomFor prepare_buffers) {
  if (!background_)
    background_ =
        std::make_unique<Background>(&shared_pool(), std::move(notify), std::move(prepare_buffers));
}

bool Model::busy() const {
  return background_ && answered_ < ticket_;
}

double Model::busy_ms() const {
  if (!busy()) return 0.0;
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - busy_since_)
      .count();
}

std::uint64_t Model::next_ticket() {
  if (!busy()) busy_since_ = std::chrono::steady_clock::now();
  return ++ticket_;
}

std::string Model::progress() const {
  if (!busy()) return "";
  const Background::Progress p = background_->progress();
  return p.what.empty() ? "Working" : p.what;
}

Model::TicketState Model::ticket_state(std::uint64_t ticket, std::string* message) const {
  for (const auto& [t, why] : failed_)
    if (t == ticket) {
      if (message) *message = why;
      return TicketState::failed;
    }
  return ticket <= answered_ ? TicketState::done : TicketState::pending;
}

void Model::fail_ticket(std::uint64_t ticket, const std::string& message) {
  failed_.emplace_back(ticket, message);
  if (failed_.size() > 32) failed_.erase(failed_.begin());
}

void Model::put_back(BankBefore before) {
  bank_ = std::move(before.bank);
  other_bank_ = std::move(before.other_bank);
  params_ = before.params;
  input_ = before.input;
  selected_ = clamp_index(selected_, static_cast<int>(bank_.size()));
}

bool Model::poll() {
  if (!background_) return false;
  std::vector<Background::Outcome> outcomes = background_->take();
  for (Background::Outcome& o : outcomes) {
    const std::uint64_t before = answered_;
    answered_ = std::max(answered_, o.ticket);
    if (o.computed) {
      // Maps of an older camera frame (an edit the worker computed while frames kept coming):
      // the frame shown was computed with the same, newest settings; showing the older one
      // would step back in the video.
      if (!o.opened && o.ticket <= frame_ticket_ && o.doc.source != doc_.source) continue;
      adopt(o.doc, std::move(*o.computed));
      continue;
    }
    if (o.status) continue;  // settings before any image
    // A bank set whole that failed, with nothing asked for since: it goes, and the settings are
    // the maps' again (as when set_bank fails here and now).
    const bool reverted = bank_before_.ticket == o.ticket && o.ticket == ticket_;
    if (reverted) put_back(std::exchange(bank_before_, BankBefore{}));
    if (o.opened) {
      // An open failing fails only itself: settings that waited for it run on the image shown.
      report_error(o.status.error() +
                   (reverted ? " (the filters set while it was opening were not applied)" : ""));
      fail_ticket(o.ticket, last_error_);
    } else {
      // Every edit since the last answer asked for maps that do not exist.
      report_error(o.status.error() + " (" + (reverted ? "nothing was changed" : kStaleMaps) + ")");
      for (std::uint64_t t = std::max(before + 1, o.ticket > 32 ? o.ticket - 32 : 1); t <= o.ticket;
           ++t)
        fail_ticket(t, last_error_);
    }
  }
  if (bank_before_.ticket != 0 && bank_before_.ticket <= answered_) bank_before_ = BankBefore{};
  if (opening_ <= answered_) opening_ = 0;
  return !outcomes.empty();
}

void Model::stop_background() {
  background_.reset();  // waits for the worker's current stage
  answered_ = ticket_;
  opening_ = 0;
}

Status Model::set_bank(std::vector<Kernel> bank, const ConvParams& params) {
  return set_bank(std::move(bank), params, input_);
}

Status Model::set_params(const ConvParams& params) {
  params_ = params;
  return recompute();
}

namespace {

// The kernel, if its name is one setFilters and the address accept (text.h): a name the editor
// gave it must survive the address's round trip.
Result<Kernel> validate_named_kernel(Kernel kernel) {
  if (const std::string problem = filter_name_problem(kernel.name); !problem.empty())
    return Result<Kernel>::fail("The filter name " + problem + ".");
  return validate_kernel(std::move(kernel));
}

}  // namespace

Status Model::replace_kernel(int index, Kernel kernel) {
  if (index < 0 || index >= static_cast<int>(bank_.size()))
    return Status::fail("There is no filter " + std::to_string(index) + " in the bank.");
  Result<Kernel> valid = validate_named_kernel(std::move(kernel));
  if (!valid) {
    report_error(valid.error());
    return Status::fail(valid.error());
  }
  Kernel& slot = bank_[static_cast<std::size_t>(index)];
  Kernel k = std::move(valid).value();
  if (Status c = check_bank_input({k}, input_); !c) {
    report_error(c.error());
    return c;
  }
  // Names tell the maps apart (exports, the address, the API): a name another filter has is
  // refused, not kept twice (the address of such a bank would be refused when opened again).
  for (std::size_t i = 0; i < bank_.size(); ++i)
    if (static_cast<int>(i) != index && bank_[i].name == k.name) {
      const std::string message =
          "Another filter is already called '" + k.name + "': give this one a name of its own.";
      report_error(message);
      return Status::fail(message);
    }
  if (k.width != slot.width || k.height != slot.height || k.weights != slot.weights) mark_edited(k);
  slot = std::move(k);
  return recompute();
}

std::string unused_filter_name(const std::string& base, const std::vector<Kernel>& bank) {
  auto taken = [&](const std::string& name) {
    return std::any_of(bank.begin(), bank.end(), [&](const Kernel& b) { return b.name == name; });
  };
  std::string name = base;
  for (int n = 2; taken(name); ++n) {
    // "name2", "name3", ...: shortened at a character boundary to stay a filter name.
    std::string stem = base;
    const std::string number = std::to_string(n);
    while (!stem.empty() && !filter_name_problem(stem + number).empty()) drop_last_character(stem);
    name = stem + number;
  }
  return name;
}

Status Model::add_kernel(Kernel kernel) {
  Result<Kernel> valid = validate_named_kernel(std::move(kernel));
  if (!valid) {
    report_error(valid.error());
    return Status::fail(valid.error());
  }
  Kernel k = std::move(valid).value();
  if (Status c = check_bank_input({k}, input_); !c) {
    report_error(c.error());
    return c;
  }
  if (bank_.size() >= static_cast<std::size_t>(kMaxBankFilters)) {
    const std::string message = "The bank holds at most " + std::to_string(kMaxBankFilters) +
                                " filters: remove one before adding another.";
    report_error(message);
    return Status::fail(message);
  }
  k.name = unused_filter_name(k.name, bank_);
  bank_.push_back(std::move(k));
  selected_ = static_cast<int>(bank_.size()) - 1;
  return recompute();
}

int Model::add_missing_kernels(const std::vector<Kernel>& kernels) {
  int added = 0;
  std::string refused;
  for (const Kernel& k : kernels) {
    if (std::any_of(bank_.begin(), bank_.end(), [&](const Kernel& b) { return b.name == k.name; }))
      continue;
    if (!validate_kernel(k)) continue;
    if (Status c = check_bank_input({k}, input_); !c) {  // e.g. the CNN's gray filters on RGB
      refused = c.error();
      continue;
    }
    if (bank_.size() >= static_cast<std::size_t>(kMaxBankFilters)) {
      refused = "The bank holds at most " + std::to_string(kMaxBankFilters) +
                " filters: the rest were not added.";
      break;
    }
    bank_.push_back(k);
    ++added;
  }
  if (added) recompute();
  if (!refused.empty()) report_error(refused);  // after the recompute, which clears messages
  return added;
}

Status Model::remove_kernel(int index) {
  if (index < 0 || index >= static_cast<int>(bank_.size()))
    return Status::fail("There is no filter " + std::to_string(index) + " in the bank.");
  if (bank_.size() == 1) {
    const std::string message =
        "Keep at least one filter: add another before removing the last one.";
    report_error(message);
    return Status::fail(message);
  }
  bank_.erase(bank_.begin() + index);
  // The filter shown in the editor stays shown: one above it going moves it up a place.
  if (index < selected_) --selected_;
  selected_ = clamp_index(selected_, static_cast<int>(bank_.size()));
  return recompute();
}

Status Model::move_kernel(int from, int to) {
  const int n = static_cast<int>(bank_.size());
  if (from < 0 || from >= n || to < 0 || to >= n)
    return Status::fail("A filter can only move within the bank.");
  if (from == to) return Status::ok();
  std::swap(bank_[static_cast<std::size_t>(from)], bank_[static_cast<std::size_t>(to)]);
  selected_ = to;
  return recompute();
}

Status Model::recompute() {
  // An edit that applies is the next success: a message about an earlier one is stale (a weight
  // refused as typed, a name already taken).
  if (!has_image() && !opening_) {
    last_error_.clear();
    return Status::ok();
  }
  Status s = compute_maps();
  if (!s) {
    report_error(s.error() + " (" + kStaleMaps + ")");
    return s;
  }
  last_error_.clear();
  return s;
}

Status Model::compute_maps() {
  if (bank_.empty())
    return Status::fail("The filter bank is empty: add a filter to see feature maps.");
  Computed reuse;  // buffers of maps no longer shown (the worker keeps them)
  if (background_) {
    // What can be checked here is refused here, with nothing changed: the worker's failures
    // (memory) come back through poll() with the maps left as they were.
    if (has_image() && !opening_) {
      for (const Kernel& k : bank_) {
        Result<OutputSize> size =
            conv2d_output_size(gray().width, gray().height, k.width, k.height, params_);
        if (!size) return Status::fail(size.error());
      }
    }
    std::optional<Computed> recycled;
    if (has_image() && !busy() && compute_work() <= inline_work_)
      recycled = background_->take_recycled();  // none while the worker prepares them
    if (!recycled) {
      next_ticket();
      std::optional<Document> doc;
      if (!opening_) doc = doc_;  // else the image being opened is the worker's newest
      background_->compute(ticket_, compute_settings(), std::move(doc));
      return Status::ok();
    }
    // A small edit with nothing in flight: here and now, into the buffers the worker keeps (adopt
    // gives it the replaced maps back).
    reuse = std::move(*recycled);
  }
  Computed computed;
  const Document doc = level_document(fit_document(doc_, input_ == InputMode::rgb),
                                      wanted_shown_width_, &shared_pool());
  Status s = compute_document(doc, compute_settings(), &shared_pool(), computed, {}, &reuse);
  if (!s) return s;
  adopt(doc, std::move(computed));
  return Status::ok();
}

std::int64_t Model::compute_work() const {
  if (!has_image()) return 0;
  std::int64_t work = 0;
  for (const Kernel& k : bank_) {
    Result<OutputSize> size =
        conv2d_output_size(gray().width, gray().height, k.width, k.height, params_);
    const std::int64_t pixels = size ? std::int64_t{size.value().width} * size.value().height
                                     : std::int64_t{gray().width} * gray().height;
    work += pixels * (std::int64_t{k.width} * k.height * std::max(1, k.channels) + kWorkPerPixel);
  }
  return work;
}

void Model::fit_state_to_maps(bool new_image) {
  const int n = static_cast<int>(maps_.size());
  selected_ = clamp_index(selected_, static_cast<int>(bank_.size()));
  if (focus_view_ >= n) focus_view_ = -1;  // the focused map is gone: back to the grid
  if (new_image) {
    // A spot on the previous image means nothing on this one.
    inspector_ = InspectorState{};
    animation_ = AnimationState{};
    view_ = ViewState{};
  }
  if (n == 0) {
    inspector_ = InspectorState{};
    animation_ = AnimationState{};
    return;
  }
  inspector_.filter = clamp_index(inspector_.filter, n);
  const Plane& im = maps_[static_cast<std::size_t>(inspector_.filter)];
  inspector_.x = clamp_index(inspector_.x, im.width);
  inspector_.y = clamp_index(inspector_.y, im.height);

  // The animation walks a region of one map; when that map is gone or the region no longer
  // fits (new kernel size, stride, ...), it stops.
  AnimationState& a = animation_;
  const bool fits = a.filter >= 0 && a.filter < n && a.x0 >= 0 && a.y0 >= 0 && a.w > 0 && a.h > 0 &&
                    a.x0 + a.w <= maps_[static_cast<std::size_t>(a.filter)].width &&
                    a.y0 + a.h <= maps_[static_cast<std::size_t>(a.filter)].height;
  if (a.active && !fits) {
    AnimationState stopped;
    stopped.filter = clamp_index(a.filter, n);
    stopped.steps_per_second = a.steps_per_second;
    a = stopped;
  }
  a.filter = clamp_index(a.filter, n);
  a.step = std::clamp(a.step, 0, std::max(0, a.total()));
}

void Model::select(int index) {
  if (index >= 0 && index < static_cast<int>(bank_.size())) selected_ = index;
}

// ---- Inspector ------------------------------------------------------------------------------

void Model::inspect_map_pixel(int filter, int x, int y) {
  if (maps_.empty()) return;
  inspector_.active = true;
  inspector_.filter = clamp_index(filter, static_cast<int>(maps_.size()));
  const Plane& m = maps_[static_cast<std::size_t>(inspector_.filter)];
  inspector_.x = clamp_index(x, m.width);
  inspector_.y = clamp_index(y, m.height);
}

void Model::inspect_input_pixel(int px, int py) {
  if (maps_.empty()) return;
  const int f = clamp_index(inspector_.filter, static_cast<int>(maps_.size()));
  const Kernel& k = computed_bank_[static_cast<std::size_t>(f)];
  const ConvParams& cp = computed_params_;
  // The output pixel whose window is centred on (px, py).
  inspect_map_pixel(f, (px + cp.padding - (k.width - 1) * cp.dilation / 2) / cp.stride,
                    (py + cp.padding - (k.height - 1) * cp.dilation / 2) / cp.stride);
}

void Model::move_inspector(int dx, int dy) {
  if (maps_.empty()) return;
  if (!inspector_.active) {
    const std::optional<Focus> f = focus();
    const Plane& m0 = maps_.front();
    inspect_map_pixel(f ? f->filter : 0, f ? f->x : m0.width / 2, f ? f->y : m0.height / 2);
    return;
  }
  // Saturating: a held key at the edge must not wrap around through int overflow.
  const auto step = [](int at, int d) {
    return static_cast<int>(std::clamp(static_cast<long long>(at) + d, -1LL, 1LL << 30));
  };
  inspect_map_pixel(inspector_.filter, step(inspector_.x, dx), step(inspector_.y, dy));
}

std::optional<Focus> Model::focus() const {
  if (maps_.empty()) return std::nullopt;
  const int n = static_cast<int>(maps_.size());
  Focus f;
  const AnimationState& a = animation_;
  if (a.active && a.total() > 0) {
    const int idx = std::clamp(a.step, 0, a.total() - 1);
    f = {a.filter, a.x0 + idx % a.w, a.y0 + idx / a.w};
  } else if (inspector_.active) {
    f = {inspector_.filter, inspector_.x, inspector_.y};
  } else {
    return std::nullopt;
  }
  // fit_state_to_maps keeps both inside the maps; clamping again makes that a guarantee.
  f.filter = clamp_index(f.filter, n);
  const Plane& m = maps_[static_cast<std::size_t>(f.filter)];
  f.x = clamp_index(f.x, m.width);
  f.y = clamp_index(f.y, m.height);
  return f;
}

PixelRect Model::input_window(const Focus& focus) const {
  const Kernel& k = computed_bank_[static_cast<std::size_t>(focus.filter)];
  const ConvParams& p = computed_params_;
  const int ix = focus.x * p.stride - p.padding, iy = focus.y * p.stride - p.padding;
  return {ix, iy, ix + (k.width - 1) * p.dilation + 1, iy + (k.height - 1) * p.dilation + 1};
}

std::optional<InspectorReading> Model::read_focus() const {
  const std::optional<Focus> f = focus();
  if (!f) return std::nullopt;
  const ConvParams& p = computed_params_;
  const Kernel& named = computed_bank_[static_cast<std::size_t>(f->filter)];
  InspectorReading r;
  r.focus = *f;
  r.filter_name = named.name;
  r.kernel = p.flip ? flipped(named) : named;
  r.flipped = p.flip;
  r.padding_mode = p.padding_mode;
  r.map_value = maps_[static_cast<std::size_t>(f->filter)].at(f->x, f->y);
  r.ix0 = f->x * p.stride - p.padding;
  r.iy0 = f->y * p.stride - p.padding;
  const Kernel& k = r.kernel;
  // The planes the filter saw: gray, or R, G, B (the bank and the input always agree).
  const Plane* planes[3] = {&gray(), nullptr, nullptr};
  if (k.channels == 3) {
    if (!doc_.rgb) return std::nullopt;
    planes[0] = &doc_.rgb->r;
    planes[1] = &doc_.rgb->g;
    planes[2] = &doc_.rgb->b;
  }
  r.channels = k.channels;
  const std::size_t taps = static_cast<std::size_t>(k.width) * k.height;
  r.window.resize(taps * k.channels);
  r.products.resize(taps * k.channels);
  r.ghost.resize(taps);
  for (int c = 0; c < k.channels; ++c) {
    const Plane& in = *planes[c];
    for (int ky = 0; ky < k.height; ++ky)
      for (int kx = 0; kx < k.width; ++kx) {
        const std::size_t t = static_cast<std::size_t>(ky) * k.width + kx;
        const std::size_t ct = taps * c + t;
        const int ix = r.ix0 + kx * p.dilation, iy = r.iy0 + ky * p.dilation;
        r.ghost[t] = ix < 0 || iy < 0 || ix >= in.width || iy >= in.height;
        r.window[ct] = padded_value(in, ix, iy, p.padding_mode);
        r.products[ct] = k.weights[ct] * r.window[ct];
        r.channel_sums[c] += r.products[ct];
        r.max_abs_product = std::max(r.max_abs_product, std::fabs(double(r.products[ct])));
      }
    r.sum += r.channel_sums[c];
  }
  return r;
}

// ---- Animation ------------------------------------------------------------------------------

void Model::set_animation_filter(int filter) {
  if (maps_.empty()) return;
  animation_.filter = clamp_index(filter, static_cast<int>(maps_.size()));
  animation_.active = false;
  animation_.playing = false;
}

void Model::start_animation() {
  if (maps_.empty()) return;
  AnimationState& a = animation_;
  a.filter = clamp_index(a.filter, static_cast<int>(maps_.size()));
  const Plane& m = maps_[static_cast<std::size_t>(a.filter)];
  // The part of the map the panels show now, at most 24 x 24 outputs, centred on the view.
  const int visible_w = std::max(1, static_cast<int>(m.width / view_.zoom));
  const int visible_h = std::max(1, static_cast<int>(m.height / view_.zoom));
  a.w = std::min({m.width, visible_w, kAnimationMaxSide});
  a.h = std::min({m.height, visible_h, kAnimationMaxSide});
  a.x0 = std::clamp(static_cast<int>(view_.cx * m.width) - a.w / 2, 0, m.width - a.w);
  a.y0 = std::clamp(static_cast<int>(view_.cy * m.height) - a.h / 2, 0, m.height - a.h);
  a.step = 0;
  a.accumulator = 0.0;
  a.active = true;
}

void Model::play_pause_animation() {
  AnimationState& a = animation_;
  if (!a.active) return;
  if (a.step >= a.total()) a.step = 0;
  a.playing = !a.playing;
}

void Model::step_animation() {
  AnimationState& a = animation_;
  if (!a.active) return;
  a.playing = false;
  a.step = std::min(a.step + 1, a.total());
}

void Model::stop_animation() {
  AnimationState stopped;
  stopped.filter = animation_.filter;
  animation_ = stopped;
}

void Model::set_animation_position(int step) {
  animation_.step = std::clamp(step, 0, animation_.total());
}

void Model::set_animation_speed(float steps_per_second) {
  animation_.steps_per_second = std::clamp(steps_per_second, 0.1f, 10000.0f);
}

void Model::advance_animation(double seconds) {
  AnimationState& a = animation_;
  if (!a.active || !a.playing) return;
  a.accumulator += seconds * a.steps_per_second;
  const int advance = static_cast<int>(a.accumulator);
  a.accumulator -= advance;
  a.step = std::min(a.step + advance, a.total());
  if (a.step >= a.total()) a.playing = false;
}

// ---- View and display -----------------------------------------------------------------------

void Model::set_view(ViewState view) {
  view.clamp();
  view_ = view;
}

void Model::set_focus_view(int map_index) {
  if (map_index == -1 || (map_index >= 0 && map_index < static_cast<int>(maps_.size())))
    focus_view_ = map_index;
}

std::optional<int> Model::focus_view() const {
  if (focus_view_ < 0 || focus_view_ >= static_cast<int>(maps_.size())) return std::nullopt;
  return focus_view_;
}

ColorRange Model::display_range(int i) const {
  // From stats_ (min and max per map, computed with the maps): views ask every frame.
  if (i < 0 || i >= static_cast<int>(stats_.size())) return {};
  const Colormap c = display_.colormap;
  const MapStats& own = stats_[static_cast<std::size_t>(i)];
  if (!display_.shared_scale) return colormap_range(own.min, own.max, c);
  ColorRange r = colormap_range(stats_[0].min, stats_[0].max, c);
  for (const MapStats& m : stats_) {
    const ColorRange mr = colormap_range(m.min, m.max, c);
    r.lo = std::min(r.lo, mr.lo);
    r.hi = std::max(r.hi, mr.hi);
  }
  return r;
}

// ---- Learned filters and training ----------------------------------------------------------

Status Model::load_learned_weights(const std::uint8_t* data, std::size_t size,
                                   const std::string& name) {
  Status s = learned_.load_weights(data, size, name);
  if (!s) report_error(s.error());
  return s;
}

Status Model::set_training_data(const std::vector<std::uint8_t>& train_images,
                                const std::vector<std::uint8_t>& train_labels,
                                const std::vector<std::uint8_t>& test_images,
                                const std::vector<std::uint8_t>& test_labels) {
  Status s = learned_.set_training_data(train_images, train_labels, test_images, test_labels);
  if (!s) report_error(s.error());
  return s;
}

Status Model::start_training(int epochs, std::uint32_t seed) {
  cnn::TrainingRun& run = learned_.run();
  if (!run.has_data()) {
    report_error(
        "No training data: the web build ships a Fashion-MNIST subset; on the desktop it "
        "is read from Debian's dataset-fashion-mnist package.");
    return Status::fail(last_error_);
  }
  cnn::TrainingRun::Settings settings = run.settings();
  settings.epochs = epochs;
  settings.seed = seed;
  Status s = run.start(settings);
  if (!s) report_error(s.error());
  return s;
}

void Model::train_for(std::chrono::duration<double, std::milli> budget) {
  cnn::TrainingRun& run = learned_.run();
  if (!run.running()) return;
  run.step_for(budget);
  if (run.finished()) {
    status_ = "Training finished: " + std::to_string(run.test_accuracy() * 100.0).substr(0, 5) +
              "% on " + std::to_string(run.test_data().count) + " test images";
  }
}

}  // namespace filterlens
