// filterlens-bench-memory: the peak heap of opening a large photo (issue 11 point 3: "peak memory
// at most input + decoded image + maps + 10%"). Makes photo-like PNGs and JPEGs in memory (2, 12
// and 24 MP by default), opens each in a fresh Model through its synchronous path (Model::load:
// decode_image, make_document, compute_document, which is what the worker runs too) with the
// default 3-filter bank, and prints the input, decoded image and maps bytes, the budget
// (input + decoded + maps) x 1.1, the measured peak and its ratio to the budget; then what the
// model holds after the open, and the same steps run one by one to show where the peak is.
//
// The peak is exact, not sampled: this program replaces malloc, calloc, realloc, free and the
// aligned allocators (glibc lets a program do so; they forward to glibc's __libc_* functions) and
// counts malloc_usable_size() of every live block, so operator new, std::vector and stb_image's
// calloc-based hooks are all seen, on every thread. Native glibc builds only (not under ASan,
// which replaces malloc itself). Asserts nothing: numbers for the README.
//
//   filterlens-bench-memory [--check] [MP ...]   e.g. filterlens-bench-memory 2 12 24 (the default)
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <stb/stb_image_write.h>  // the implementation is compiled in filterlens_core

#include "background.h"
#include "decode.h"
#include "memory_budget.h"
#include "model.h"
#include "thread_pool.h"

