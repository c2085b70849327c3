#include "background.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include "decode.h"
#include "thread_pool.h"

namespace filterlens {

Document make_document(Image image, const std::string& name, bool rgb_input, ThreadPool* pool,
                       Plane gray_buffer, std::vector<Plane> gray_level_buffers,
                       double shown_width) {
  Document doc;
  auto gray = std::make_shared<Plane>(std::move(gray_buffer));
  to_gray(image, *gray);
  LevelRange range;
  range.first = first_level_for(gray->width, shown_width);
  display_levels(*gray, Reduction::mean, 0.0f, kMinLevelSide, pool, gray_level_buffers, range);
  doc.gray_levels = std::make_shared<const std::vector<Plane>>(std::move(gray_level_buffers));
  std::vector<Image> colour_levels;
  display_levels(image, kMinLevelSide, pool, colour_levels, range.first);
  doc.colour_levels = std::make_shared<const std::vector<Image>>(std::move(colour_levels));
  doc.levels_shown_width = shown_width;
  if (rgb_input) doc.rgb = std::make_shared<const RgbPlanes>(to_rgb_planes(image));
  doc.gray = std::move(gray);
  doc.source = std::make_shared<const Image>(std::move(image));
  doc.name = name;
  return doc;
}

Document fit_document(const Document& doc, bool rgb_input) {
  Document out = doc;
  if (rgb_input && !out.rgb && out.source)
    out.rgb = std::make_shared<const RgbPlanes>(to_rgb_planes(*out.source));
  if (!rgb_input) out.rgb.reset();  // three planes less while gray
  return out;
}

int finest_document_level(const Document& doc) {
  if (doc.empty()) return 0;
  return first_level_made(doc.gray->width, doc.gray->height, kMinLevelSide,
                          first_level_for(doc.gray->width, doc.levels_shown_width));
}

Document level_document(const Document& doc, double shown_width, ThreadPool* pool) {
  if (doc.empty() || !doc.source) return doc;
  const int wanted = first_level_made(doc.gray->width, doc.gray->height, kMinLevelSide,
                                      first_level_for(doc.gray->width, shown_width));
  if (wanted >= finest_document_level(doc)) return doc;
  Document out = doc;
  LevelRange range;
  range.first = wanted;
  std::vector<Plane> gray_levels;
  display_levels(*doc.gray, Reduction::mean, 0.0f, kMinLevelSide, pool, gray_levels, range);
  std::vector<Image> colour_levels;
  display_levels(*doc.source, kMinLevelSide, pool, colour_levels, wanted);
  out.gray_levels = std::make_shared<const std::vector<Plane>>(std::move(gray_levels));
  out.colour_levels = std::make_shared<const std::vector<Image>>(std::move(colour_levels));
  out.levels_shown_width = shown_width;
  return out;
}

namespace {

// Sizes the first display level of every map the bank will make (the one for `shown_width`, or
// the coarsest when the map has fewer; the rest of `levels` stays for display_levels to reuse) and
// returns the bank's rows_done step that fills it: a row of level k (2^k rows of its map) is made
// when all of its map rows are final in the same band (`done` marks it); finish_first_level makes
// the others.
BankRun::RowsDone prepare_first_level(const std::vector<std::optional<OutputSize>>& sizes,
                                      double shown_width, const std::vector<Plane>& maps,
                                      std::vector<std::vector<Plane>>& levels,
                                      std::vector<std::vector<std::uint8_t>>& done,
                                      std::vector<int>& level_made) {
  level_made.assign(sizes.size(), 0);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!sizes[i]) continue;
    const int k = first_level_made(sizes[i]->width, sizes[i]->height, kMinLevelSide,
                                   first_level_for(sizes[i]->width, shown_width));
    if (k == 0) continue;
    const auto [w, h] = display_level_sizes(sizes[i]->width, sizes[i]->height,
                                            kMinLevelSide)[static_cast<std::size_t>(k - 1)];
    std::vector<Plane>& l = levels[i];
    if (l.size() < static_cast<std::size_t>(k)) l.resize(static_cast<std::size_t>(k));
    Plane& level = l[static_cast<std::size_t>(k - 1)];
    if (level.width != w || level.height != h) level = Plane(w, h);
    done[i].assign(static_cast<std::size_t>(h), 0);
    level_made[i] = k;
  }
  // Row j of level k reduces map rows [2^k j, 2^k (j + 1)) (fewer at the bottom): made here when
  // its last row is in [y0, y1) and its first in this band; a row whose map rows lie in two bands
  // is left to finish_first_level.
  return [&maps, &levels, &done, &level_made](std::size_t map, int band_y0, int y0, int y1) {
    if (done[map].empty()) return;
    const int k = level_made[map];
    Plane& level = levels[map][static_cast<std::size_t>(k - 1)];
    const int block = 1 << k;
    const int j0 = std::max(y0 / block, (band_y0 + block - 1) / block);
    const int j1 = y1 == maps[map].height ? level.height : y1 / block;
    if (j0 >= j1) return;
    level_rows(maps[map], k, Reduction::mean, 0.0f, level, j0, j1);
    std::fill(done[map].begin() + j0, done[map].begin() + j1, std::uint8_t{1});
  };
}

