// create_imgui_context and draw_frame: one look and one frame loop body for both platforms, the
// embedded UI font (ui_font.h), and the keyboard plumbing both share: key presses shorter than a
// frame still reach ImGui, and text pasted by the platform arrives as ImGui's own Ctrl+V.
#include "imgui_setup.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "app.h"
#include "gl.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "ui_font.h"
#include "ui_renderer.h"

namespace filterlens::platform {

namespace {

constexpr float kFontSize = 14.0f;  // CSS pixels (logical units)

float g_font_ratio = 0.0f;  // the pixel ratio the font atlas was rasterised at

void build_fonts(float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.FontDataOwnedByAtlas = false;  // static data (ui_font.cpp)
  // Horizontal oversampling sharpens small text on a low-density screen; at 2x the pixels
  // already do, and the atlas stays a quarter of the size.
  font.OversampleH = pixel_ratio >= 1.75f ? 1 : 2;
  font.OversampleV = 1;
  ImFont* f = io.Fonts->AddFontFromMemoryTTF(
      const_cast<unsigned char*>(kUiFont), static_cast<int>(kUiFontSize), kFontSize * pixel_ratio,
      &font, reinterpret_cast<const ImWchar*>(kUiFontRanges));
  if (f) {
    f->FallbackChar = static_cast<ImWchar>(kUiFontFallback);  // a box, never a dropped letter
  } else {
    ImFontConfig fallback;  // cannot happen with the embedded font; ImGui's own then
    fallback.SizePixels = 13.0f * pixel_ratio;
    io.Fonts->AddFontDefault(&fallback);
  }
  io.FontGlobalScale = 1.0f / pixel_ratio;  // one atlas pixel per screen pixel
  g_font_ratio = pixel_ratio;
}

// ---- Input in the order it happened, whatever the frame rate ---------------------------------
// ImGui 1.86 reads input state once a frame (io.KeysDown, io.MouseDown, io.MousePos), so events
// that arrive between two frames are merged: a key tapped twice is seen once; a button pressed
// and the mouse moved before the next frame is a press where the mouse went, not where it was
// pressed (a quick drag on a split bar or a slider misses it); text typed just after Ctrl+A
// arrives in a frame that still holds Control, and ImGui drops text typed with Control down.
// With frames slower than the input (the software renderer, a busy phone), each happened. So
// keys, buttons, mouse moves, the wheel and text wait in one queue, and each frame takes them in
// order until one must be seen in a later frame than those before it (the rules of ImGui 1.87's
// input queue): a second change of the same key or button; a move, a key or the wheel after a
// button change; the wheel after a move; text after a key change or a move; a key or a move
// after text. Consecutive moves merge into the last one.
struct InputEvent {
  enum Kind { key, button, move, leave, wheel, text } kind = key;
  int code = 0, scancode = 0, action = 0, mods = 0;  // key: GLFW key; button: GLFW button
  double x = 0, y = 0;     // move: GLFW's cursor position; wheel: notches (+y up)
  unsigned codepoint = 0;  // text: one character (GLFW's) ...
  std::string utf8;        // ... or UTF-8 (the page's text events)
};
std::deque<InputEvent> g_input_events;
constexpr std::size_t kMaxQueuedEvents = 1024;  // frames stopped (a hidden tab): catch up at once

GLFWwindow* g_input_window = nullptr;  // the window draw_frame draws (its input is queued)
bool g_mouse_known = false;            // the cursor is in the window, at g_mouse
ImVec2 g_mouse;                        // as far as the applied events go, in GLFW's units
bool g_mouse_down[ImGuiMouseButton_COUNT] = {};
bool g_input_applied = false;  // the last frame took events from the queue

void apply(const InputEvent& e) {
  ImGuiIO& io = ImGui::GetIO();
  switch (e.kind) {
    case InputEvent::key:
      ImGui_ImplGlfw_KeyCallback(g_input_window, e.code, e.scancode, e.action, e.mods);
      break;
    case InputEvent::button:
      g_mouse_down[e.code] = e.action != 0;
      break;
    case InputEvent::move:
      g_mouse = ImVec2(static_cast<float>(e.x), static_cast<float>(e.y));
      g_mouse_known = true;
      break;
    case InputEvent::leave:
      g_mouse_known = false;
      break;
    case InputEvent::wheel:
      io.MouseWheelH += static_cast<float>(e.x);
      io.MouseWheel += static_cast<float>(e.y);
      break;
    case InputEvent::text:
      if (e.codepoint != 0)
        io.AddInputCharacter(e.codepoint);
      else
        io.AddInputCharactersUTF8(e.utf8.c_str());
      break;
  }
}

void queue_input(InputEvent event) {
  if (event.kind == InputEvent::move && !g_input_events.empty() &&
      g_input_events.back().kind == InputEvent::move) {
    g_input_events.back() = std::move(event);
    return;
  }
  g_input_events.push_back(std::move(event));
  if (g_input_events.size() > kMaxQueuedEvents) {
    for (const InputEvent& e : g_input_events) apply(e);
    g_input_events.clear();
  }
}

void key_callback(GLFWwindow*, int key, int scancode, int action, int mods) {
  if (action == GLFW_REPEAT) return;  // ImGui repeats held keys itself
  InputEvent e;
  e.code = key;
  e.scancode = scancode;
  e.action = action;
  e.mods = mods;
  queue_input(std::move(e));
}

void char_callback(GLFWwindow*, unsigned int codepoint) {
  if (codepoint == 0) return;
  InputEvent e;
  e.kind = InputEvent::text;
  e.codepoint = codepoint;
  queue_input(std::move(e));
}

void cursor_callback(GLFWwindow*, double x, double y) {
  InputEvent e;
  e.kind = InputEvent::move;
  e.x = x;
  e.y = y;
  queue_input(std::move(e));
}

void button_callback([[maybe_unused]] GLFWwindow* window, int button, int action, int) {
  if (button < 0 || button >= ImGuiMouseButton_COUNT) return;  // buttons ImGui has no slot for
#if defined(__EMSCRIPTEN__)
  // Emscripten's GLFW reports a press without a move before it when the pointer jumped (a pen,
  // a test's synthetic event); its cursor is already where the press happened. (A desktop GLFW
  // would ask the system for the pointer now, which may be past the press: there the moves
  // before it in the queue say where it was.)
  double x = 0, y = 0;
  glfwGetCursorPos(window, &x, &y);
  cursor_callback(window, x, y);
#endif
  InputEvent e;
  e.kind = InputEvent::button;
  e.code = button;
  e.action = action == GLFW_PRESS ? 1 : 0;
  queue_input(std::move(e));
}

GLFWcursorenterfun g_imgui_enter_callback = nullptr;  // ImGui's own: it tracks the window

void enter_callback(GLFWwindow* window, int entered) {
  if (g_imgui_enter_callback) g_imgui_enter_callback(window, entered);
  if (entered) return;  // the next move says where
  InputEvent e;
  e.kind = InputEvent::leave;
  queue_input(std::move(e));
}

// This frame's share of the queue (the rules above).
void apply_input_events() {
  std::vector<int> keys, buttons;
  bool moved = false, typed = false;
  g_input_applied = false;
  while (!g_input_events.empty()) {
    const InputEvent& e = g_input_events.front();
    const auto has = [](const std::vector<int>& v, int c) {
      return std::find(v.begin(), v.end(), c) != v.end();
    };
    bool later = false;
    switch (e.kind) {
      case InputEvent::key:
        later = has(keys, e.code) || !buttons.empty() || typed;
        if (!later) keys.push_back(e.code);
        break;
      case InputEvent::button:
        later = has(buttons, e.code);
        if (!later) buttons.push_back(e.code);
        break;
      case InputEvent::move:
      case InputEvent::leave:
        later = !buttons.empty() || typed;
        moved = moved || !later;
        break;
      case InputEvent::wheel:
        later = !buttons.empty() || moved;
        break;
      case InputEvent::text:
        later = !keys.empty() || !buttons.empty() || moved;
        typed = typed || !later;
        break;
    }
    if (later) break;
    apply(e);
    g_input_events.pop_front();
    g_input_applied = true;
  }
}

// Whether a Control or V press is still waiting in the queue (a Ctrl+V on its way to ImGui).
bool ctrl_v_queued() {
  for (const InputEvent& e : g_input_events) {
    if (e.kind == InputEvent::key && e.action == GLFW_PRESS &&
        (e.code == GLFW_KEY_V || e.code == GLFW_KEY_LEFT_CONTROL ||
         e.code == GLFW_KEY_RIGHT_CONTROL))
      return true;
  }
  return false;
}

// ---- Paste ---------------------------------------------------------------------------------
std::string g_clipboard;       // what ImGui's Ctrl+V pastes
bool g_paste_pending = false;  // text arrived from the platform's paste: press Ctrl+V for it
bool g_paste_forced = false;   // this frame's Ctrl+V was pressed by us

const char* get_clipboard(void*) {
  return g_clipboard.c_str();
}

}  // namespace

void create_imgui_context(float pixel_ratio) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed every frame; nothing to remember
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 2.0f;
  build_fonts(pixel_ratio > 0.0f ? pixel_ratio : 1.0f);
}

