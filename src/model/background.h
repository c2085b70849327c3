// Computing off the frame (issue 11 point 3): decoding an opened image, its gray (and RGB)
// planes, the maps, their statistics and the display levels the panels upload, so that the UI
// keeps drawing while a 24 MP photo loads or a large bank recomputes.
//
//   compute_document()  the whole computation for one document and one set of settings, on the
//                       calling thread (the model's synchronous path and the worker both use it).
//   Background          a worker thread that runs one request at a time, the newest winning: an
//                       edit that arrives while maps are computed supersedes them (the older work
//                       stops at its next stage and is never shown); a new image supersedes
//                       everything before it. The model takes finished work on its own thread
//                       (Model::poll); the worker never touches the model.
//
// Requests carry tickets (increasing numbers the model hands out); an outcome names the ticket of
// the newest request it answers, so every older ticket is answered by it too.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conv2d.h"
#include "display_pyramid.h"
#include "image.h"
#include "kernel.h"
#include "result.h"
#include "stats.h"
#include "status.h"

namespace filterlens {

class ThreadPool;

// What the maps are computed from. Shared, never copied: the model shows it while a job reads it.
struct Document {
  std::shared_ptr<const Image> source;
  std::shared_ptr<const Plane> gray;
  std::shared_ptr<const RgbPlanes> rgb;  // null while the input is gray
  // The original's display levels 1..k (display_pyramid.h): the gray plane and the colour image
  // (those finer than levels_shown_width's are empty).
  std::shared_ptr<const std::vector<Plane>> gray_levels;
  std::shared_ptr<const std::vector<Image>> colour_levels;
  // What its levels were made for (ComputeSettings::shown_width): finer ones are empty.
  double levels_shown_width = 0.0;
  std::string name;

  bool empty() const { return !gray || gray->empty(); }
};

struct ComputeSettings {
  std::vector<Kernel> bank;
  ConvParams params;
  bool rgb_input = false;  // the filters see R, G, B (C = 3) instead of the gray plane
  Reduction shrink = Reduction::mean;
  int stats_bins = 64;
  // The maps' first display level (shown_width's) made inside the bank's pass (mean reduction, gray
  // input); false makes it after the maps, as display_levels alone would (same values; for
  // benchmarks to compare).
  bool level1_in_pass = true;
  // The most device pixels across which a panel shows an image's whole width (the widest panel
  // drawn, times the zoom; 0: not known, every level is made). A map's levels are made from the one
  // for that width on (first_level_for): the panels show none finer, and a level not made costs
  // neither its pass nor its memory (level 1 is a quarter of its map).
  double shown_width = 0.0;
};

// Maps computed from a document with some settings.
struct Computed {
  std::vector<Plane> maps;
  std::vector<MapStats> stats;
  std::vector<std::vector<Plane>> map_levels;  // [map][k - 1]: level k of that map
  std::vector<Kernel> bank;                    // what they were computed with
  ConvParams params;
  Reduction shrink = Reduction::mean;
  double shown_width = 0.0;  // levels finer than this width's were not made (ComputeSettings)
  double ms = 0.0;           // the bank and its statistics, wall clock
};

// Levels stop before the longer side would go under this: a panel is never drawn much smaller.
constexpr int kMinLevelSide = 32;

// A document for a decoded image: gray plane, the RGB planes when `rgb_input`, the original's
// display levels. The gray plane and its levels are written into `gray_buffer` and
// `gray_level_buffers` where their sizes fit (buffers made beforehand; empty: new ones).
// Its display levels from the one for `shown_width` on (ComputeSettings::shown_width).
Document make_document(Image image, const std::string& name, bool rgb_input, ThreadPool* pool,
                       Plane gray_buffer = {}, std::vector<Plane> gray_level_buffers = {},
                       double shown_width = 0.0);
// `doc` with its RGB planes made (rgb_input) or dropped (gray input) as the settings need.
Document fit_document(const Document& doc, bool rgb_input);
// `doc` with the display levels a view `shown_width` device pixels wide needs: the same document
// when it has them, else one whose levels are made again from that width's on (the image, gray
// plane and RGB planes shared).
Document level_document(const Document& doc, double shown_width, ThreadPool* pool);
// The finest display level `doc` has (0: none).
int finest_document_level(const Document& doc);

// The maps of `doc` under `settings`, their statistics and display levels. `superseded` is asked
// between stages; when it says yes the computation stops and returns a failure nobody shows.
// `reuse`: buffers of maps no longer shown (Background::recycle); maps and levels of the same
// sizes are written into them instead of into new, zero-filled allocations.
Status compute_document(const Document& doc, const ComputeSettings& settings, ThreadPool* pool,
                        Computed& out, const std::function<bool()>& superseded = nullptr,
                        Computed* reuse = nullptr);

class Background {
 public:
  // What a request came to.
  struct Outcome {
    std::uint64_t ticket = 0;      // the newest request this answers
    Status status = Status::ok();  // a failure's message is ready to show
    bool opened = false;  // the document is a newly opened image (status: whether it opened)
    Document doc;         // what `computed` was computed from (empty: an open that failed)
    std::optional<Computed> computed;  // absent when the maps failed (or there is no image)
  };
  // Where the work stands, for a progress line.
  struct Progress {
    bool busy = false;
    std::string what;  // "Decoding cat.jpg", "Computing 3 maps", ...
  };

