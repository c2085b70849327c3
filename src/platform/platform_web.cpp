// Web platform: Emscripten's GLFW on a WebGL2 canvas, the main loop driven by the browser, and
// the bridge to the page's JavaScript (web/filterlens-page.js): images arrive as bytes through
// fl_load_image (drop, file dialog, paste, URL) and exports leave as downloads. The fl_* functions
// are what window.FilterLens (the scripting API) calls.
//
// Robustness rules of the bridge: wasm addresses reach JavaScript as unsigned numbers (`>>> 0`:
// the heap may grow past 2 GB, see library_webgl_2gb.js for the GL side); a filter bank arrives
// as structured values (fl_bank_*), never as text a name could inject lines into, and replaces
// the app's bank only when every filter and parameter is valid; images are refused before
// decoding when the memory they would need (memory_budget.h) does not fit in the heap's limit.
// Banks from files (fl_open_file, fl_load_bank) and the RGB input are counted in that budget too:
// the three colour planes and the C = 3 path's second set of maps.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/heap.h>
#include <emscripten/html5.h>
#if defined(__EMSCRIPTEN_PTHREADS__)
#include <emscripten/threading.h>
#endif
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "address_state.h"
#include "app.h"
#include "background.h"
#include "cnn/similarity.h"
#include "decode.h"
#include "exports.h"
#include "gl.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_setup.h"
#include "kernel_learning.h"
#include "memory_budget.h"
#include "platform.h"
#include "text.h"
#include "thread_pool.h"
#include "ui_renderer.h"
#include "zip.h"

// The page's side of the bridge (web/filterlens-page.js defines FilterLensPage).
EM_JS(void, js_save_file, (const char* name, const std::uint8_t* data, int size), {
  // An address past 2 GB arrives negative (written without >>>, which the C preprocessor would
  // split into >> > when EM_JS turns this body into a string).
  if (data < 0) data += 4294967296;
  FilterLensPage.saveFile(UTF8ToString(name), HEAPU8.slice(data, data + size));
});
// A file of a batch: its zip header and its bytes, kept by the page until js_batch_finish.
EM_JS(void, js_batch_add,
      (const std::uint8_t* header, int header_size, const std::uint8_t* data, int size), {
        if (header < 0) header += 4294967296;
        if (data < 0) data += 4294967296;
        FilterLensPage.batchAdd(HEAPU8.slice(header, header + header_size),
                                HEAPU8.slice(data, data + size));
      });
// The archive's directory: the page downloads the files added since the last one as `name`.
EM_JS(void, js_batch_finish, (const char* name, const std::uint8_t* directory, int size), {
  if (directory < 0) directory += 4294967296;
  FilterLensPage.batchFinish(UTF8ToString(name), HEAPU8.slice(directory, directory + size));
});
EM_JS(void, js_copy_text, (const char* text), { FilterLensPage.copyText(UTF8ToString(text)); });
EM_JS(void, js_open_dialog, (), { FilterLensPage.openDialog(); });
EM_JS(void, js_fetch_url, (const char* url), { FilterLensPage.fetchUrl(UTF8ToString(url)); });
EM_JS(void, js_fit_canvas, (), { FilterLensPage.fitCanvas(); });
EM_JS(void, js_set_address, (const char* text), { FilterLensPage.setAddress(UTF8ToString(text)); });
EM_JS(void, js_share_address, (const char* text),
      { FilterLensPage.shareAddress(UTF8ToString(text)); });
// Whether ImGui wants typed text this frame: the page keeps its text field focused then, so
// non-ASCII letters, IMEs and paste reach the app (web/filterlens-input.js).
EM_JS(void, js_text_input, (int want), {
  if (window.FilterLensInput) FilterLensInput.wantText(want != 0);
});
EM_JS(void, js_remember_guide_seen, (), { FilterLensPage.rememberGuideSeen(); });