void set_font_pixel_ratio(float pixel_ratio) {
  if (!(pixel_ratio > 0.0f) || std::fabs(pixel_ratio - g_font_ratio) < 0.01f) return;
  build_fonts(pixel_ratio);
  upload_font_atlas();
}

void paste_text(const std::string& utf8) {
  ImGuiIO& io = ImGui::GetIO();
  g_clipboard = utf8;
  io.GetClipboardTextFn = get_clipboard;  // the browser's clipboard, as the paste event gave it
  io.ClipboardUserData = nullptr;
  g_paste_pending = true;
}

bool input_pending() {
  return !g_input_events.empty();
}

bool input_applied() {
  return g_input_applied;
}

void queue_pointer(double x, double y, int action) {
  cursor_callback(nullptr, x, y);
  if (action < 0) return;
  InputEvent e;
  e.kind = InputEvent::button;
  e.code = GLFW_MOUSE_BUTTON_LEFT;
  e.action = action != 0 ? 1 : 0;
  queue_input(std::move(e));
}

void queue_scroll(double dx, double dy) {
  InputEvent e;
  e.kind = InputEvent::wheel;
  e.x = dx;
  e.y = dy;
  queue_input(std::move(e));
}

void input_text(const char* utf8) {
  if (!utf8 || !*utf8) return;
  InputEvent e;
  e.kind = InputEvent::text;
  e.utf8 = utf8;
  queue_input(std::move(e));
}