  // Whether `bytes` more can be allocated now and leave the heap its margin (asked on the worker).
  using RoomFor = std::function<bool(std::size_t bytes)>;

  // `notify` runs on the worker when an outcome is ready (wakes the UI loop; must be thread-safe).
  // `prepare_buffers`: when set, the worker writes buffers before they are needed, as long as it
  // says the heap has the room for each: while an image decodes, the image's own (with a pool of
  // two or more threads: decode_preparing); after an open, the first edit's (see recycle).
  Background(ThreadPool* pool, std::function<void()> notify, RoomFor prepare_buffers = nullptr);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // A new image: `bytes` decoded (decode.h), or `rgba` pixels decoded elsewhere (width x height
  // x 4). Supersedes every earlier request.
  void open(std::uint64_t ticket, std::vector<std::uint8_t> bytes, std::string name,
            ComputeSettings settings);
  void open_rgba(std::uint64_t ticket, Image rgba, std::string name, ComputeSettings settings);
  // New settings for the newest document; `doc` when the model replaced the document itself.
  void compute(std::uint64_t ticket, ComputeSettings settings, std::optional<Document> doc);

  // Finished work, oldest first; the model adopts each.
  std::vector<Outcome> take();
  // Maps the model no longer shows: the next computation writes into them when sizes match (an
  // edit at 1080p spent about as long allocating and zero-filling its maps as computing them).
  // Kept only up to kSpareBytes (allocated bytes), not while an image is waiting to be opened, and
  // dropped when one is. With prepare_buffers, the worker makes this spare set itself after an
  // open, once the maps are out and while nothing else is asked for (prepare_spare): the first
  // edit of a 12 MP photo waited 0.96 s in the page for its fresh memory (a page fault per 4 KB,
  // about 16 us each in this project's VM), the next ones 45 ms. For the page, whose wasm heap
  // never shrinks: the first edit would grow it as much. A native process would hold the memory
  // (its heap gives large blocks back), for less: the desktop does not ask for it.
  void recycle(std::vector<Plane> maps, std::vector<std::vector<Plane>> levels);
  // The recycled buffers, handed to a computation the model runs itself (Model's small edits);
  // empty when none are kept. None at all (nullopt) while the worker prepares the first edit's
  // buffers after an open (prepare_spare): that edit goes to the worker, which stops preparing
  // and writes into what it made (computed here it would take fresh memory while the worker
  // writes a second set, which the heap's room was counted for only once).
  std::optional<Computed> take_recycled();
  // Bytes held for recycling, and those being made for it (prepare_spare) or for an open while it
  // decodes (decode_preparing): memory checks count them as available (an open frees them before
  // it decodes, and stops a preparation; an edit writes into them or frees those of other sizes
  // before allocating).
  std::size_t spare_bytes() const;
  static constexpr std::size_t kSpareBytes = std::size_t{192} << 20;
  Progress progress() const;
  // Requests finished to the end (not superseded), for tests of the newest-wins rule.
  std::uint64_t completed() const { return completed_; }
  // For tests: while held, the worker takes no new request (they pile up, the newest winning).
  void hold(bool held);
  // For tests: while held, a preparation after an open (prepare_spare) waits before its first
  // buffer, and take_recycled says it is under way.
  void hold_preparation(bool held);
  // For tests: where each spare map's values are (the next edit's maps, when sizes match).
  std::vector<const float*> spare_map_data() const;
  // For tests: where the buffers prepared during the last open's decode were (decode_preparing):
  // the gray plane, its levels, the maps, their levels, in order; empty when none were.
  std::vector<const float*> opened_into() const;