// The first level's rows the bank's pass could not make; false when it made none (the level was
// not prepared, or the bank's path does not report rows): display_levels makes the whole level.
bool finish_first_level(const Plane& map, int k, const std::vector<std::uint8_t>& done,
                        std::vector<Plane>& levels) {
  if (k <= 0 || done.empty() || levels.size() < static_cast<std::size_t>(k) ||
      levels[static_cast<std::size_t>(k - 1)].height != static_cast<int>(done.size()) ||
      std::find(done.begin(), done.end(), std::uint8_t{1}) == done.end())
    return false;
  Plane& level = levels[static_cast<std::size_t>(k - 1)];
  for (std::size_t j = 0; j < done.size(); ++j)
    if (!done[j]) level_rows(map, k, Reduction::mean, 0.0f, level, int(j), int(j) + 1);
  return true;
}

// Recycled buffers into `c`: a map's only when it has exactly the size the bank will give it (a
// larger one would keep its allocation while its size says less, which the memory checks count),
// none for the RGB input (its maps are sums made in buffers of their own); level planes of other
// sizes are replaced by display_levels.
void take_buffers(const std::vector<std::optional<OutputSize>>& sizes, bool rgb_input,
                  Computed* reuse, Computed& c) {
  c.maps.resize(sizes.size());
  c.map_levels.resize(sizes.size());
  if (!reuse) return;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i < reuse->map_levels.size()) c.map_levels[i] = std::move(reuse->map_levels[i]);
    if (rgb_input || i >= reuse->maps.size() || !sizes[i]) continue;
    Plane& old = reuse->maps[i];
    if (old.width == sizes[i]->width && old.height == sizes[i]->height &&
        old.data.capacity() == old.data.size())
      c.maps[i] = std::move(old);
  }
  *reuse = Computed{};  // what did not fit goes now, before the maps are made
}

// The size of every map of the bank on this document (none where the bank will refuse it).
std::vector<std::optional<OutputSize>> map_sizes(const Document& doc,
                                                 const ComputeSettings& settings) {
  std::vector<std::optional<OutputSize>> sizes;
  for (const Kernel& k : settings.bank) {
    Result<OutputSize> size =
        conv2d_output_size(doc.gray->width, doc.gray->height, k.width, k.height, settings.params);
    sizes.push_back(size ? std::optional<OutputSize>(size.value()) : std::nullopt);
  }
  return sizes;
}

// A plane of this size and its display levels from the one for `shown_width` on (finer ones
// 0 x 0; ComputeSettings::shown_width).
Background::BufferSizes with_levels(Background::PlaneSize size, double shown_width = 0.0) {
  Background::BufferSizes b;
  b.map = size;
  const int first = first_level_made(size.width, size.height, kMinLevelSide,
                                     first_level_for(size.width, shown_width));
  for (const auto& [w, h] : display_level_sizes(size.width, size.height, kMinLevelSide)) {
    const bool made = static_cast<int>(b.levels.size()) + 1 >= first;
    b.levels.push_back(made ? Background::PlaneSize{w, h} : Background::PlaneSize{});
  }
  return b;
}