// ---- Counting allocator ----

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {

std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

void count_add(std::int64_t n) {
  const std::int64_t now = g_live.fetch_add(n, std::memory_order_relaxed) + n;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void* counted(void* p) {
  if (p) count_add(static_cast<std::int64_t>(malloc_usable_size(p)));
  return p;
}

}  // namespace

extern "C" {
void* malloc(std::size_t n) noexcept {
  return counted(__libc_malloc(n));
}
void* calloc(std::size_t a, std::size_t b) noexcept {
  return counted(__libc_calloc(a, b));
}
void free(void* p) noexcept {
  if (!p) return;
  g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  __libc_free(p);
}
void* realloc(void* p, std::size_t n) noexcept {
  const std::int64_t old = p ? static_cast<std::int64_t>(malloc_usable_size(p)) : 0;
  void* q = __libc_realloc(p, n);
  if (q) {
    g_live.fetch_sub(old, std::memory_order_relaxed);
    counted(q);
  } else if (n == 0 && p) {
    g_live.fetch_sub(old, std::memory_order_relaxed);  // realloc(p, 0) freed p
  }
  return q;
}
void* memalign(std::size_t alignment, std::size_t n) noexcept {
  return counted(__libc_memalign(alignment, n));
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept {
  return counted(__libc_memalign(alignment, n));
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) noexcept {
  void* p = counted(__libc_memalign(alignment, n));
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(std::size_t n) noexcept {
  return counted(__libc_memalign(4096, n));
}
void* pvalloc(std::size_t n) noexcept {
  return counted(__libc_memalign(4096, (n + 4095) / 4096 * 4096));
}
}

using namespace filterlens;

namespace {

constexpr double kMB = 1024.0 * 1024.0;

// Starts a measurement: the peak from now on, relative to what is live now.
std::int64_t start_peak() {
  const std::int64_t live = g_live.load();
  g_peak.store(live);
  return live;
}

// A photo-like RGB image: smooth gradients and soft blobs (sky, shapes), hard edges, and sensor
// noise, so the PNG compresses like a photo's (to roughly half its raw size), not like a flat
// test card.
Image photo_like(int w, int h) {
  Image img{w, h, 3, std::vector<std::uint8_t>(std::size_t(w) * h * 3)};
  std::uint32_t seed = 12345;
  for (int y = 0; y < h; ++y) {
    std::uint8_t* p = img.pixels.data() + std::size_t(y) * w * 3;
    const double fy = double(y) / h;
    for (int x = 0; x < w; ++x, p += 3) {
      const double fx = double(x) / w;
      double v = 0.5 + 0.35 * std::sin(6.0 * fx + 3.0 * fy) * std::cos(4.0 * fy - 2.0 * fx);
      if ((x / (w / 7 + 1) + y / (h / 5 + 1)) % 3 == 0) v = 0.8 * v + 0.15;  // hard edges
      seed = seed * 1664525u + 1013904223u;
      const int noise = int(seed >> 27) - 16;  // +-16 levels of "sensor" noise
      const int base = int(v * 230.0);
      p[0] = static_cast<std::uint8_t>(std::clamp(base + noise, 0, 255));
      p[1] = static_cast<std::uint8_t>(std::clamp(int(base * 0.9) + 20 + noise / 2, 0, 255));
      p[2] = static_cast<std::uint8_t>(std::clamp(int((1.0 - v) * 200.0) + noise, 0, 255));
    }
  }
  return img;
}

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(ctx);
  const auto* d = static_cast<const std::uint8_t*>(data);
  out->insert(out->end(), d, d + size);
}

std::vector<std::uint8_t> encode(const Image& img, bool jpeg) {
  std::vector<std::uint8_t> out;
  if (jpeg)
    stbi_write_jpg_to_func(append, &out, img.width, img.height, img.channels, img.pixels.data(),
                           90);
  else
    stbi_write_png_to_func(append, &out, img.width, img.height, img.channels, img.pixels.data(),
                           img.width * img.channels);
  return out;
}

std::int64_t plane_bytes(const Plane& p) {
  return std::int64_t(p.data.capacity() * sizeof(float));
}

struct Held {
  std::int64_t source = 0, gray = 0, gray_levels = 0, colour_levels = 0, maps = 0, map_levels = 0;
  std::int64_t total() const {
    return source + gray + gray_levels + colour_levels + maps + map_levels;
  }
};

Held held_by(const Model& m) {
  Held h;
  h.source = std::int64_t(m.source().pixels.capacity());
  h.gray = plane_bytes(m.gray());
  for (int k = 1; k < m.original_level_count(); ++k) {
    h.gray_levels += plane_bytes(m.gray_level(k));
    h.colour_levels += std::int64_t(m.colour_level(k).pixels.capacity());
  }
  for (int i = 0; i < int(m.maps().size()); ++i) {
    h.maps += plane_bytes(m.maps()[std::size_t(i)]);
    for (int k = 1; k < m.map_level_count(i); ++k) h.map_levels += plane_bytes(m.map_level(i, k));
  }
  return h;
}

struct Row {
  std::string what;
  double input_mb, decoded_mb, maps_mb, budget_mb, peak_mb, ratio;
  Held held;
  double after_mb;
  double worker_mb = 0, replace_mb = 0;  // the worker's open: fresh, and over a shown image
  double replace_after_mb = 0;           // held after that second open (the worker's spares too)
  // memory_budget.h's estimates (what the page checks before it opens or recomputes) against the
  // peaks measured on the synchronous path (the single-thread page's): a fresh open, an open over
  // a shown image of the same size, and a recompute of the shown image's maps.
  double est_fresh_mb = 0, est_over_mb = 0, est_edit_mb = 0;
  double over_mb = 0, edit_mb = 0;  // measured: the peak above what was live before (+ input)
  double decode_bytes_mb = 0;       // probe_image's ImageInfo::decode_bytes
  // The same open with the views showing the maps 1000 device pixels wide (Model::want_map_width:
  // the maps' levels finer than that width's are not made), and what it holds after.
  double view_peak_mb = 0, view_after_mb = 0;
  struct Step {
    double peak_mb, left_mb;  // above what the steps before left (the input is extra)
  };
  std::vector<Step> steps;  // decode_image, make_document, compute_document
};

// Model::load with the worker (the desktop's and the pthreads page's path), waited for as the UI
// loop waits: woken by notify, then poll().
void open_with_worker(Model& model, const std::vector<std::uint8_t>& file) {
  std::mutex m;
  std::condition_variable cv;
  bool woken = false;
  if (!model.background())
    model.start_background([&] {
      std::lock_guard<std::mutex> lock(m);
      woken = true;
      cv.notify_all();
    });
  model.load(file.data(), file.size(), "photo");
  while (model.busy()) {
    std::unique_lock<std::mutex> lock(m);
    cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return woken; });
    woken = false;
    lock.unlock();
    model.poll();
  }
  if (!model.last_error().empty()) {
    std::fprintf(stderr, "open failed: %s\n", model.last_error().c_str());
    std::exit(1);
  }
}

Row measure(int mp, bool jpeg) {
  // 3:2 like most cameras: 2 MP = 1732 x 1155, 24 MP = 6000 x 4000.
  const int w = int(std::lround(std::sqrt(mp * 1e6 * 1.5))), h = int(std::lround(w / 1.5));
  std::vector<std::uint8_t> file;
  {
    const Image img = photo_like(w, h);
    file = encode(img, jpeg);
  }
  Row r;
  r.what = std::to_string(mp) + " MP " + (jpeg ? "JPEG" : "PNG") + " (" + std::to_string(w) +
           " x " + std::to_string(h) + ")";
  r.input_mb = double(file.size()) / kMB;

  {  // The open as the app does it.
    Model model;
    const std::int64_t base = start_peak();
    const Status s = model.load(file.data(), file.size(), "photo");
    if (!s) {
      std::fprintf(stderr, "open failed: %s\n", s.error().c_str());
      std::exit(1);
    }
    r.peak_mb = double(g_peak.load() - base + std::int64_t(file.size())) / kMB;
    r.after_mb = double(g_live.load() - base) / kMB;
    r.held = held_by(model);
    r.decoded_mb = double(model.source().pixels.size()) / kMB;
    r.maps_mb = 0;
    for (const Plane& m : model.maps()) r.maps_mb += double(m.data.size() * sizeof(float)) / kMB;
  }
  {  // The open with panels 1000 device pixels wide (a 2000 px window at ratio 2, or a laptop's
     // focus view): only the levels such a panel shows.
    Model model;
    model.want_map_width(1000.0);
    const std::int64_t base = start_peak();
    if (!model.load(file.data(), file.size(), "photo")) std::exit(1);
    r.view_peak_mb = double(g_peak.load() - base + std::int64_t(file.size())) / kMB;
    r.view_after_mb = double(g_live.load() - base) / kMB;
  }
  {  // The worker's open, fresh; then the same file opened again while the first is shown.
    const std::int64_t base = start_peak();
    {
      Model model;
      open_with_worker(model, file);
      r.worker_mb = double(g_peak.load() - base + std::int64_t(file.size())) / kMB;
      start_peak();
      open_with_worker(model, file);
      r.replace_mb = double(g_peak.load() - base + std::int64_t(file.size())) / kMB;
      r.replace_after_mb = double(g_live.load() - base) / kMB;
      model.stop_background();
    }
  }
  {  // The synchronous path again, over a shown image, then a recompute of its maps.
    Model model;
    model.load(file.data(), file.size(), "photo");
    const Image& src = model.source();
    std::vector<std::int64_t> current;
    for (const Plane& m : model.maps()) current.push_back(std::int64_t(m.data.size() * 4));
    r.est_fresh_mb = double(estimate_open_image(std::int64_t(file.size()), src.width, src.height,
                                                src.channels, model.bank(), model.params())
                                .total()) /
                     kMB;
    r.est_over_mb = double(estimate_open_image(std::int64_t(file.size()), src.width, src.height,
                                               src.channels, model.bank(), model.params(), current)
                               .total()) /
                    kMB;
    r.est_edit_mb =
        double(estimate_new_maps(src.width, src.height, model.bank(), model.params(), current)
                   .total()) /
        kMB;
    std::int64_t base = start_peak();
    model.load(file.data(), file.size(), "photo");
    r.over_mb = double(g_peak.load() - base + std::int64_t(file.size())) / kMB;
    base = start_peak();
    model.recompute();
    r.edit_mb = double(g_peak.load() - base) / kMB;
  }
  r.budget_mb = (r.input_mb + r.decoded_mb + r.maps_mb) * 1.1;
  r.ratio = r.peak_mb / r.budget_mb;

  {  // The same steps one by one: the peak of each, above what the earlier ones left.
    const Model defaults;
    ComputeSettings settings;
    settings.bank = defaults.bank();
    settings.params = defaults.params();
    std::int64_t base = start_peak();
    const auto step_done = [&] {
      r.steps.push_back({double(g_peak.load() - base) / kMB, double(g_live.load() - base) / kMB});
      base = start_peak();
    };
    Result<ImageInfo> info = probe_image(file.data(), file.size());
    if (!info) std::exit(1);
    r.decode_bytes_mb = double(info.value().decode_bytes) / kMB;
    base = start_peak();
    Result<Image> image = decode_image(file.data(), file.size());
    step_done();
    Document doc = make_document(std::move(image).value(), "photo", false, &shared_pool());
    step_done();
    Computed computed;
    const Status s = compute_document(doc, settings, &shared_pool(), computed);
    if (!s) std::exit(1);
    step_done();
  }
  return r;
}

}  // namespace

