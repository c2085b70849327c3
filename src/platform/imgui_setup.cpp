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
#include "imgui_impl_opengl3.h"
#include "ui_font.h"

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

// ---- Keys shorter than a frame -------------------------------------------------------------
// ImGui 1.86 reads key state (io.KeysDown) once a frame, so a key pressed and released between
// two frames (a quick tap, a synthetic event), or pressed twice, would be seen once or not at
// all. Key events wait in a queue; each frame takes them in order up to the second change of
// any one key, which waits for the next frame. A modifier's release stays behind its key's.
struct KeyEvent {
  int key, scancode, action, mods;
};
std::deque<KeyEvent> g_key_events;
constexpr std::size_t kMaxQueuedKeys = 256;  // frames stopped (a hidden tab): catch up at once

void key_callback(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (action == GLFW_REPEAT) return;  // ImGui repeats held keys itself
  g_key_events.push_back({key, scancode, action, mods});
  if (g_key_events.size() > kMaxQueuedKeys) {
    for (const KeyEvent& e : g_key_events)
      ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, e.action, e.mods);
    g_key_events.clear();
  }
}

void apply_key_events(GLFWwindow* window) {
  std::vector<int> changed;
  while (!g_key_events.empty()) {
    const KeyEvent e = g_key_events.front();
    if (std::find(changed.begin(), changed.end(), e.key) != changed.end()) break;
    g_key_events.pop_front();
    changed.push_back(e.key);
    ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, e.action, e.mods);
  }
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
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void paste_text(const std::string& utf8) {
  ImGuiIO& io = ImGui::GetIO();
  g_clipboard = utf8;
  io.GetClipboardTextFn = get_clipboard;  // the browser's clipboard, as the paste event gave it
  io.ClipboardUserData = nullptr;
  g_paste_pending = true;
}

void input_text(const char* utf8) {
  ImGui::GetIO().AddInputCharactersUTF8(utf8);
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
    latched = window;
  }
  glfwPollEvents();
  apply_key_events(window);  // this frame's share of the key events
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
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
  // pressed (a menu's Paste, a synthetic event) or ImGui may not have seen down.
  if (g_paste_pending) {
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
  if (g_paste_forced) {  // back to the keys as they are
    g_paste_forced = false;
    io.KeysDown[GLFW_KEY_V] = glfwGetKey(window, GLFW_KEY_V) == GLFW_PRESS;
    io.KeyCtrl = glfwGetKey(window, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS ||
                 glfwGetKey(window, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS;
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
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace filterlens::platform