// The maps and display levels the bank will make on a `width` x `height` image (compute_document's
// sizes: conv2d_output_size, then display_levels' halving rule); empty when the bank will refuse
// one of its filters on it.
std::vector<Background::BufferSizes> open_buffer_sizes(int width, int height,
                                                       const ComputeSettings& settings) {
  std::vector<Background::BufferSizes> sizes;
  for (const Kernel& k : settings.bank) {
    Result<OutputSize> size = conv2d_output_size(width, height, k.width, k.height, settings.params);
    if (!size) return {};
    sizes.push_back(with_levels({size.value().width, size.value().height}, settings.shown_width));
  }
  return sizes;
}

// Bytes allocated for these maps and levels (capacity: what the heap really holds).
std::size_t allocated_bytes(const Computed& c) {
  std::size_t bytes = 0;
  for (const Plane& m : c.maps) bytes += m.data.capacity() * sizeof(float);
  for (const std::vector<Plane>& l : c.map_levels)
    for (const Plane& m : l) bytes += m.data.capacity() * sizeof(float);
  return bytes;
}

std::size_t area(const Background::PlaneSize& s) {
  return static_cast<std::size_t>(s.width) * static_cast<std::size_t>(s.height);
}

std::size_t plane_bytes(const Background::PlaneSize& s) {
  return area(s) * sizeof(float);
}

// `p` as a plane of zeros of this size, written a band of 4 MB at a time so that `stop` is asked
// often: the first write to fresh memory is what costs (a page fault per 4 KB, about 16 us each
// in this project's VM). Storage `p` already reserved is used. False (and `p` emptied) when
// `stop` said so.
bool touch(Plane& p, const Background::PlaneSize& size, const std::function<bool()>& stop) {
  constexpr std::size_t kBand = std::size_t{1} << 20;
  const std::size_t n = area(size);
  p.data.reserve(n);
  for (std::size_t done = 0; done < n;) {
    if (stop()) {
      p = Plane{};
      return false;
    }
    done = std::min(n, done + kBand);
    p.data.resize(done);
  }
  p.width = size.width;
  p.height = size.height;
  return true;
}

// A width x height plane of zeros (touch); empty when `stop` said so.
Plane touched_plane(const Background::PlaneSize& size, const std::function<bool()>& stop) {
  Plane p;
  touch(p, size, stop);
  return p;
}

}  // namespace

Status compute_document(const Document& doc, const ComputeSettings& settings, ThreadPool* pool,
                        Computed& out, const std::function<bool()>& superseded, Computed* reuse) {
  const auto stop = [&] { return superseded && superseded(); };
  if (doc.empty()) return Status::fail("there is no image");
  if (settings.bank.empty())
    return Status::fail("The filter bank is empty: add a filter to see feature maps.");
  if (settings.rgb_input && !doc.rgb) return Status::fail("the RGB planes are missing");
  if (stop()) return Status::fail("superseded");
  const auto t0 = std::chrono::steady_clock::now();
  const ConvInput input =
      settings.rgb_input ? ConvInput::rgb(*doc.rgb) : ConvInput::gray(*doc.gray);
  Computed c;
  const std::vector<std::optional<OutputSize>> sizes = map_sizes(doc, settings);
  take_buffers(sizes, settings.rgb_input, reuse, c);
  // Superseded work gives its buffers back for the request that superseded it.
  const auto stopped = [&] {
    if (reuse) {
      reuse->maps = std::move(c.maps);
      reuse->map_levels = std::move(c.map_levels);
    }
    return Status::fail("superseded");
  };
  // The first level of every map the view shows (the costly level: a pass over the whole map) is
  // made in the bank's pass while the rows are in cache. Not for the extreme reduction, which
  // needs each map's mean first.
  std::vector<std::vector<std::uint8_t>> first_rows(settings.bank.size());
  std::vector<int> first_made;
  BankRun run;
  if (settings.level1_in_pass && settings.shrink == Reduction::mean && !settings.rgb_input)
    run.rows_done = prepare_first_level(sizes, settings.shown_width, c.maps, c.map_levels,
                                        first_rows, first_made);
  run.pool = pool;
  run.stats = &c.stats;
  run.stats_bins = settings.stats_bins;
  Status s = conv2d_bank(input, settings.bank, settings.params, ConvImpl::simd, c.maps, run);
  c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!s) return s;
  if (stop()) return stopped();
  // The extreme reduction keeps the values farthest from each map's mean: its contours.
  for (std::size_t i = 0; i < c.maps.size(); ++i) {
    if (stop()) return stopped();
    const float centre = i < c.stats.size() ? static_cast<float>(c.stats[i].mean) : 0.0f;
    const int k = i < first_made.size() ? first_made[i] : 0;
    LevelRange range;
    range.first = first_level_for(c.maps[i].width, settings.shown_width);
    range.first_made = finish_first_level(c.maps[i], k, first_rows[i], c.map_levels[i]);
    display_levels(c.maps[i], settings.shrink, centre, kMinLevelSide, pool, c.map_levels[i], range);
  }
  c.shown_width = settings.shown_width;
  c.bank = settings.bank;
  c.params = settings.params;
  c.shrink = settings.shrink;
  out = std::move(c);
  return Status::ok();
}