// --check: what an open may hold beyond what the model keeps, as assertions (a ctest runs them at
// 2 MP). Deterministic byte counts, no timing. They fail when Model::load peaks more than 2% above
// the input plus what it keeps, when make_document or compute_document gains a temporary (a copy
// of the decoded image is 45% of what make_document keeps), when decode_image holds more than
// stb_image's output plus the Image made from it or above probe_image's decode_bytes, when the
// worker's open peaks above the synchronous one, or when memory_budget.h's estimates are under the
// measured peaks.
int check(const std::vector<Row>& rows) {
  int failures = 0;
  auto expect = [&](bool ok, const Row& r, const char* what, double got, double limit) {
    if (ok) return;
    ++failures;
    std::printf("FAILED %s: %s: %.2f MB, more than %.2f MB\n", r.what.c_str(), what, got, limit);
  };
  for (const Row& r : rows) {
    const double held = r.after_mb + r.input_mb;
    expect(r.peak_mb <= held * 1.02, r, "Model::load's peak above the input and what it holds",
           r.peak_mb, held * 1.02);
    expect(r.worker_mb <= r.peak_mb * 1.02, r, "the worker's open", r.worker_mb, r.peak_mb * 1.02);
    const double decode_limit = 2.0 * r.decoded_mb * 1.01 + 0.5;
    expect(r.steps[0].peak_mb <= decode_limit, r, "decode_image's peak", r.steps[0].peak_mb,
           decode_limit);
    // What the page's worker leaves the decoder while it prepares the open's buffers.
    expect(r.steps[0].peak_mb <= r.decode_bytes_mb, r, "decode_image's peak above decode_bytes",
           r.steps[0].peak_mb, r.decode_bytes_mb);
    // The page's estimates (memory_budget.h) cover what was measured: a refusal up front, never
    // an allocation failing half-way (which aborts the wasm app).
    expect(r.est_fresh_mb >= r.peak_mb, r, "measured open above estimate_open_image", r.peak_mb,
           r.est_fresh_mb);
    expect(r.est_over_mb >= r.over_mb, r, "measured open over a shown image above its estimate",
           r.over_mb, r.est_over_mb);
    expect(r.est_edit_mb >= r.edit_mb, r, "measured recompute above estimate_new_maps", r.edit_mb,
           r.est_edit_mb);
    // make_document and compute_document allocate nothing they do not keep.
    for (std::size_t i : {std::size_t{1}, std::size_t{2}}) {
      const double limit = r.steps[i].left_mb * 1.02 + 0.25;
      expect(r.steps[i].peak_mb <= limit, r,
             i == 1 ? "make_document's peak above what it keeps"
                    : "compute_document's peak above what it keeps",
             r.steps[i].peak_mb, limit);
    }
  }
  std::printf("\ncheck: %s (%d failure%s)\n", failures ? "FAILED" : "ok", failures,
              failures == 1 ? "" : "s");
  return failures ? 1 : 0;
}

