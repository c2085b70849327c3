// Desktop platform: GLFW window with an OpenGL 3.3 core context, files from the command line,
// drops and the path field (images, or .npy / .safetensors filter banks), exports written to
// ./filterlens-export/.
//
//   filterlens [IMAGE] [BANK.npy|BANK.safetensors ...] [--screenshot FILE.png] [--frames N]
//              [--dump-maps DIR] [--guide STEP]
// --screenshot renders N frames (default 5), saves the window's pixels as PNG and exits (used by
// the desktop smoke test under Xvfb). --dump-maps also writes, per map, the GPU's colour-mapped
// texture read back (NAME.gpu.png) beside the app's exports (NAME.png, NAME.npy), so the test
// can check that the screen shows the export's bytes. --guide opens the guide at STEP (1..6).
// Otherwise the guide opens on an interactive start until it has been closed once (a flag file
// guide-seen in $XDG_CONFIG_HOME/filterlens or ~/.config/filterlens; with neither set, on every
// start); a --screenshot run leaves it closed.
#include <GLFW/glfw3.h>
#include <algorithm>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "app.h"
#include "exports.h"
#include "file_bytes.h"
#include "gl.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_setup.h"
#include "platform.h"
#include "stb/stb_image_write.h"
#include "ui_renderer.h"
#include "version.h"

namespace filterlens::platform {
namespace {
GLFWwindow* g_window = nullptr;
const char* kExportDir = "filterlens-export";
}  // namespace

const char* name() {
  return "desktop";
}

Result<std::string> save_file(const std::string& file_name,
                              const std::vector<std::uint8_t>& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(kExportDir, ec);
  const std::filesystem::path path = std::filesystem::path(kExportDir) / file_name;
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(reinterpret_cast<const char*>(bytes.data()),
                         static_cast<std::streamsize>(bytes.size())))
    return Result<std::string>::fail("Could not save " + path.string() + ": " +
                                     std::strerror(errno));
  return Result<std::string>::ok("Saved " + std::filesystem::absolute(path).string());
}

void copy_text(const std::string& text) {
  glfwSetClipboardString(g_window, text.c_str());
}

bool open_file_dialog() {
  return false;
}

const bool kFetchesUrls = false;  // no HTTP client here: download the file and open its path
const bool kReadsPaths = true;

bool fetch_url(const std::string&) {
  return false;
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error) {
  Result<std::vector<std::uint8_t>> r = read_file_bytes(path);
  if (!r) {
    error = r.error();
    return false;
  }
  bytes = std::move(r).value();
  return true;
}

const std::vector<std::uint8_t>& title_font() {
  static const std::vector<std::uint8_t> font = [] {
    std::vector<std::uint8_t> bytes;
    std::string ignored;
    read_file(FILTERLENS_FONT, bytes, ignored);
    return bytes;
  }();
  return font;
}

}  // namespace filterlens::platform

namespace {

filterlens::App* g_app = nullptr;

void open_path(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (filterlens::platform::read_file(path, bytes, error)) {
    g_app->open_bytes(bytes.data(), bytes.size(), path);  // an image or a .npy / .safetensors bank
  } else {
    g_app->report_error("Could not open " + path + ": " + error);
  }
}

void on_drop(GLFWwindow*, int count, const char** paths) {
  for (int i = 0; i < count; ++i) open_path(paths[i]);  // the last one stays
}

// The shipped CNN weights and, when Debian's dataset-fashion-mnist is installed, its files for
// training in the app. Missing files only disable those tabs.
void load_cnn_files(filterlens::App& app) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (filterlens::platform::read_file(FILTERLENS_WEIGHTS, bytes, error))
    app.load_learned_weights(bytes.data(), bytes.size(), "assets/fashion_cnn.weights");
  const std::string dir = FILTERLENS_FASHION_DIR;
  std::vector<std::uint8_t> files[4];
  const char* names[4] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
  for (int i = 0; i < 4; ++i)
    if (!filterlens::platform::read_file(dir + "/" + names[i], files[i], error)) return;
  app.set_training_data(files[0], files[1], files[2], files[3]);
}