// ---- The worker ----

Background::Background(ThreadPool* pool, std::function<void()> notify, RoomFor prepare_buffers)
    : pool_(pool),
      notify_(std::move(notify)),
      prepare_buffers_(std::move(prepare_buffers)),
      thread_([this] { run(); }) {}

Background::~Background() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Background::open(std::uint64_t ticket, std::vector<std::uint8_t> bytes, std::string name,
                      ComputeSettings settings) {
  Request r = open_request(ticket, std::move(name), std::move(settings));
  r.bytes = std::move(bytes);
  submit(std::move(r));
}

void Background::open_rgba(std::uint64_t ticket, Image rgba, std::string name,
                           ComputeSettings settings) {
  Request r = open_request(ticket, std::move(name), std::move(settings));
  r.rgba = std::move(rgba);
  submit(std::move(r));
}

Background::Request Background::open_request(std::uint64_t ticket, std::string name,
                                             ComputeSettings settings) {
  Request r;
  r.ticket = r.open_ticket = ticket;
  r.open = true;
  r.name = std::move(name);
  r.settings = std::move(settings);
  return r;
}

void Background::compute(std::uint64_t ticket, ComputeSettings settings,
                         std::optional<Document> doc) {
  Request r;
  r.ticket = ticket;
  r.settings = std::move(settings);
  r.doc = std::move(doc);
  submit(std::move(r));
}

void Background::submit(Request request) {
  Computed old;  // an open frees the recycled buffers at once (after the lock is released)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (request.open) {
      old = take_spare();
      // Settings still waiting were for the image being replaced; the open carries the newest.
      request.settings_pending = compute_.has_value() || (open_ && open_->settings_pending);
      compute_.reset();
      open_ = std::move(request);
    } else {
      // Settings for the image being opened: they replace the ones it came with. The newest
      // document the model gave (a camera frame) wins over an image still being opened.
      if (open_ && !request.doc) {
        open_->ticket = request.ticket;
        open_->settings = std::move(request.settings);
        open_->settings_pending = true;
      } else {
        if (request.doc) open_.reset();
        compute_ = std::move(request);
      }
    }
    progress_.busy = true;
  }
  wake_.notify_all();
}

void Background::hold(bool held) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = held;
  }
  wake_.notify_all();
}

void Background::hold_preparation(bool held) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    preparation_held_ = held;
  }
  wake_.notify_all();
}

std::vector<Background::Outcome> Background::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Outcome> out = std::move(done_);
  done_.clear();
  return out;
}

void Background::recycle(std::vector<Plane> maps, std::vector<std::vector<Plane>> levels) {
  Computed given;
  given.maps = std::move(maps);
  given.map_levels = std::move(levels);
  Computed old;  // freed after the lock is released, like `given` when it is not kept
  std::lock_guard<std::mutex> lock(mutex_);
  old = take_spare();
  // Large maps are not kept idle; an open needs the room.
  if (!open_ && allocated_bytes(given) <= kSpareBytes) keep_spare(std::move(given));
}