  struct PlaneSize {
    int width = 0;
    int height = 0;
  };
  // One map's plane and its display levels.
  struct BufferSizes {
    PlaneSize map;
    std::vector<PlaneSize> levels;
  };

 private:
  struct Request {
    std::uint64_t ticket = 0;       // the newest ticket this answers
    std::uint64_t open_ticket = 0;  // an open's own ticket (it fails alone when the file does)
    // Settings that were waiting for the previous document when this open replaced or absorbed
    // them: if the file cannot be opened they are computed on that document after all.
    bool settings_pending = false;
    bool open = false;
    std::vector<std::uint8_t> bytes;
    std::optional<Image> rgba;
    std::string name;
    ComputeSettings settings;
    std::optional<Document> doc;
  };
  static Request open_request(std::uint64_t ticket, std::string name, ComputeSettings settings);
  // The recycled buffers out of spare_ / into it, with their byte count (mutex_ held).
  Computed take_spare();
  void keep_spare(Computed buffers);
  static std::vector<BufferSizes> buffer_sizes(const Computed& c);
  // Allocates and writes zeros into maps and levels of these sizes while prepare_buffers_ says
  // the heap has the room for each, no spare is kept yet and no request waits, and keeps them as
  // the spare when they fit kSpareBytes (else frees them: written once, the page's heap keeps its
  // pages). A request arriving meanwhile stops it: an edit gets the maps made whole so far (when
  // they fit kSpareBytes), an open nothing.
  void prepare_spare(const std::vector<BufferSizes>& sizes);
  // Buffers for an opened image, made while it decodes: its gray plane and the gray plane's
  // display levels (gray.maps[0], gray.map_levels[0]: make_document's), its maps and their levels
  // (compute_document's reuse).
  struct OpenBuffers {
    Computed gray;
    Computed maps;
  };
  // An open's decode. With prepare_buffers_ and a pool of two or more threads (the page's
  // pthreads build), the planes the image will need are written meanwhile by the pool's other
  // threads, and by the decoding one once it is done: in the page, opening a 12 MP photo spent
  // about as long in the first writes to its fresh gray plane and maps (a page fault per 4 KB) as
  // in decoding it, one after the other on one thread. Each buffer only while the heap keeps the
  // room for it, its margin and, until the file is decoded, what the decoder may still allocate
  // (ImageInfo::decode_bytes). Planes not made (no room, or a newer request stopped the
  // preparation; the decode itself runs to its end) are empty in `prepared`; nothing is kept when
  // the decode fails.
  Result<Image> decode_preparing(const Request& request, OpenBuffers& prepared);
  // A request waits (or the worker is stopping): what is being done is superseded.
  bool request_waiting() const;
  void run();
  void submit(Request request);
  // `preparing`: the worker prepares the first edit's buffers next (take_recycled's rule starts
  // with the outcome, so the model cannot see one without the other).
  void publish(Outcome outcome, bool preparing = false);
  void set_progress(const std::string& what);

  ThreadPool* pool_;
  std::function<void()> notify_;
  const RoomFor prepare_buffers_;
  std::atomic<std::size_t> preparing_bytes_{0};  // being prepared (spare_bytes)
  std::vector<const float*> opened_into_;        // opened_into(), under mutex_
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Request> open_;     // the newest image to open
  std::optional<Request> compute_;  // the newest settings
  std::vector<Outcome> done_;
  std::optional<Outcome> held_failure_;  // a failed open whose waiting settings are computing
  Computed spare_;                       // recycled buffers (maps, map_levels)
  std::size_t spare_bytes_ = 0;          // their allocated bytes
  Document doc_;                         // the newest document (worker thread only)
  Progress progress_;
  std::atomic<std::uint64_t> completed_{0};
  bool stop_ = false;
  bool held_ = false;
  bool preparing_ = false;  // prepare_spare is under way or about to start
  bool preparation_held_ = false;
  std::thread thread_;
};

}  // namespace filterlens