int main(int argc, char** argv) {
  std::vector<int> sizes;
  bool checking = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check") == 0)
      checking = true;
    else
      sizes.push_back(std::clamp(std::atoi(argv[i]), 1, 60));
  }
  if (sizes.empty()) sizes = {2, 12, 24};
  stbi_write_png_compression_level = 1;  // the PNGs are made fast; they stay photo-sized
  std::printf(
      "filterlens-bench-memory: peak heap bytes during Model::load (native, %d threads), default "
      "bank (3 filters), gray input\n\n",
      hardware_threads());
  std::vector<Row> rows;
  for (int mp : sizes)
    for (bool jpeg : {false, true}) rows.push_back(measure(mp, jpeg));

  std::printf(
      "| image | input MB | decoded MB | maps MB | budget MB | peak MB | peak / budget | peak, "
      "maps shown 1000 px wide | / budget |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows)
    std::printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %.2f |\n", r.what.c_str(),
                r.input_mb, r.decoded_mb, r.maps_mb, r.budget_mb, r.peak_mb, r.ratio,
                r.view_peak_mb, r.view_peak_mb / r.budget_mb);

  std::printf(
      "\nThe worker's open (Model::start_background, then load and poll): fresh, and the same "
      "file again while the first is shown (peaks in MB, the input counted once)\n\n");
  std::printf(
      "| image | budget MB | worker, fresh | ratio | worker, over a shown image | ratio | held "
      "after it |\n|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows)
    std::printf("| %s | %.1f | %.1f | %.2f | %.1f | %.2f | %.1f |\n", r.what.c_str(), r.budget_mb,
                r.worker_mb, r.worker_mb / r.budget_mb, r.replace_mb, r.replace_mb / r.budget_mb,
                r.replace_after_mb);

  std::printf(
      "\nmemory_budget.h's estimates (the page refuses what they say does not fit) against the "
      "measured peak above what was live before (MB; synchronous path, the input counted)\n\n");
  std::printf(
      "| image | open: estimate | measured | open over a shown image: estimate | measured | "
      "recompute: estimate | measured |\n|---|---:|---:|---:|---:|---:|---:|\n");
  const auto under = [](double estimate, double measured) {
    return estimate < measured ? " (UNDER)" : "";
  };
  for (const Row& r : rows)
    std::printf("| %s | %.1f%s | %.1f | %.1f%s | %.1f | %.1f%s | %.1f |\n", r.what.c_str(),
                r.est_fresh_mb, under(r.est_fresh_mb, r.peak_mb), r.peak_mb, r.est_over_mb,
                under(r.est_over_mb, r.over_mb), r.over_mb, r.est_edit_mb,
                under(r.est_edit_mb, r.edit_mb), r.edit_mb);

  std::printf("\nWhat the model holds after the open (MB; capacity of each buffer)\n\n");
  std::printf(
      "| image | source | gray | gray levels | colour levels | maps | map levels | sum | all "
      "live |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    const Held& h = r.held;
    std::printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", r.what.c_str(),
                h.source / kMB, h.gray / kMB, h.gray_levels / kMB, h.colour_levels / kMB,
                h.maps / kMB, h.map_levels / kMB, h.total() / kMB, r.after_mb);
  }

  std::printf(
      "\nStep by step: each step's peak / what it left, MB above what the steps before left (the "
      "input is extra)\n\n");
  std::printf(
      "| image | decode_image | make_document | compute_document |\n|---|---:|---:|---:|\n");
  for (const Row& r : rows) {
    std::printf("| %s |", r.what.c_str());
    for (const Row::Step& s : r.steps) std::printf(" %.1f / %.1f |", s.peak_mb, s.left_mb);
    std::printf("\n");
  }
  return checking ? check(rows) : 0;
}