std::optional<Computed> Background::take_recycled() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (preparing_) return std::nullopt;
  return take_spare();
}

Computed Background::take_spare() {
  Computed spare = std::move(spare_);
  spare_ = Computed{};
  spare_bytes_ = 0;
  return spare;
}

void Background::keep_spare(Computed buffers) {
  spare_bytes_ = allocated_bytes(buffers);
  spare_ = std::move(buffers);
}

std::size_t Background::spare_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return spare_bytes_ + preparing_bytes_.load();
}

bool Background::request_waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_ || open_.has_value() || compute_.has_value();
}

std::vector<const float*> Background::spare_map_data() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const float*> out;
  for (const Plane& m : spare_.maps) out.push_back(m.data.data());
  return out;
}

std::vector<const float*> Background::opened_into() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return opened_into_;
}

Background::Progress Background::progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return progress_;
}

void Background::set_progress(const std::string& what) {
  std::lock_guard<std::mutex> lock(mutex_);
  progress_.what = what;
}

void Background::publish(Outcome outcome, bool preparing) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (preparing) preparing_ = true;
    // A failed open held back for the settings that waited for it goes out with their answer,
    // in one step: the model never sees the open's ticket answered while those maps are coming.
    if (held_failure_) done_.push_back(std::move(*held_failure_));
    held_failure_.reset();
    done_.push_back(std::move(outcome));
  }
  if (notify_) notify_();
}

void Background::run() {
  for (;;) {
    Request request;
    Computed reuse;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!open_ && !compute_) progress_ = Progress{};
      wake_.wait(lock, [&] { return stop_ || (!held_ && (open_ || compute_)); });
      if (stop_) return;
      if (open_) {
        request = std::move(*open_);
        open_.reset();
      } else {
        request = std::move(*compute_);
        compute_.reset();
      }
      reuse = take_spare();
    }
    // A new image has maps of its own size: the old buffers go before it is decoded.
    if (request.open) reuse = Computed{};
    // Anything waiting now is newer than this request.
    const auto superseded = [&] { return request_waiting(); };

    Outcome outcome;
    outcome.ticket = request.ticket;
    Document doc;
    Document shown_before;  // the worker's newest document before an open replaced it
    if (request.open) {
      outcome.opened = true;
      set_progress("Decoding " + request.name);
      OpenBuffers prepared;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        opened_into_.clear();
      }
      Result<Image> image = request.rgba ? Result<Image>::ok(std::move(*request.rgba))
                                         : decode_preparing(request, prepared);
      request.bytes = std::vector<std::uint8_t>();  // the file is not needed any more
      if (!image) {
        Outcome failed;
        failed.ticket = request.open_ticket;
        failed.opened = true;
        failed.status = Status::fail("Could not open " + request.name + ": " + image.error());
        if (request.ticket == request.open_ticket && !request.settings_pending) {
          publish(std::move(failed));
          continue;
        }
        held_failure_ = std::move(failed);  // published with the settings' answer (publish)
        // Settings that waited for this file run on the document shown (below).
        request.open = false;
        outcome.opened = false;
      } else {
        set_progress("Converting " + request.name + " to gray");
        const bool any_prepared = !prepared.gray.maps.empty();  // possibly empty planes
        doc = make_document(
            std::move(image).value(), request.name, request.settings.rgb_input, pool_,
            any_prepared ? std::move(prepared.gray.maps[0]) : Plane{},
            any_prepared ? std::move(prepared.gray.map_levels[0]) : std::vector<Plane>{},
            request.settings.shown_width);
        reuse = std::move(prepared.maps);
        // From here on this image is the newest document, even when its maps are superseded: the
        // settings that supersede them are meant for it.
        shown_before = std::move(doc_);
        doc_ = doc;
      }
    }
    if (!request.open) {
      if (request.doc) doc_ = *request.doc;
      doc_ = level_document(fit_document(doc_, request.settings.rgb_input),
                            request.settings.shown_width, pool_);
      doc = doc_;
      if (doc.empty()) {  // settings before any image: nothing to compute
        outcome.status = Status::ok();
        publish(std::move(outcome));
        continue;
      }
    }
    set_progress("Computing " + std::to_string(request.settings.bank.size()) + " maps");
    Computed computed;
    Status s = compute_document(doc, request.settings, pool_, computed, superseded, &reuse);
    if (superseded()) {
      // The newer request takes it from here; an opened image stays doc_ for it. A new image
      // that was superseded by settings is shown with them; by another image, never. A failed
      // open held back is told now (the newer request's ticket keeps the model busy). The
      // buffers go to the newer request, unless it opens an image.
      std::lock_guard<std::mutex> lock(mutex_);
      if (held_failure_) {
        done_.push_back(std::move(*held_failure_));
        held_failure_.reset();
      }
      if (!open_ && spare_bytes_ == 0) keep_spare(std::move(reuse));
      continue;
    }
    outcome.doc = doc;
    // After an open, the buffers its first edit will write into (below, once the maps are out).
    // Not for the RGB input, whose maps are sums made in buffers of their own.
    const std::vector<BufferSizes> first_edit =
        prepare_buffers_ && s && request.open && !request.settings.rgb_input
            ? buffer_sizes(computed)
            : std::vector<BufferSizes>{};
    if (s) {
      outcome.computed = std::move(computed);
      outcome.status = Status::ok();
    } else {
      // An image whose maps cannot be made is not shown: later edits apply to the one that is.
      if (request.open) doc_ = std::move(shown_before);
      outcome.status =
          request.open ? Status::fail("Could not filter " + request.name + ": " + s.error()) : s;
    }
    ++completed_;
    publish(std::move(outcome), !first_edit.empty());
    if (!first_edit.empty()) prepare_spare(first_edit);
  }
}

