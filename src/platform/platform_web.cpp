// Web platform: Emscripten's GLFW on a WebGL2 canvas, the main loop driven by the browser, and
// the bridge to the page's JavaScript (web/filterlens-page.js): images arrive as bytes through
// fl_load_image (drop, file dialog, paste, URL) and exports leave as downloads. The fl_* functions
// are what window.FilterLens (the scripting API) calls.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "app.h"
#include "bank_spec.h"
#include "cnn/similarity.h"
#include "decode.h"
#include "gl.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_setup.h"
#include "platform.h"

// The page's side of the bridge (web/filterlens-page.js defines FilterLensPage).
EM_JS(void, js_save_file, (const char* name, const std::uint8_t* data, int size),
      { FilterLensPage.saveFile(UTF8ToString(name), HEAPU8.slice(data, data + size)); });
EM_JS(void, js_copy_text, (const char* text), { FilterLensPage.copyText(UTF8ToString(text)); });
EM_JS(void, js_open_dialog, (), { FilterLensPage.openDialog(); });
EM_JS(void, js_fetch_url, (const char* url), { FilterLensPage.fetchUrl(UTF8ToString(url)); });

namespace filterlens::platform {
namespace {
std::vector<std::uint8_t> g_font;
}

const char* name() {
  return "web";
}

std::string save_file(const std::string& file_name, const std::vector<std::uint8_t>& bytes) {
  js_save_file(file_name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  return "Downloaded " + file_name;
}

void copy_text(const std::string& text) {
  js_copy_text(text.c_str());
}

bool open_file_dialog() {
  js_open_dialog();
  return true;
}

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

// Keeps the canvas's backing store at CSS size x devicePixelRatio, so it is sharp on HiDPI.
void follow_canvas_size() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const double dpr = emscripten_get_device_pixel_ratio();
  const int w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  const int h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(g_window, &cur_w, &cur_h);
  if (w != cur_w || h != cur_h) glfwSetWindowSize(g_window, w, h);
}

void main_loop() {
  follow_canvas_size();
  int fw = 0, fh = 0;
  filterlens::platform::draw_frame(g_window, *g_app, fw, fh);
}

// Emscripten 3.1.6's GLFW passes the browser's raw wheel deltas: pixels (100 a notch in Chrome)
// or lines (3 a notch in Firefox), with the page's sign (positive = down). Native GLFW, which
// ImGui expects, gives +1 a notch upwards.
void on_scroll(GLFWwindow* window, double dx, double dy) {
  auto notches = [](double d) { return -(std::fabs(d) >= 10.0 ? d / 100.0 : d / 3.0); };
  ImGui_ImplGlfw_ScrollCallback(window, notches(dx), notches(dy));
}

int result(const filterlens::Status& s) {
  g_error = s ? "" : s.error();
  return s ? 0 : 1;
}

}  // namespace

extern "C" {

// 0: loaded. 1: failed (fl_last_error says why). 2: not a format FilterLens decodes itself; the
// page should try the browser's decoder and call fl_load_rgba.
EMSCRIPTEN_KEEPALIVE int fl_load_image(const std::uint8_t* data, int size, const char* name) {
  const std::string format = filterlens::sniff_format(data, static_cast<std::size_t>(size));
  filterlens::Status s = g_app->load_bytes(data, static_cast<std::size_t>(size), name);
  if (!s && size > 0 && !filterlens::is_decodable_format(format)) {
    g_error = s.error();
    return 2;
  }
  return result(s);
}

EMSCRIPTEN_KEEPALIVE int fl_load_rgba(int width, int height, const std::uint8_t* rgba,
                                      const char* name) {
  return result(g_app->load_rgba(width, height, rgba, name));
}

EMSCRIPTEN_KEEPALIVE int fl_set_filters(const char* spec_text) {
  filterlens::Result<filterlens::BankSpec> spec = filterlens::parse_bank_spec(spec_text);
  if (!spec) {
    g_app->report_error("setFilters: " + spec.error());
    g_error = "setFilters: " + spec.error();
    return 1;
  }
  return result(g_app->set_bank(spec.value().bank, spec.value().params));
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
  glfwSetScrollCallback(g_window, on_scroll);  // replaces ImGui's, which on_scroll then calls
  ImGui_ImplOpenGL3_Init("#version 300 es");

  static filterlens::App app(filterlens::platform::services());
  g_app = &app;
  filterlens::Status gfx = app.init_graphics("#version 300 es");
  if (!gfx) app.report_error(gfx.error());
  EM_ASM({ FilterLensPage.runtimeReady(); });
  emscripten_set_main_loop(main_loop, 0, false);
  return 0;
}