namespace filterlens::platform {
namespace {
std::vector<std::uint8_t> g_font;
}

const char* name() {
  return "web";
}

namespace {

// The batch being gathered (begin_batch), if any: the archive's name, how many archives it has
// taken so far, and the one being written.
struct Batch {
  std::string name;
  int archives = 1;
  ZipStream zip;
  std::string archive_name() const {
    if (archives == 1) return name;
    const std::size_t dot = name.rfind('.');
    return name.substr(0, dot) + "-" + std::to_string(archives) + name.substr(dot);
  }
  void finish_archive() const {
    const std::vector<std::uint8_t> directory = zip.finish();
    js_batch_finish(archive_name().c_str(), directory.data(), static_cast<int>(directory.size()));
  }
};
std::optional<Batch> g_batch;

}  // namespace

Result<std::string> save_file(const std::string& file_name,
                              const std::vector<std::uint8_t>& bytes) {
  if (g_batch) {
    const auto size = static_cast<std::int64_t>(bytes.size());
    if (!g_batch->zip.fits(file_name, size) && g_batch->zip.entries() > 0) {
      g_batch->finish_archive();  // full: the rest go into the next archive
      g_batch->zip = ZipStream{};
      ++g_batch->archives;
    }
    if (!g_batch->zip.fits(file_name, size))
      return Result<std::string>::fail("Could not save " + file_name +
                                       ": it is larger than a .zip archive can hold (4 GB)");
    const std::vector<std::uint8_t> header =
        g_batch->zip.add(file_name, bytes.data(), bytes.size());
    js_batch_add(header.data(), static_cast<int>(header.size()), bytes.data(),
                 static_cast<int>(bytes.size()));
    return Result<std::string>::ok("Added " + file_name + " to " + g_batch->archive_name());
  }
  js_save_file(file_name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  return Result<std::string>::ok("Downloaded " + file_name);
}

namespace {

void begin_batch(const std::string& archive_name) {
  g_batch.emplace();
  g_batch->name = archive_name;
}

std::string end_batch() {
  if (!g_batch) return "";
  const Batch batch = std::move(*g_batch);
  g_batch.reset();
  if (batch.zip.entries() > 0) batch.finish_archive();
  const int archives = batch.zip.entries() > 0 ? batch.archives : batch.archives - 1;
  if (archives == 0) return "";
  return "Downloaded " + batch.name +
         (archives > 1 ? " and " + std::to_string(archives - 1) + " more (" + batch.archive_name() +
                             ": a .zip holds at most 4 GB)"
                       : "");
}

}  // namespace

void copy_text(const std::string& text) {
  js_copy_text(text.c_str());
}

bool open_file_dialog() {
  js_open_dialog();
  return true;
}

const bool kFetchesUrls = true;
const bool kReadsPaths = false;  // the browser has no paths: files come by drop, dialog or paste

bool fetch_url(const std::string& url) {
  js_fetch_url(url.c_str());
  return true;
}

bool read_file(const std::string&, std::vector<std::uint8_t>&, std::string& error) {
  error = "the browser version cannot read paths; use Open image..., drop or paste";
  return false;
}

const std::vector<std::uint8_t>& title_font() {
  return g_font;
}

void set_title_font(const std::uint8_t* data, int size) {
  g_font.assign(data, data + size);
}

}  // namespace filterlens::platform

namespace {

filterlens::App* g_app = nullptr;
GLFWwindow* g_window = nullptr;
std::string g_error;  // what fl_last_error returns

// The canvas as the page sized it: CSS size from the stylesheet, backing store = CSS size x
// devicePixelRatio, kept so by a ResizeObserver in filterlens-page.js. Never glfwSetWindowSize:
// Emscripten's GLFW asks for fullscreen when that size equals the screen's.
filterlens::platform::FrameGeometry canvas_geometry() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  int fb_w = 0, fb_h = 0;
  emscripten_get_canvas_element_size("#canvas", &fb_w, &fb_h);
  // The page's ResizeObserver and media query keep the backing store right; this catches a
  // ratio change neither reported (Chromium's emulation, some zoom paths) on the next frame.
  const double dpr = emscripten_get_device_pixel_ratio();
  if (std::abs(fb_w - std::lround(css_w * dpr)) > 1 ||
      std::abs(fb_h - std::lround(css_h * dpr)) > 1) {
    js_fit_canvas();
    emscripten_get_canvas_element_size("#canvas", &fb_w, &fb_h);
  }
  filterlens::platform::FrameGeometry g;
  g.width = static_cast<float>(std::max(1.0, css_w));
  g.height = static_cast<float>(std::max(1.0, css_h));
  g.fb_width = std::max(1, fb_w);
  g.fb_height = std::max(1, fb_h);
  return g;
}

// The address's `#` part follows the settings of the maps on screen (address_state.h), from
// the moment the page has applied the address it was opened with (fl_apply_address), so the
// default bank shown first does not overwrite a shared link.
bool g_address_live = false;
// An address edited on the open page was refused: the settings shown are published again
// although nothing changed, so the address bar holds what is on screen, not the refused settings.
bool g_republish_address = false;
// The page was opened with an address that was refused: it stays in the address bar (the person
// can mend the link, and a reload shows the message again) while the settings shown are still
// these, written as an address; the first change of them replaces it. Empty: none.
std::string g_refused_link_kept_for;

void publish_address() {
  static std::uint64_t maps_generation = ~std::uint64_t(0);
  static filterlens::DisplaySettings display;
  const filterlens::Model& model = g_app->model();
  if (!g_address_live || model.maps().empty()) return;
  if (!g_republish_address && model.maps_generation() == maps_generation &&
      model.display().colormap == display.colormap &&
      model.display().shared_scale == display.shared_scale)
    return;
  g_republish_address = false;
  maps_generation = model.maps_generation();
  display = model.display();
  const std::string address = filterlens::encode_address_state(model);
  if (!g_refused_link_kept_for.empty()) {
    if (address == g_refused_link_kept_for) return;
    g_refused_link_kept_for.clear();
  }
  js_set_address(address.c_str());
}

// ---- Idle means idle (issue 11 point 6) ---------------------------------------------------
// The browser's frame loop runs only while there is something to draw: after an event (the page
// calls fl_wake on input, resize and every bridge call) for kSettleFrames frames, so ImGui's
// hover, focus and auto-sized windows settle, and for as long as the model animates or a mouse
// button is held. Otherwise the loop pauses itself and the canvas keeps its last frame.
constexpr int kSettleFrames = 8;
int g_wake_frames = kSettleFrames;  // the first frames after start-up
bool g_loop_paused = false;
double g_frames_drawn = 0;  // FilterLens.framesDrawn(): a counter for tests and the benchmark

bool wants_frame() {
  return g_wake_frames > 0 || g_app->model().animating() || ImGui::IsAnyMouseDown() ||
         filterlens::platform::input_pending();
}

void wake_loop() {
  g_wake_frames = kSettleFrames;
  if (g_loop_paused) {
    g_loop_paused = false;
    emscripten_resume_main_loop();
  }
}

bool g_progress_timer = false;  // a wake_after_a_while is pending

void wake_after_a_while(void*) {
  g_progress_timer = false;
  wake_loop();
}

// Finished background work is adopted as soon as the worker says so, not at the next frame (which
// SwiftShader may take tens of milliseconds to start): the page's promises answer when the maps
// exist; the frame that follows draws them.
void adopt_finished_work() {
  if (g_app->model().poll()) EM_ASM({ FilterLensPage.workAnswered(); });
}

#if defined(__EMSCRIPTEN_PTHREADS__)
void on_worker_done() {
  g_app->model().poll();
  // Always: a frame may have adopted this work already (App::frame polls too) without telling.
  EM_ASM({ FilterLensPage.workAnswered(); });
  wake_loop();
}
#endif

void main_loop() {
  // While the worker computes something short, no frame: a frame of the software renderer
  // (SwiftShader) costs tens of milliseconds of the same two cores. The worker wakes the loop when
  // it is done (finished work is adopted here first), and one timer does when the work lasts long
  // enough for a progress line (Model::kProgressAfterMs: then Model::animating() holds the loop).
  filterlens::Model& model = g_app->model();
  adopt_finished_work();
  if (model.busy() && !model.animating() && !ImGui::IsAnyMouseDown() &&
      !filterlens::platform::input_pending()) {
    g_loop_paused = true;
    emscripten_pause_main_loop();
    if (!g_progress_timer) {
      g_progress_timer = true;
      emscripten_set_timeout(wake_after_a_while, filterlens::Model::kProgressAfterMs + 10, nullptr);
    }
    return;
  }
  if (!wants_frame()) {
    g_loop_paused = true;
    emscripten_pause_main_loop();
    return;
  }
  if (g_wake_frames > 0) --g_wake_frames;
  const filterlens::platform::FrameGeometry geometry = canvas_geometry();
  filterlens::platform::set_font_pixel_ratio(geometry.fb_width / geometry.width);
  int fw = 0, fh = 0;
  filterlens::platform::draw_frame(g_window, *g_app, fw, fh, &geometry);
  if (filterlens::platform::input_applied()) g_wake_frames = kSettleFrames;  // its effects settle
  js_text_input(ImGui::GetIO().WantTextInput ? 1 : 0);
  publish_address();
  ++g_frames_drawn;
}

// Emscripten 3.1.6's GLFW passes the browser's raw wheel deltas: pixels (100 a notch in Chrome)
// or lines (3 a notch in Firefox), with the page's sign (positive = down). Native GLFW, which
// ImGui expects, gives +1 a notch upwards.
void on_scroll(GLFWwindow*, double dx, double dy) {
  auto notches = [](double d) { return -(std::fabs(d) >= 10.0 ? d / 100.0 : d / 3.0); };
  filterlens::platform::queue_scroll(notches(dx), notches(dy));
}

int result(const filterlens::Status& s) {
  g_error = s ? "" : s.error();
  return s ? 0 : 1;
}

// For a call that may compute maps: 3 when they are being computed in the background (the page
// waits for fl_ticket_state(fl_last_ticket())).
int maps_result(const filterlens::Status& s) {
  if (s && g_app->model().busy()) {
    g_error.clear();
    return 3;
  }
  return result(s);
}

// Shows and records a refusal; returns 1 for the caller to pass on.
int refuse(const std::string& message) {
  g_app->report_error(message);
  g_error = message;
  return 1;
}

// Limits of the scripting API's setFilters (the page checks them too, with the same numbers).
constexpr int kMaxFilters = 256;

// Kept free for ImGui's buffers, the GL glue's temporaries and the allocator's fragmentation: an
// allocation that fails in wasm aborts the app, so the budget stays clear of the very top.
constexpr std::int64_t kHeapReserve = std::int64_t{128} << 20;

std::int64_t heap_limit() {
  return static_cast<std::int64_t>(emscripten_get_heap_max());
}

// Bytes allocated now: the heap's size minus the allocator's free space.
std::int64_t heap_in_use() {
  const struct mallinfo info = mallinfo();
  return static_cast<std::int64_t>(emscripten_get_heap_size()) -
         static_cast<std::int64_t>(static_cast<std::uint32_t>(info.fordblks));
}

// Bytes the heap can still give beyond the reserve: what it can grow by, and half the free space
// inside it. Half: maps are blocks of tens of MB that need their room in one piece, and the small
// allocations made meanwhile split the holes that freed maps leave (counted whole, 62 maps of
// 48 MB after 50 had been freed aborted the page one run in two: the heap grew past its limit).
std::int64_t heap_free_beyond_reserve() {
  const std::int64_t size = static_cast<std::int64_t>(emscripten_get_heap_size());
  const std::int64_t free_inside = size - heap_in_use();
  return heap_limit() - size + free_inside / 2 - kHeapReserve;
}

// Bytes that new allocations can still get. The worker's recycled map buffers count as
// available: an open frees them before decoding, an edit writes into them (or frees them before
// allocating maps of other sizes).
std::int64_t heap_available() {
  filterlens::Background* worker = g_app ? g_app->model().background() : nullptr;
  const std::int64_t spare = worker ? static_cast<std::int64_t>(worker->spare_bytes()) : 0;
  return heap_free_beyond_reserve() + spare;
}

// The bytes each current map holds: the next compute reuses them (see memory_budget.h).
std::vector<std::int64_t> current_map_bytes() {
  std::vector<std::int64_t> sizes;
  for (const filterlens::Plane& m : g_app->maps())
    sizes.push_back(static_cast<std::int64_t>(m.data.size() * sizeof(float)));
  return sizes;
}

// ---- Banks from files and the RGB input: memory ----------------------------------------------

// What the RGB input adds to opening a w x h image: its three float planes, and a second set of
// maps (the C = 3 path sums each channel's maps into the first).
void add_rgb_input(filterlens::MemoryEstimate& need, int width, int height) {
  need.gray += 3 * static_cast<std::int64_t>(std::max(0, width)) * std::max(0, height) *
               static_cast<std::int64_t>(sizeof(float));
  need.maps *= 2;
}

// The maps of `bank` on the current image (RGB input when `rgb`).
filterlens::MemoryEstimate estimate_bank_maps(const std::vector<filterlens::Kernel>& bank,
                                              const filterlens::ConvParams& params, bool rgb) {
  const filterlens::Plane& gray = g_app->gray();
  filterlens::MemoryEstimate need =
      filterlens::estimate_new_maps(gray.width, gray.height, bank, params,
                                    rgb ? std::vector<std::int64_t>{} : current_map_bytes());
  if (rgb) {
    need.maps *= 2;
    if (g_app->model().rgb().r.empty())
      need.gray += 3 * static_cast<std::int64_t>(gray.width) * gray.height *
                   static_cast<std::int64_t>(sizeof(float));
  }
  return need;
}

filterlens::Status check_maps_memory(const std::vector<filterlens::Kernel>& bank,
                                     const filterlens::ConvParams& params, bool rgb) {
  const filterlens::Plane& gray = g_app->gray();
  const filterlens::Status fits = filterlens::check_memory(estimate_bank_maps(bank, params, rgb),
                                                           heap_available(), heap_limit());
  if (fits) return fits;
  return filterlens::Status::fail("on this " + std::to_string(gray.width) + " x " +
                                  std::to_string(gray.height) + " image " + fits.error());
}

bool rgb_input() {
  return g_app->model().input_mode() == filterlens::InputMode::rgb;
}

// What fl_load_bank loaded last, for the page to read.
filterlens::Model::BankLoad g_loaded;
// The inspector's reading, taken by fl_inspector_read for the page to read.
std::optional<filterlens::InspectorReading> g_reading;

// The bank being assembled by fl_bank_begin / fl_bank_add_* until fl_bank_commit.
std::vector<filterlens::Kernel> g_staged;

int stage(filterlens::Kernel kernel) {
  if (static_cast<int>(g_staged.size()) >= kMaxFilters)
    return refuse("setFilters: more than " + std::to_string(kMaxFilters) +
                  " filters; the limit is " + std::to_string(kMaxFilters));
  for (const filterlens::Kernel& k : g_staged)
    if (k.name == kernel.name) return refuse("setFilters: filter '" + k.name + "' is listed twice");
  g_staged.push_back(std::move(kernel));
  g_error.clear();
  return 0;
}

}  // namespace