std::vector<Background::BufferSizes> Background::buffer_sizes(const Computed& c) {
  std::vector<BufferSizes> sizes(c.maps.size());
  for (std::size_t i = 0; i < c.maps.size(); ++i) {
    sizes[i].map = {c.maps[i].width, c.maps[i].height};
    if (i < c.map_levels.size())
      for (const Plane& l : c.map_levels[i]) sizes[i].levels.push_back({l.width, l.height});
  }
  return sizes;
}

void Background::prepare_spare(const std::vector<BufferSizes>& sizes) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return !preparation_held_ || stop_ || open_ || compute_; });
    if (stop_ || open_ || compute_ || spare_bytes_ != 0) {
      preparing_ = false;
      return;
    }
  }
  const auto stop = [&] { return request_waiting(); };
  // Each plane only when the heap has the room for it and its margin: in the page a failed
  // allocation aborts the app, and the main thread allocates meanwhile.
  const auto make = [&](const PlaneSize& size) {
    if (!prepare_buffers_(plane_bytes(size))) return Plane{};
    Plane p = touched_plane(size, stop);
    preparing_bytes_ += p.data.capacity() * sizeof(float);
    return p;
  };
  Computed made;
  for (const BufferSizes& m : sizes) {
    Plane map = make(m.map);
    if (map.empty()) break;
    std::vector<Plane> levels;
    for (const PlaneSize& l : m.levels) {
      if (area(l) == 0) {  // a level not made
        levels.emplace_back();
        continue;
      }
      levels.push_back(make(l));
      if (levels.back().empty()) break;
    }
    // Stopped: an edit takes the maps made whole so far (take_buffers) and makes the rest.
    if (!levels.empty() && levels.back().empty() && area(m.levels[levels.size() - 1]) != 0) break;
    made.maps.push_back(std::move(map));
    made.map_levels.push_back(std::move(levels));
  }
  // Over kSpareBytes the set is not kept (recycle's rule), but the heap it leaves is written
  // already: the page's wasm memory keeps its pages, so the edit's maps are made in them.
  std::lock_guard<std::mutex> lock(mutex_);  // `made` is freed after it when not kept
  preparing_bytes_ = 0;
  preparing_ = false;
  if (!open_ && spare_bytes_ == 0 && allocated_bytes(made) <= kSpareBytes)
    keep_spare(std::move(made));
}