// The window's geometry at its monitor's content scale (glfwGetWindowContentScale: 2 on a "200%"
// screen): the UI keeps its logical size, drawn with scale x the pixels. (Desktop only:
// Emscripten's GLFW has no content scale; the page passes the canvas's geometry instead.)
filterlens::platform::FrameGeometry desktop_geometry(GLFWwindow* window) {
  float sx = 1.0f, sy = 1.0f;
  glfwGetWindowContentScale(window, &sx, &sy);
  if (!(sx > 0.0f)) sx = 1.0f;
  if (!(sy > 0.0f)) sy = 1.0f;
  int ww = 0, wh = 0, fw = 0, fh = 0;
  glfwGetWindowSize(window, &ww, &wh);
  glfwGetFramebufferSize(window, &fw, &fh);
  filterlens::platform::FrameGeometry g;
  g.fb_width = fw;
  g.fb_height = fh;
  // Logical size = pixels / content scale: on X11 at 2, a 2560-pixel window is 1280 units; on
  // macOS the framebuffer is already 2x the window's points, which come out as the units.
  g.width = static_cast<float>(fw) / sx;
  g.height = static_cast<float>(fh) / sy;
  g.mouse_scale = ww > 0 ? g.width / static_cast<float>(ww) : 1.0f;
  return g;
}

// The window's pixels as PNG, and next to it (FILE.png -> FILE.json) where each panel is.
bool save_screenshot(const std::string& path, int width, int height) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
  // GL's rows run bottom to top. The flag is global to stb_image_write (the exports use it too),
  // so it is set for this one write only.
  stbi_flip_vertically_on_write(1);
  const bool written = stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3);
  stbi_flip_vertically_on_write(0);
  if (!written) return false;
  std::ofstream json(std::filesystem::path(path).replace_extension(".json"));
  json << "[";
  const auto& rects = g_app->panel_rects();
  for (std::size_t i = 0; i < rects.size(); ++i) {
    json << (i ? ",\n " : "") << "{\"name\": \"" << rects[i].name << "\", \"x\": " << rects[i].x
         << ", \"y\": " << rects[i].y << ", \"width\": " << rects[i].width
         << ", \"height\": " << rects[i].height << "}";
  }
  json << "]\n";
  return static_cast<bool>(json);
}

bool write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  return out && out.write(reinterpret_cast<const char*>(bytes.data()),
                          static_cast<std::streamsize>(bytes.size()));
}

// Per map: the GPU's colour-mapped pixels (NAME.gpu.png) and the exports (NAME.png, NAME.npy).
bool dump_maps(const filterlens::App& app, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const filterlens::Model& model = app.model();
  for (int i = 0; i < static_cast<int>(model.maps().size()); ++i) {
    const std::string name = model.map_kernels()[static_cast<std::size_t>(i)].name;
    const filterlens::Image gpu = app.read_back_map(i);
    const auto png = filterlens::export_map_png(model, i);
    const auto npy = filterlens::export_map_npy(model, i);
    if (gpu.empty() || !png || !npy) return false;
    const std::filesystem::path base = std::filesystem::path(dir) / name;
    if (!stbi_write_png((base.string() + ".gpu.png").c_str(), gpu.width, gpu.height, 3,
                        gpu.pixels.data(), gpu.width * 3) ||
        !write_bytes(base.string() + ".png", png.value().bytes) ||
        !write_bytes(base.string() + ".npy", npy.value().bytes))
      return false;
  }
  return true;
}

// Where the "guide seen" flag lives, or "" when there is no config folder to keep it in.
std::filesystem::path guide_flag_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::filesystem::path(xdg) / "filterlens" / "guide-seen";
  if (home && *home) return std::filesystem::path(home) / ".config" / "filterlens" / "guide-seen";
  return {};
}

bool guide_seen() {
  const std::filesystem::path flag = guide_flag_path();
  std::error_code ec;
  return !flag.empty() && std::filesystem::exists(flag, ec);
}