FontInfo font_info() {
  FontInfo info;
  const ImFont* f = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  if (!f) return info;
  info.size = f->FontSize * ImGui::GetIO().FontGlobalScale;
  info.fallback_char = f->FallbackChar;
  info.glyphs = f->Glyphs.Size;
  return info;
}

void draw_frame(GLFWwindow* window, App& app, int& fb_width, int& fb_height,
                const FrameGeometry* geometry) {
  static GLFWwindow* latched = nullptr;
  if (latched != window) {  // after ImGui_ImplGlfw_InitForOpenGL, which installed its own
    glfwSetKeyCallback(window, key_callback);
    glfwSetCharCallback(window, char_callback);
    glfwSetCursorPosCallback(window, cursor_callback);
    glfwSetMouseButtonCallback(window, button_callback);
    g_imgui_enter_callback = glfwSetCursorEnterCallback(window, enter_callback);
    latched = window;
    g_input_window = window;
  }
  glfwPollEvents();
  apply_input_events();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  // The mouse as far as this frame's events go, not as GLFW has it now; ImGui's backend still
  // decides whether the window has the mouse at all (io.MousePos stays -FLT_MAX when not).
  for (int b = 0; b < ImGuiMouseButton_COUNT; ++b) io.MouseDown[b] = g_mouse_down[b];
  if (g_mouse_known && io.MousePos.x > -FLT_MAX) io.MousePos = g_mouse;
  if (geometry && geometry->width > 0 && geometry->height > 0) {
    // ImGui works in logical units; GLFW's cursor position is in framebuffer pixels (the web) or
    // screen coordinates (the desktop: mouse_scale).
    const ImVec2 scale(geometry->fb_width / geometry->width,
                       geometry->fb_height / geometry->height);
    io.DisplaySize = ImVec2(geometry->width, geometry->height);
    io.DisplayFramebufferScale = scale;
    if (io.MousePos.x > -FLT_MAX && scale.x > 0 && scale.y > 0) {
      io.MousePos =
          geometry->mouse_scale > 0
              ? ImVec2(io.MousePos.x * geometry->mouse_scale, io.MousePos.y * geometry->mouse_scale)
              : ImVec2(io.MousePos.x / scale.x, io.MousePos.y / scale.y);
    }
  }
  // A paste the platform reported: ImGui pastes on Ctrl+V, which the person's keys may not have
  // pressed (a menu's Paste, a synthetic event) or ImGui may not have seen down. Not while the
  // keys of a real Ctrl+V still wait in the queue (they paste the same text when they arrive),
  // nor in a frame that takes typed text (ImGui drops text while Control is down).
  const bool ctrl_before = io.KeyCtrl, v_before = io.KeysDown[GLFW_KEY_V];
  if (g_paste_pending && !(io.KeyCtrl && io.KeysDown[GLFW_KEY_V]) && ctrl_v_queued()) {
    g_paste_pending = false;
  } else if (g_paste_pending && io.InputQueueCharacters.empty()) {
    g_paste_pending = false;
    if (!(io.KeyCtrl && io.KeysDown[GLFW_KEY_V])) {
      io.KeyCtrl = true;
      io.KeysDown[GLFW_KEY_V] = true;
      g_paste_forced = true;
    }
  }
  ImGui::NewFrame();
  app.frame();
  ImGui::Render();
  if (g_paste_forced) {  // back to the keys as the queue has them
    g_paste_forced = false;
    io.KeysDown[GLFW_KEY_V] = v_before;
    io.KeyCtrl = ctrl_before;
  }
  if (geometry) {
    fb_width = geometry->fb_width;
    fb_height = geometry->fb_height;
  } else {
    glfwGetFramebufferSize(window, &fb_width, &fb_height);
  }
  glViewport(0, 0, fb_width, fb_height);
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  render_ui(ImGui::GetDrawData());
}

}  // namespace filterlens::platform