extern "C" {

// Threads the maps are computed with (FilterLens.build().threads): 1 in the single-thread build,
// the shared pool's size in the pthreads build (filterlens-mt.js).
EMSCRIPTEN_KEEPALIVE int fl_threads() {
  return filterlens::shared_pool().size();
}

// Background work (Model::start_background, the pthreads build): every load and edit gets a
// ticket; the page's promises wait for theirs. 0: pending, 1: answered (the maps exist), 2:
// failed (fl_last_error says why).
EMSCRIPTEN_KEEPALIVE double fl_last_ticket() {
  return static_cast<double>(g_app->model().last_ticket());
}
EMSCRIPTEN_KEEPALIVE int fl_ticket_state(double ticket) {
  g_app->model().poll();
  std::string why;
  switch (g_app->model().ticket_state(static_cast<std::uint64_t>(ticket), &why)) {
    case filterlens::Model::TicketState::pending:
      return 0;
    case filterlens::Model::TicketState::done:
      return 1;
    case filterlens::Model::TicketState::failed:
      g_error = why;
      return 2;
  }
  return 2;
}
// Requests the worker computed to the end (superseded ones are not counted); 0 without a worker.
EMSCRIPTEN_KEEPALIVE double fl_completed() {
  filterlens::Background* b = g_app->model().background();
  return b ? static_cast<double>(b->completed()) : 0.0;
}
// What panel `panel` (0 the original, 1.. the maps) has on the GPU: out = level, x0, y0, width,
// height (App::TextureWindow).
EMSCRIPTEN_KEEPALIVE void fl_texture_window(int panel, double* out) {
  const filterlens::App::TextureWindow w = g_app->texture_window(panel);
  out[0] = w.level;
  out[1] = w.x0;
  out[2] = w.y0;
  out[3] = w.width;
  out[4] = w.height;
}
// Whether the app waits for work (what the progress line says, "" when idle).
EMSCRIPTEN_KEEPALIVE const char* fl_progress() {
  static std::string text;
  text = g_app->model().progress();
  return text.c_str();
}

// 0: loaded. 1: failed (fl_last_error says why). 2: a format or JPEG kind FilterLens does not
// decode itself (another_decoder_may_read); the page should try the browser's decoder and call
// fl_load_rgba.
EMSCRIPTEN_KEEPALIVE int fl_load_image(const std::uint8_t* data, int size, const char* name) {
  if (size < 0) size = 0;
  // What the header declares, before any pixel is decoded: refuse what would not fit (the file is
  // already in the heap, so it is not counted again). A header the probe rejects is left to
  // load_bytes, which gives the same message in its own words.
  filterlens::Result<filterlens::ImageInfo> info =
      filterlens::probe_image(data, static_cast<std::size_t>(size));
  if (info) {
    const filterlens::ImageInfo& i = info.value();
    filterlens::MemoryEstimate need = filterlens::estimate_open_image(
        0, i.width, i.height, i.channels, g_app->bank(), g_app->params(), current_map_bytes());
    if (rgb_input()) add_rgb_input(need, i.width, i.height);
    const filterlens::Status fits = filterlens::check_memory(need, heap_available(), heap_limit());
    if (!fits)
      return refuse("Could not open " + std::string(name) + ": this " + std::to_string(i.width) +
                    " x " + std::to_string(i.height) + " image with " +
                    std::to_string(g_app->bank().size()) + " filters " + fits.error());
  }
  // In the background (pthreads build) the decoder runs later: a file of a format or a JPEG kind
  // the core does not read (WebP, AVIF, an arithmetic-coded JPEG, ...; TGA has no signature but
  // its header probes) goes to the browser's decoder now, with the probe's message (the page shows
  // it when the browser cannot read the file either).
  const bool browser_may_read =
      size > 0 && filterlens::another_decoder_may_read(data, static_cast<std::size_t>(size));
  if (g_app->model().background() && !info && browser_may_read) {
    refuse("Could not open " + std::string(name) + ": " + info.error());  // shown, as a failed
    return 2;  // decode shows it; the browser's success replaces it
  }
  filterlens::Status s = g_app->load_bytes(data, static_cast<std::size_t>(size), name);
  if (!s && browser_may_read) {
    g_error = s.error();
    return 2;
  }
  return maps_result(s);
}

// `browser_decoded`: the pixels are the browser's decoding of the file `name`, which the name
// shown says (kBrowserDecodedNote; export names leave it out).
EMSCRIPTEN_KEEPALIVE int fl_load_rgba(int width, int height, const std::uint8_t* rgba,
                                      const char* name, int browser_decoded) {
  return maps_result(g_app->load_rgba(
      width, height, rgba,
      std::string(name) + (browser_decoded ? filterlens::kBrowserDecodedNote : "")));
}

// Before the page copies `bytes` of a file (width == 0) or a decoded RGBA image into the heap:
// 0 when it fits, 1 with the message shown and in fl_last_error.
EMSCRIPTEN_KEEPALIVE int fl_check_memory(int width, int height, int channels, double bytes,
                                         const char* name) {
  filterlens::MemoryEstimate need =
      filterlens::estimate_open_image(static_cast<std::int64_t>(bytes), width, height, channels,
                                      g_app->bank(), g_app->params(), current_map_bytes());
  if (rgb_input() && width > 0) add_rgb_input(need, width, height);
  const filterlens::Status fits = filterlens::check_memory(need, heap_available(), heap_limit());
  if (fits) {
    g_error.clear();
    return 0;
  }
  const std::string what =
      width > 0 ? "this " + std::to_string(width) + " x " + std::to_string(height) + " image "
                : "this file ";
  return refuse("Could not open " + std::string(name) + ": " + what + fits.error());
}

// setFilters, in three steps so that no value is ever parsed out of text: begin, one add per
// filter (each checked: the name, the kernel's size and weights, no duplicates, at most
// kMaxFilters), then commit with the parameters, which replaces the app's bank only if all is
// valid and the new maps fit in memory. Any failure leaves the app as it was.
EMSCRIPTEN_KEEPALIVE void fl_bank_begin() {
  g_staged.clear();
}

EMSCRIPTEN_KEEPALIVE int fl_bank_add_preset(const char* name) {
  const std::string n = name;
  const std::string bad = filterlens::filter_name_problem(n);
  if (!bad.empty()) return refuse("setFilters: a filter name " + bad);
  filterlens::Result<filterlens::Kernel> k = filterlens::find_preset(n);
  if (!k) {
    // A filter loaded from a file (loadBank, a drop) is named like a preset.
    if (const filterlens::Kernel* loaded = g_app->model().file_filter(n)) return stage(*loaded);
    return refuse("setFilters: " + k.error() + " (or a filter loaded from a file with loadBank)");
  }
  return stage(std::move(k).value());
}

EMSCRIPTEN_KEEPALIVE int fl_bank_add_kernel(const char* name, int width, int height,
                                            const float* weights) {
  const std::string n = name;
  const std::string bad = filterlens::filter_name_problem(n);
  if (!bad.empty()) return refuse("setFilters: a filter name " + bad);
  if (width < 1 || height < 1 || width > filterlens::kMaxKernelSize ||
      height > filterlens::kMaxKernelSize)
    return refuse("setFilters: kernel '" + n + "' is " + std::to_string(height) + " x " +
                  std::to_string(width) + "; kernels are 1 to " +
                  std::to_string(filterlens::kMaxKernelSize) + " a side");
  filterlens::Kernel kernel;
  kernel.name = n;
  kernel.description = "custom kernel";  // as parse_kernel names it
  kernel.width = width;
  kernel.height = height;
  kernel.weights.assign(weights, weights + static_cast<std::size_t>(width) * height);
  filterlens::Result<filterlens::Kernel> k = filterlens::validate_kernel(std::move(kernel));
  if (!k) return refuse("setFilters: kernel '" + n + "': " + k.error());
  return stage(std::move(k).value());
}

EMSCRIPTEN_KEEPALIVE int fl_bank_commit(int padding, const char* padding_mode, int stride,
                                        int dilation, int flip, const char* input) {
  std::vector<filterlens::Kernel> bank;
  bank.swap(g_staged);
  if (bank.empty()) return refuse("setFilters: the filter bank is empty: add at least one filter");
  auto in_range = [](int v, int lo) { return v >= lo && v <= filterlens::kMaxConvParam; };
  if (!in_range(padding, 0) || !in_range(stride, 1) || !in_range(dilation, 1) || flip < 0 ||
      flip > 1)
    return refuse("setFilters: padding must be 0 to 1000, stride and dilation 1 to 1000");
  filterlens::Result<filterlens::PaddingMode> mode = filterlens::parse_padding_mode(padding_mode);
  if (!mode) return refuse("setFilters: " + mode.error());
  filterlens::ConvParams params;
  params.padding = padding;
  params.padding_mode = mode.value();
  params.stride = stride;
  params.dilation = dilation;
  params.flip = flip == 1;
  // The input: as given, or (left out) the one the filters are made for.
  const std::string in = input;
  filterlens::InputMode input_mode = filterlens::InputMode::gray;
  if (in == "rgb" || (in.empty() && std::any_of(bank.begin(), bank.end(),
                                                [](const auto& k) { return k.channels == 3; })))
    input_mode = filterlens::InputMode::rgb;
  else if (!in.empty() && in != "gray")
    return refuse("setFilters: input must be 'gray' or 'rgb'");
  const filterlens::Plane& gray = g_app->gray();
  const filterlens::Status fits = filterlens::check_memory(
      estimate_bank_maps(bank, params, input_mode == filterlens::InputMode::rgb), heap_available(),
      heap_limit());
  if (!fits)
    return refuse("setFilters: " + std::to_string(bank.size()) + " filters on this " +
                  std::to_string(gray.width) + " x " + std::to_string(gray.height) + " image " +
                  fits.error());
  return maps_result(g_app->model().set_bank(std::move(bank), params, input_mode));
}

// ---- Banks from files, the RGB input and the inspector's reading (issue 12) ------------------

// A filter with C channels ([C][kh][kw] weights) for setFilters.
EMSCRIPTEN_KEEPALIVE int fl_bank_add_kernel_c(const char* name, int width, int height, int channels,
                                              const float* weights) {
  const std::string n = name;
  const std::string bad = filterlens::filter_name_problem(n);
  if (!bad.empty()) return refuse("setFilters: a filter name " + bad);
  if (width < 1 || height < 1 || width > filterlens::kMaxKernelSize ||
      height > filterlens::kMaxKernelSize || (channels != 1 && channels != 3))
    return refuse("setFilters: kernel '" + n + "' is " + std::to_string(channels) + " x " +
                  std::to_string(height) + " x " + std::to_string(width) +
                  "; kernels have 1 or 3 channels and are 1 to " +
                  std::to_string(filterlens::kMaxKernelSize) + " a side");
  filterlens::Kernel kernel;
  kernel.name = n;
  kernel.description = "custom kernel";
  kernel.width = width;
  kernel.height = height;
  kernel.channels = channels;
  kernel.weights.assign(weights, weights + static_cast<std::size_t>(channels) * width * height);
  filterlens::Result<filterlens::Kernel> k = filterlens::validate_kernel(std::move(kernel));
  if (!k) return refuse("setFilters: kernel '" + n + "': " + k.error());
  return stage(std::move(k).value());
}

// Any file the page was given (drop, dialog): a .npy / .safetensors file loads its filters (the
// app's chooser opens when it holds several 4-D tensors), anything else goes to fl_load_image
// (same return codes).
EMSCRIPTEN_KEEPALIVE int fl_open_file(const std::uint8_t* data, int size, const char* name) {
  if (size < 0) size = 0;
  if (filterlens::is_tensor_file(data, static_cast<std::size_t>(size), name))
    return maps_result(g_app->open_bank_file(data, static_cast<std::size_t>(size), name));
  return fl_load_image(data, size, name);
}

// loadBank: the filters of `tensor` ("" = the only 4-D one); 0 and fl_loaded_* say what was
// loaded, or 1 and fl_last_error says why (nothing changed).
EMSCRIPTEN_KEEPALIVE int fl_load_bank(const std::uint8_t* data, int size, const char* name,
                                      const char* tensor) {
  if (size < 0) size = 0;
  filterlens::Result<filterlens::Model::BankLoad> r =
      g_app->load_bank(data, static_cast<std::size_t>(size), name, tensor);
  if (!r) {
    g_error = r.error();
    return 1;
  }
  g_loaded = std::move(r).value();
  g_error.clear();
  return 0;
}
EMSCRIPTEN_KEEPALIVE int fl_loaded_count() {
  return static_cast<int>(g_loaded.names.size());
}
EMSCRIPTEN_KEEPALIVE const char* fl_loaded_name(int i) {
  return g_loaded.names[static_cast<std::size_t>(i)].c_str();
}
EMSCRIPTEN_KEEPALIVE int fl_loaded_rank() {
  return static_cast<int>(g_loaded.shape.size());
}
EMSCRIPTEN_KEEPALIVE double fl_loaded_dim(int i) {
  return static_cast<double>(g_loaded.shape[static_cast<std::size_t>(i)]);
}

// 0: gray, 1: RGB.
EMSCRIPTEN_KEEPALIVE int fl_input_mode() {
  return rgb_input() ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE int fl_map_channels(int i) {
  return g_app->map_kernels()[static_cast<std::size_t>(i)].channels;
}

// The inspector's reading of the focused output pixel: fl_inspector_read takes it (1 when there
// is one), the others read it. Integers: 0 filter, 1 x, 2 y, 3 ix0, 4 iy0, 5 channels,
// 6 kernel width, 7 kernel height. Values: 0 sum, 1 what the map holds, 2-4 R, G, B sums.
// Floats ([c][ky][kx]): 0 window, 1 kernel as applied, 2 products.
EMSCRIPTEN_KEEPALIVE int fl_inspector_read() {
  g_reading = g_app->model().read_focus();
  return g_reading ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE int fl_inspector_int(int which) {
  const filterlens::InspectorReading& r = *g_reading;
  const int values[] = {r.focus.filter, r.focus.x,  r.focus.y,      r.ix0,
                        r.iy0,          r.channels, r.kernel.width, r.kernel.height};
  return which >= 0 && which < 8 ? values[which] : 0;
}
EMSCRIPTEN_KEEPALIVE double fl_inspector_value(int which) {
  const filterlens::InspectorReading& r = *g_reading;
  const double values[] = {r.sum, r.map_value, r.channel_sums[0], r.channel_sums[1],
                           r.channel_sums[2]};
  return which >= 0 && which < 5 ? values[which] : 0.0;
}
EMSCRIPTEN_KEEPALIVE const float* fl_inspector_floats(int which) {
  const filterlens::InspectorReading& r = *g_reading;
  return which == 0 ? r.window.data() : which == 1 ? r.kernel.weights.data() : r.products.data();
}
EMSCRIPTEN_KEEPALIVE const char* fl_inspector_name() {
  return g_reading->filter_name.c_str();
}

EMSCRIPTEN_KEEPALIVE int fl_max_filters() {
  return kMaxFilters;
}
EMSCRIPTEN_KEEPALIVE int fl_max_kernel_size() {
  return filterlens::kMaxKernelSize;
}

// The wasm heap: its size now, the bytes allocated in it, and what new documents can still use
// (for tests/e2e/heap_after_loads.mjs).
EMSCRIPTEN_KEEPALIVE double fl_heap_size() {
  return static_cast<double>(emscripten_get_heap_size());
}
EMSCRIPTEN_KEEPALIVE double fl_heap_in_use() {
  return static_cast<double>(heap_in_use());
}
EMSCRIPTEN_KEEPALIVE double fl_heap_available() {
  return static_cast<double>(heap_available());
}

EMSCRIPTEN_KEEPALIVE void fl_report_error(const char* message) {
  g_app->report_error(message);
  g_error = message;
}

EMSCRIPTEN_KEEPALIVE const char* fl_last_error() {
  return g_error.empty() ? g_app->last_error().c_str() : g_error.c_str();
}

EMSCRIPTEN_KEEPALIVE int fl_load_weights(const std::uint8_t* data, int size, const char* name) {
  return result(g_app->load_learned_weights(data, static_cast<std::size_t>(size), name));
}

// The progress line of a download the tabs wait for (which 0: the network, 1: the training
// data); "" when it is done.
EMSCRIPTEN_KEEPALIVE void fl_set_download_note(int which, const char* note) {
  filterlens::LearnedFilters& learned = g_app->model().learned();
  if (which == 0)
    learned.set_network_download(note);
  else
    learned.set_data_download(note);
}

// The four Fashion-MNIST IDX files (gzip'd) for training in the page.
EMSCRIPTEN_KEEPALIVE int fl_set_training_data(
    const std::uint8_t* train_images, int train_images_size, const std::uint8_t* train_labels,
    int train_labels_size, const std::uint8_t* test_images, int test_images_size,
    const std::uint8_t* test_labels, int test_labels_size) {
  auto bytes = [](const std::uint8_t* p, int n) { return std::vector<std::uint8_t>(p, p + n); };
  return result(g_app->set_training_data(
      bytes(train_images, train_images_size), bytes(train_labels, train_labels_size),
      bytes(test_images, test_images_size), bytes(test_labels, test_labels_size)));
}

EMSCRIPTEN_KEEPALIVE int fl_train(int epochs, int seed) {
  return result(g_app->start_training(epochs, static_cast<std::uint32_t>(seed)));
}

// 0 idle, 1 training, 2 finished; fl_test_accuracy after 2.
EMSCRIPTEN_KEEPALIVE int fl_training_state() {
  return g_app->training() ? 1 : g_app->has_trained() ? 2 : 0;
}
EMSCRIPTEN_KEEPALIVE double fl_test_accuracy() {
  return g_app->last_test_accuracy();
}

// The first-layer filters (of the network being trained, else the loaded one).
EMSCRIPTEN_KEEPALIVE int fl_learned_count() {
  return static_cast<int>(g_app->learned_filters().size());
}
// Copies filter i's 25 weights into out and returns the best-matching preset's name; its cosine
// goes to *cosine.
EMSCRIPTEN_KEEPALIVE const char* fl_learned_filter(int i, float* out, double* cosine) {
  static std::string name;
  const std::vector<filterlens::Kernel> filters = g_app->learned_filters();
  const filterlens::Kernel& k = filters[static_cast<std::size_t>(i)];
  std::copy(k.weights.begin(), k.weights.end(), out);
  const filterlens::cnn::PresetMatch m = filterlens::cnn::most_similar_preset(k);
  *cosine = m.cosine;
  name = m.preset;
  return name.c_str();
}

// After an address was refused: the one the page was opened with stays (g_refused_link_kept_for)
// while the settings shown are unchanged; one edited on the open page is replaced by the settings
// shown at once.
void keep_or_replace_refused_address(bool opened_with) {
  if (opened_with) {
    g_refused_link_kept_for = filterlens::encode_address_state(g_app->model());
  } else {
    g_refused_link_kept_for.clear();  // the link the page was opened with is gone from the bar
    g_republish_address = true;
  }
}

// Applies the settings of an address's `#` part (empty: none) and from then on keeps the address
// up to date. A bad address is reported and changes nothing (returns 1; fl_last_error says why).
EMSCRIPTEN_KEEPALIVE int fl_apply_address(const char* address) {
  // A refused address the page was opened with stays in the address bar (the person can mend the
  // link); one edited on the open page is replaced by the settings shown.
  const bool opened_with = !g_address_live;
  g_address_live = true;
  if (!address || !*address || (address[0] == '#' && !address[1]))
    return result(filterlens::Status::ok());
  // The address's bank is held to the memory budget as setFilters's is (the model, which applies
  // it, knows no budget): a link cannot ask for maps that do not fit, which would abort the app.
  const filterlens::Result<filterlens::AddressState> parsed =
      filterlens::parse_address_state(address);
  if (parsed && !parsed.value().bank.empty()) {
    const filterlens::AddressState& state = parsed.value();
    const filterlens::Plane& gray = g_app->gray();
    const filterlens::Status fits = filterlens::check_memory(
        estimate_bank_maps(state.bank, state.params, state.input == filterlens::InputMode::rgb),
        heap_available(), heap_limit());
    if (!fits) {
      keep_or_replace_refused_address(opened_with);
      return refuse("The address's settings were not used: " + std::to_string(state.bank.size()) +
                    " filters on this " + std::to_string(gray.width) + " x " +
                    std::to_string(gray.height) + " image " + fits.error());
    }
  }
  const filterlens::Status s = filterlens::apply_address_state(g_app->model(), address);
  if (!s) {
    keep_or_replace_refused_address(opened_with);
    return refuse(s.error());
  }
  return result(s);
}

EMSCRIPTEN_KEEPALIVE void fl_set_title_font(const std::uint8_t* data, int size) {
  filterlens::platform::set_title_font(data, size);
}

EMSCRIPTEN_KEEPALIVE int fl_map_count() {
  return static_cast<int>(g_app->maps().size());
}
EMSCRIPTEN_KEEPALIVE const char* fl_map_name(int i) {
  return g_app->map_kernels()[static_cast<std::size_t>(i)].name.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* fl_map_description(int i) {
  return g_app->map_kernels()[static_cast<std::size_t>(i)].description.c_str();
}
EMSCRIPTEN_KEEPALIVE int fl_map_width(int i) {
  return g_app->maps()[static_cast<std::size_t>(i)].width;
}
EMSCRIPTEN_KEEPALIVE int fl_map_height(int i) {
  return g_app->maps()[static_cast<std::size_t>(i)].height;
}
EMSCRIPTEN_KEEPALIVE const float* fl_map_data(int i) {
  return g_app->maps()[static_cast<std::size_t>(i)].data.data();
}
// Named rectangles of the last frame: which == 0 for the image panels, 1 for the controls.
static const std::vector<filterlens::App::NamedRect>& named_rects(int which) {
  return which == 0 ? g_app->panel_rects() : g_app->control_rects();
}
EMSCRIPTEN_KEEPALIVE int fl_rect_count(int which) {
  return static_cast<int>(named_rects(which).size());
}
EMSCRIPTEN_KEEPALIVE const char* fl_rect_name(int which, int i) {
  return named_rects(which)[static_cast<std::size_t>(i)].name.c_str();
}
// x, y, width, height in canvas pixels, into out[0..3].
EMSCRIPTEN_KEEPALIVE void fl_rect(int which, int i, float* out) {
  const filterlens::App::NamedRect& r = named_rects(which)[static_cast<std::size_t>(i)];
  out[0] = r.x;
  out[1] = r.y;
  out[2] = r.width;
  out[3] = r.height;
}
// zoom, centre x, centre y, hovering (0/1), filter, x, y into out[0..6].
EMSCRIPTEN_KEEPALIVE void fl_view_state(float* out) {
  const filterlens::App::ViewState v = g_app->view_state();
  const float values[] = {v.zoom,
                          v.center_x,
                          v.center_y,
                          v.hovering ? 1.0f : 0.0f,
                          static_cast<float>(v.filter),
                          static_cast<float>(v.x),
                          static_cast<float>(v.y)};
  std::copy(std::begin(values), std::end(values), out);
}
// The guide (issue 10 point 9). The page opens it on a first visit (fl_guide_open(0)) once the
// default image is in; steps are 0-based here, 1-based in the page's API.
EMSCRIPTEN_KEEPALIVE void fl_guide_open(int step) {
  g_app->open_guide(step);
}
EMSCRIPTEN_KEEPALIVE void fl_guide_close() {
  g_app->close_guide();
}
EMSCRIPTEN_KEEPALIVE int fl_guide_open_now() {
  return g_app->guide().is_open() ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE int fl_guide_step() {
  return g_app->guide().step();
}
EMSCRIPTEN_KEEPALIVE int fl_guide_steps() {
  return filterlens::Guide::kSteps;
}
EMSCRIPTEN_KEEPALIVE const char* fl_guide_title() {
  return g_app->guide().current().title;
}
// What the guide outlined in the last frame: its name (empty: nothing), x, y, width, height
// into out[0..3].
EMSCRIPTEN_KEEPALIVE const char* fl_guide_highlight(float* out) {
  const filterlens::App::NamedRect& r = g_app->guide_highlight();
  out[0] = r.x;
  out[1] = r.y;
  out[2] = r.width;
  out[3] = r.height;
  return r.name.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* fl_bottom_tab() {
  return g_app->bottom_tab().c_str();
}
// The sliding window: active, playing, filter, step, total into out[0..4].
EMSCRIPTEN_KEEPALIVE void fl_animation_state(float* out) {
  const filterlens::AnimationState& a = g_app->model().animation();
  out[0] = a.active ? 1.0f : 0.0f;
  out[1] = a.playing ? 1.0f : 0.0f;
  out[2] = static_cast<float>(a.filter);
  out[3] = static_cast<float>(a.step);
  out[4] = static_cast<float>(a.total());
}
// The bank entry the kernel editor shows.
EMSCRIPTEN_KEEPALIVE const char* fl_selected_name() {
  const filterlens::Model& m = g_app->model();
  const int i = m.selected();
  return i >= 0 && i < static_cast<int>(m.bank().size())
             ? m.bank()[static_cast<std::size_t>(i)].name.c_str()
             : "";
}
EMSCRIPTEN_KEEPALIVE int fl_gray_width() {
  return g_app->gray().width;
}
EMSCRIPTEN_KEEPALIVE int fl_gray_height() {
  return g_app->gray().height;
}
EMSCRIPTEN_KEEPALIVE const float* fl_gray_data() {
  return g_app->gray().data.data();
}

}  // extern "C"

// ---- Idle means idle: the page's side (see wake_loop) ----------------------------------------
extern "C" {
EMSCRIPTEN_KEEPALIVE void fl_wake() {
  wake_loop();
}
EMSCRIPTEN_KEEPALIVE double fl_frames_drawn() {
  return g_frames_drawn;
}
}  // extern "C"

// ---- learnKernel (issue 12 point 5): a whole learning run for the page ----------------------
// One run from start to end on the current gray image with the parameters the maps were
// computed with (model KernelLearning::learn); the app's own state (image, bank, maps, the
// learning panel's run) is not touched. The result stays here for the fl_learn_* readers until
// the next call. The page checks the arguments first; these checks repeat the core's.
namespace {
std::unique_ptr<filterlens::KernelLearner> g_learn_result;
}  // namespace

extern "C" {

// 0: learned (read with fl_learn_*); 1: refused (fl_last_error says why). size 0: the target's
// own size (3 for the hidden kernel). seed is 0..2^32-1.
EMSCRIPTEN_KEEPALIVE int fl_learn_kernel(const char* target, int size, int steps, double lr,
                                         double seed) {
  g_learn_result.reset();
  if (!(seed >= 0 && seed <= 4294967295.0) || std::floor(seed) != seed)
    return refuse("learnKernel: seed must be an integer from 0 to 4294967295");
  if (!g_app->model().has_image()) return refuse("learnKernel: there is no image to learn on");
  filterlens::LearningSetup setup;
  setup.target = target;
  setup.settings.size = size;
  if (size == 0) {
    setup.settings.size = 3;
    filterlens::Result<filterlens::Kernel> k = filterlens::KernelLearning::target_kernel(setup);
    if (k) setup.settings.size = std::max(3, k.value().width);
  }
  setup.settings.steps = steps;
  setup.settings.lr = lr;
  setup.settings.seed = static_cast<std::uint32_t>(seed);
  auto run = filterlens::KernelLearning::learn(g_app->gray(), g_app->model().map_params(), setup);
  if (!run) return refuse("learnKernel: " + run.error());
  g_learn_result = std::move(run).value();
  g_error.clear();
  return 0;
}
EMSCRIPTEN_KEEPALIVE int fl_learn_size() {
  return g_learn_result ? g_learn_result->settings().size : 0;
}
EMSCRIPTEN_KEEPALIVE const float* fl_learn_weights() {
  return g_learn_result->kernel().weights.data();
}
EMSCRIPTEN_KEEPALIVE const float* fl_learn_target_weights() {
  return g_learn_result->target().weights.data();
}
EMSCRIPTEN_KEEPALIVE int fl_learn_loss_count() {
  return static_cast<int>(g_learn_result->losses().size());
}
EMSCRIPTEN_KEEPALIVE const double* fl_learn_losses() {
  return g_learn_result->losses().data();
}
EMSCRIPTEN_KEEPALIVE double fl_learn_cosine() {
  return g_learn_result->cosine();
}
EMSCRIPTEN_KEEPALIVE void fl_learn_free() {
  g_learn_result.reset();
}

// ---- Text, paste and touch from the page (web/filterlens-input.js) ----
// Typed text (UTF-8) the browser delivered as input or composition events.
EMSCRIPTEN_KEEPALIVE void fl_input_text(const char* utf8) {
  filterlens::platform::input_text(utf8);
}
// Text from a paste event while a text field has the keyboard.
EMSCRIPTEN_KEEPALIVE void fl_paste_text(const char* utf8) {
  filterlens::platform::paste_text(utf8);
}
// A touch on the controls as the left button (x, y in canvas pixels, GLFW's cursor units):
// action 1 press, 0 release, -1 move.
EMSCRIPTEN_KEEPALIVE void fl_pointer(double x, double y, int action) {
  filterlens::platform::queue_pointer(x, y, action);
  wake_loop();
}
// The wheel of the next frame zooms: a touchpad's pinch (a wheel event with ctrlKey, which
// Emscripten's GLFW drops, and no Control key).
EMSCRIPTEN_KEEPALIVE void fl_zoom_wheel() {
  g_app->zoom_next_wheel();
}
// The panel under (x, y) (CSS pixels in the canvas), or -1.
EMSCRIPTEN_KEEPALIVE int fl_panel_at(float x, float y) {
  return g_app->panel_at(x, y);
}
// Every finger down after a touch event: count x (id, x, y), CSS pixels in the canvas.
EMSCRIPTEN_KEEPALIVE void fl_touch(int count, const float* fingers) {
  std::vector<filterlens::TouchFinger> list;
  for (int i = 0; i < std::clamp(count, 0, 10); ++i)
    list.push_back({static_cast<int>(fingers[3 * i]), fingers[3 * i + 1], fingers[3 * i + 2]});
  g_app->touch(list);
}
// The message line as shown: which 0 = the error, 1 = the status ("" when none).
EMSCRIPTEN_KEEPALIVE const char* fl_message(int which) {
  return which == 0 ? g_app->model().last_error().c_str() : g_app->model().status().c_str();
}
// The UI font: size (CSS px), the character drawn for missing glyphs, glyph count -> out[0..2].
EMSCRIPTEN_KEEPALIVE void fl_font_info(double* out) {
  const filterlens::platform::FontInfo info = filterlens::platform::font_info();
  out[0] = info.size;
  out[1] = info.fallback_char;
  out[2] = info.glyphs;
}

}  // extern "C"

// ---- The live camera (issue 11 point 7) -------------------------------------------------------
// web/filterlens-camera.js owns the getUserMedia stream and the <video>; each new video frame it
// draws to a canvas and copies as RGBA into g_camera_rgba (fl_camera_buffer), then fl_camera_frame
// computes its maps synchronously (Model::replace_frame, over the shared pool) and wakes the frame
// loop to draw them. The page drops frames that arrive while one is computed; it never queues.
// Stopping keeps the frame shown as a still image named after the time ("camera frame 12:01:33").
// (No arrow functions here: EM_JS bodies pass through the C preprocessor, which splits "=>".)
EM_JS(void, js_camera_start, (), { FilterLensPage.startCamera(); });
EM_JS(void, js_camera_stop, (), {
  if (window.FilterLensCamera) FilterLensCamera.stop();
});

namespace {

enum class CameraState { off, starting, running };
CameraState g_camera_state = CameraState::off;
std::vector<std::uint8_t> g_camera_rgba;  // the frame the page copies in
int g_camera_width = 0, g_camera_height = 0;
double g_camera_frames = 0;  // frames computed since the camera started
double g_camera_fps = 0;     // frames drawn per second, as the page last counted them
// The model's image_generation() after this camera's last frame: when it moved on without us,
// another image was opened and the camera makes way for it.
std::uint64_t g_camera_image = 0;
// Compute times (ms) of the recent frames, around Model::replace_frame; a ring.
constexpr std::size_t kCameraTimes = 31;
std::vector<double> g_camera_times;
std::size_t g_camera_next_time = 0;

const char* const kCameraName = "camera";

double camera_compute_ms() {
  if (g_camera_times.empty()) return 0.0;
  std::vector<double> t = g_camera_times;
  std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
  return t[t.size() / 2];
}

filterlens::PlatformServices::CameraStatus camera_status() {
  filterlens::PlatformServices::CameraStatus s;
  s.starting = g_camera_state == CameraState::starting;
  s.running = g_camera_state == CameraState::running;
  s.fps = g_camera_fps;
  s.compute_ms = camera_compute_ms();
  s.frames = static_cast<std::int64_t>(g_camera_frames);
  s.width = g_camera_width;
  s.height = g_camera_height;
  return s;
}

}  // namespace

extern "C" {

// The page asked for the camera (getUserMedia pending: 1) or gave up (0).
EMSCRIPTEN_KEEPALIVE void fl_camera_starting(int starting) {
  g_camera_state = starting ? CameraState::starting : CameraState::off;
}

// The stream is live: the counts start again.
EMSCRIPTEN_KEEPALIVE void fl_camera_started() {
  g_camera_state = CameraState::running;
  g_camera_frames = 0;
  g_camera_fps = 0;
  g_camera_times.clear();
  g_camera_next_time = 0;
  g_camera_width = g_camera_height = 0;
  g_camera_image = g_app->model().image_generation();
}

// Where the page writes a width x height RGBA frame; 0 (null) when it would not fit in memory
// (fl_last_error says so, and the app shows it). Checked only when the size changes.
EMSCRIPTEN_KEEPALIVE std::uint8_t* fl_camera_buffer(int width, int height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    refuse("The camera gave a " + std::to_string(width) + " x " + std::to_string(height) +
           " frame; ask it for a size from 1 to 16384 a side");
    return nullptr;
  }
  const std::size_t bytes = static_cast<std::size_t>(width) * height * 4;
  if (bytes != g_camera_rgba.size()) {
    filterlens::MemoryEstimate need =
        filterlens::estimate_open_image(static_cast<std::int64_t>(bytes), width, height, 4,
                                        g_app->bank(), g_app->params(), current_map_bytes());
    if (rgb_input()) add_rgb_input(need, width, height);
    const filterlens::Status fits = filterlens::check_memory(need, heap_available(), heap_limit());
    if (!fits) {
      refuse("The camera's " + std::to_string(width) + " x " + std::to_string(height) +
             " frames with " + std::to_string(g_app->bank().size()) + " filters " + fits.error() +
             ", or ask the camera for a smaller size");
      return nullptr;
    }
    g_camera_rgba.assign(bytes, 0);
  }
  return g_camera_rgba.data();
}

// The frame in fl_camera_buffer's memory -> maps. `fps`: frames drawn per second as the page
// counts them (for the app's camera line). 0: computed; 1: refused (fl_last_error says why, the
// image shown stays); 3: another image was opened since the last frame, the camera should stop.
EMSCRIPTEN_KEEPALIVE int fl_camera_frame(int width, int height, double fps) {
  if (g_camera_state != CameraState::running) return refuse("The camera is not running");
  // Since the camera started (or its last frame): an image opened meanwhile stays.
  if (g_app->model().image_generation() != g_camera_image || g_app->model().opening()) return 3;
  if (static_cast<std::size_t>(width) * static_cast<std::size_t>(std::max(0, height)) * 4 !=
          g_camera_rgba.size() ||
      width <= 0)
    return refuse("The camera frame is not the size its buffer was made for");
  g_camera_fps = fps;
  const double t0 = emscripten_get_now();
  const filterlens::Status s =
      g_app->model().replace_frame(width, height, g_camera_rgba.data(), kCameraName);
  const double ms = emscripten_get_now() - t0;
  wake_loop();
  if (!s) return result(s);
  if (g_camera_times.size() < kCameraTimes)
    g_camera_times.push_back(ms);
  else
    g_camera_times[g_camera_next_time] = ms;
  g_camera_next_time = (g_camera_next_time + 1) % kCameraTimes;
  g_camera_image = g_app->model().image_generation();
  g_camera_width = width;
  g_camera_height = height;
  ++g_camera_frames;
  return result(s);
}

// The page stopped the stream. With `keep`, the frame shown (if the camera's) becomes a still
// image named after the time; its buffer is let go either way.
EMSCRIPTEN_KEEPALIVE void fl_camera_stopped(int keep) {
  g_camera_state = CameraState::off;
  std::vector<std::uint8_t>().swap(g_camera_rgba);
  filterlens::Model& model = g_app->model();
  if (keep && g_camera_frames > 0 && model.image_generation() == g_camera_image &&
      !model.opening()) {
    char when[32] = "";
    const std::time_t now = std::time(nullptr);
    if (const std::tm* local = std::localtime(&now))
      std::strftime(when, sizeof when, "%H:%M:%S", local);
    const filterlens::Image& shown = model.source();
    const filterlens::Status s = model.replace_frame(shown.width, shown.height, shown.pixels.data(),
                                                     std::string("camera frame ") + when);
    if (s) model.set_status("Kept the camera frame as an image: camera frame " + std::string(when));
  }
  model.release_camera_spare();
  wake_loop();
}

// cameraStats(): median compute ms of the recent frames, frames computed, the frame size.
EMSCRIPTEN_KEEPALIVE double fl_camera_compute_ms() {
  return camera_compute_ms();
}
EMSCRIPTEN_KEEPALIVE double fl_camera_frames() {
  return g_camera_frames;
}
EMSCRIPTEN_KEEPALIVE int fl_camera_width() {
  return g_camera_width;
}
EMSCRIPTEN_KEEPALIVE int fl_camera_height() {
  return g_camera_height;
}

}  // extern "C"

int main() {
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  g_window = glfwCreateWindow(1280, 800, "FilterLens", nullptr, nullptr);
  if (!g_window) return 1;
  glfwMakeContextCurrent(g_window);
  filterlens::platform::create_imgui_context(
      static_cast<float>(emscripten_get_device_pixel_ratio()));
  ImGui_ImplGlfw_InitForOpenGL(g_window, true);
  glfwSetScrollCallback(g_window, on_scroll);  // replaces ImGui's: into draw_frame's queue
  std::string ui_error;
  if (!filterlens::platform::init_ui_renderer("#version 300 es", ui_error))
    std::fprintf(stderr, "filterlens: %s\n", ui_error.c_str());  // the browser's console
  // ImGui's copy goes to the browser's clipboard (Emscripten's GLFW keeps it to itself); its
  // paste reads what the page's paste event delivered (fl_paste_text).
  ImGui::GetIO().SetClipboardTextFn = [](void*, const char* text) { js_copy_text(text); };

  filterlens::PlatformServices services = filterlens::platform::services();
  services.check_maps_memory = check_maps_memory;  // the wasm heap is a fixed budget
  // The settings shown, from the model: the address bar may still hold a refused address.
  services.share_address = [] {
    js_share_address(filterlens::encode_address_state(g_app->model()).c_str());
  };
  services.remember_guide_seen = [] { js_remember_guide_seen(); };
  services.begin_batch = filterlens::platform::begin_batch;
  services.end_batch = filterlens::platform::end_batch;
  services.start_camera = [] { js_camera_start(); };
  services.stop_camera = [] { js_camera_stop(); };
  services.camera_status = camera_status;
  static filterlens::App app(std::move(services));
  g_app = &app;
  // The pthreads build decodes and computes on a worker thread: the page keeps drawing while a
  // large photo loads (the loop runs while the model is busy: Model::animating).
#if defined(__EMSCRIPTEN_PTHREADS__)
  // The worker writes buffers before they are needed, because fresh memory's first write costs
  // (a page fault per 4 KB): while a photo decodes, its gray plane, levels and maps on the pool's
  // other threads (a 12 MP open went from 2.1-2.7 s to 1.4-1.6 s; Background::decode_preparing);
  // after an open, the first edit's (it waited 0.96 s at 12 MP; Background::recycle): this heap
  // never shrinks, so the first edit would grow it as much. Each buffer only while the heap keeps
  // its reserve after it (the spare is not counted as free here: it is what is being made).
  const auto room_for = [](std::size_t bytes) {
    return heap_free_beyond_reserve() >= static_cast<std::int64_t>(bytes);
  };
  app.model().start_background(
      [] {  // on the worker: the main thread wakes its loop
        emscripten_async_run_in_main_runtime_thread(EM_FUNC_SIG_V, on_worker_done);
      },
      room_for);
#endif
  filterlens::Status gfx = app.init_graphics("#version 300 es");
  if (!gfx) app.report_error(gfx.error());
  if (!ui_error.empty()) app.report_error(ui_error);  // for lastError(); nothing can draw it
  EM_ASM({ FilterLensPage.runtimeReady(); });
  emscripten_set_main_loop(main_loop, 0, false);
  return 0;
}