Result<Image> Background::decode_preparing(const Request& request, OpenBuffers& prepared) {
  const auto decode = [&] { return decode_image(request.bytes.data(), request.bytes.size()); };
  if (!prepare_buffers_ || !pool_ || pool_->size() < 2 || request.settings.rgb_input)
    return decode();
  Result<ImageInfo> info = probe_image(request.bytes.data(), request.bytes.size());
  if (!info) return decode();  // decode_image says why, in the same words
  const int width = info.value().width, height = info.value().height;
  const std::vector<BufferSizes> maps = open_buffer_sizes(width, height, request.settings);
  if (maps.empty()) return decode();
  const std::vector<BufferSizes> gray = {
      with_levels({width, height}, request.settings.shown_width)};
  std::vector<PlaneSize> planes;  // the gray plane, its levels, each map, its levels
  for (const std::vector<BufferSizes>* set : {&gray, &maps})
    for (const BufferSizes& b : *set) {
      planes.push_back(b.map);
      planes.insert(planes.end(), b.levels.begin(), b.levels.end());
    }
  std::vector<Plane> made(planes.size());
  std::optional<Result<Image>> image;
  std::atomic<bool> decoded{false}, failed{false};
  const auto stop = [&] { return failed || request_waiting(); };
  // Room is asked for and taken under one lock (the pool's other threads prepare at once). Until
  // the file is decoded it must also leave what the decoder may still allocate: in the page a
  // failed allocation aborts the app, and the memory check before the open counted the decoder's
  // buffers as gone before the planes are made. Prepared bytes count as spare (spare_bytes) until
  // the open takes them: a newer request stops the preparation and frees them.
  std::mutex room;
  const auto decoder = static_cast<std::size_t>(info.value().decode_bytes);
  const auto allocate = [&](Plane& p, const PlaneSize& size) {
    std::lock_guard<std::mutex> lock(room);
    if (stop() || !prepare_buffers_(plane_bytes(size) + (decoded ? 0 : decoder))) return false;
    p.data.reserve(area(size));
    preparing_bytes_ += plane_bytes(size);
    return true;
  };
  // Task 0 decodes (stb is serial) while the pool's other threads write the planes, one task
  // each, in the order they are needed; the thread that has decoded helps with those left. (When
  // another thread's job holds the pool, run() does all of it here, one task after the other:
  // the same planes, made later.)
  pool_->run(static_cast<int>(1 + planes.size()), [&](int task) {
    if (task == 0) {
      image = decode();
      if (!*image) failed = true;
      decoded = true;
      return;
    }
    const PlaneSize& size = planes[static_cast<std::size_t>(task - 1)];
    if (area(size) == 0) return;  // a level not made
    Plane p;
    if (!allocate(p, size)) return;
    if (!touch(p, size, stop)) {
      preparing_bytes_ -= plane_bytes(size);  // freed
      return;
    }
    made[static_cast<std::size_t>(task - 1)] = std::move(p);
  });
  preparing_bytes_ = 0;  // the open's own now (or freed below)
  // Back into the sets' shapes; a plane not made is empty (its user allocates it). Nothing is
  // kept for a file that did not decode.
  std::size_t next = 0;
  const auto take = [&](const std::vector<BufferSizes>& sizes) {
    Computed c;
    for (const BufferSizes& b : sizes) {
      c.maps.push_back(std::move(made[next++]));
      c.map_levels.emplace_back();
      for (std::size_t k = 0; k < b.levels.size(); ++k)
        c.map_levels.back().push_back(std::move(made[next++]));
    }
    return c;
  };
  if (!failed) {
    prepared.gray = take(gray);
    prepared.maps = take(maps);
  }
  std::vector<const float*> into;
  for (const Computed* c : {&prepared.gray, &prepared.maps}) {
    for (const Plane& m : c->maps)
      if (!m.empty()) into.push_back(m.data.data());
    for (const std::vector<Plane>& levels : c->map_levels)
      for (const Plane& l : levels)
        if (!l.empty()) into.push_back(l.data.data());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  opened_into_ = std::move(into);
  return std::move(*image);
}

}  // namespace filterlens