void remember_guide_seen() {
  const std::filesystem::path flag = guide_flag_path();
  if (flag.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(flag.parent_path(), ec);
  std::ofstream(flag) << "FilterLens: the guide was closed once; delete this file to see it "
                         "again on start.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string screenshot, maps_dir;
  std::vector<std::string> files;  // opened in order, as if dropped: an image, then banks
  int frames = 5;
  int guide_step = 0;  // 1-based; 0: the first-start rule
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--screenshot" && i + 1 < argc) {
      screenshot = argv[++i];
    } else if (arg == "--frames" && i + 1 < argc) {
      frames = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--guide" && i + 1 < argc) {
      guide_step = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--dump-maps" && i + 1 < argc) {
      maps_dir = argv[++i];
    } else if (arg == "--help") {
      std::puts(
          "usage: filterlens [IMAGE] [BANK.npy|BANK.safetensors ...] [--screenshot FILE.png] "
          "[--frames N] [--dump-maps DIR] [--guide STEP]");
      return 0;
    } else {
      files.push_back(arg);
    }
  }

  glfwSetErrorCallback([](int code, const char* text) {
    std::fprintf(stderr, "filterlens: GLFW error %d: %s\n", code, text);
  });
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  // At a content scale of 2 (X11's Xft.dpi 192, Windows at 200%) the window opens at twice the
  // pixels, so the UI keeps its size; macOS scales by itself.
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  const std::string title = std::string("FilterLens ") + filterlens::kVersion;
  GLFWwindow* window = glfwCreateWindow(1280, 800, title.c_str(), nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "filterlens: could not open a window with OpenGL 3.3\n");
    glfwTerminate();
    return 1;
  }
  filterlens::platform::g_window = window;
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  float content_scale = 1.0f, unused = 1.0f;
  glfwGetWindowContentScale(window, &content_scale, &unused);
  filterlens::platform::create_imgui_context(content_scale);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  // The wheel joins the other input in draw_frame's queue.
  glfwSetScrollCallback(window, [](GLFWwindow*, double dx, double dy) {
    filterlens::platform::queue_scroll(dx, dy);
  });
  std::string ui_error;
  if (!filterlens::platform::init_ui_renderer("#version 330 core", ui_error)) {
    std::fprintf(stderr, "filterlens: %s\n", ui_error.c_str());
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 1;
  }

  filterlens::PlatformServices services = filterlens::platform::services();
  services.remember_guide_seen = remember_guide_seen;
  filterlens::App app(std::move(services));
  g_app = &app;
  filterlens::Status gfx = app.init_graphics("#version 330 core");
  if (!gfx) std::fprintf(stderr, "filterlens: %s\n", gfx.error().c_str());
  glfwSetDropCallback(window, on_drop);
  if (files.empty() || filterlens::is_tensor_file(nullptr, 0, files.front()))
    files.insert(files.begin(), FILTERLENS_DEFAULT_IMAGE);
  for (const std::string& file : files) open_path(file);
  load_cnn_files(app);
  if (guide_step > 0) {
    app.open_guide(guide_step - 1);
  } else if (screenshot.empty() && !guide_seen()) {
    app.open_guide(0);  // on the image just opened
  }
  // From here on, images open and maps compute on a worker thread (the window keeps drawing);
  // the command line's files above were opened before the first frame, as a screenshot needs.
  // glfwPostEmptyEvent may be called from any thread: it ends glfwWaitEvents when work is done.
  if (screenshot.empty()) app.model().start_background([] { glfwPostEmptyEvent(); });

  // Idle means idle (issue 11 point 6): with nothing animating and no button held, sleep in
  // glfwWaitEvents until input, a resize or a drop arrives, then draw a few frames so ImGui's
  // hover, focus and auto-sized windows settle. A --screenshot run draws every frame.
  constexpr int kSettleFrames = 8;
  int settle = kSettleFrames;
  int frame = 0;
  while (!glfwWindowShouldClose(window)) {
    if (screenshot.empty() && settle <= 0 && !app.model().animating() && !ImGui::IsAnyMouseDown() &&
        !filterlens::platform::input_pending()) {
      // Short background work ends with glfwPostEmptyEvent from the worker; longer work gets its
      // progress line once Model::animating() says so.
      if (app.model().busy())
        glfwWaitEventsTimeout(filterlens::Model::kProgressAfterMs / 1000.0);
      else
        glfwWaitEvents();
      settle = kSettleFrames;
    }
    if (settle > 0) --settle;
    int fw = 0, fh = 0;
    // The monitor's content scale: UI in logical units, the font rasterised at the scale (the
    // window may move to a monitor with another one).
    const filterlens::platform::FrameGeometry geometry = desktop_geometry(window);
    filterlens::platform::set_font_pixel_ratio(geometry.fb_width / std::max(1.0f, geometry.width));
    filterlens::platform::draw_frame(window, app, fw, fh, &geometry);
    if (filterlens::platform::input_applied()) settle = kSettleFrames;  // its effects settle
    if (!screenshot.empty() && ++frame >= frames) {
      const bool ok = save_screenshot(screenshot, fw, fh);
      std::fprintf(ok ? stdout : stderr, "filterlens: %s %s\n", ok ? "saved" : "could not save",
                   screenshot.c_str());
      if (!maps_dir.empty() && !dump_maps(app, maps_dir))
        std::fprintf(stderr, "filterlens: could not write the maps into %s\n", maps_dir.c_str());
      if (!app.last_error().empty())
        std::fprintf(stderr, "filterlens: %s\n", app.last_error().c_str());
      glfwSetWindowShouldClose(window, 1);
    }
    glfwSwapBuffers(window);
  }
  app.model().stop_background();  // its notify posts GLFW events: join it while GLFW lives
  filterlens::platform::shutdown_ui_renderer();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}
