// What both platforms share around ImGui: the context setup (style, scale, no .ini file) and one
// frame of the app (poll, build the UI, render it with ui_renderer).
#pragma once

#include <string>

struct GLFWwindow;

namespace filterlens {
class App;
}

namespace filterlens::platform {

// Creates the ImGui context with FilterLens's style. The UI is laid out in the window's logical
// units (CSS pixels on the web), so it has the same size at any pixel ratio; `pixel_ratio` is
// how many framebuffer pixels a unit covers, at which the font atlas is rasterised so text stays
// as sharp as the screen allows.
void create_imgui_context(float pixel_ratio);

// Re-rasterises the font atlas for another pixel ratio (the window moved to another monitor, the
// browser zoomed); a no-op when it has not changed. Call between frames, after the renderer's
// init.
void set_font_pixel_ratio(float pixel_ratio);

// Text the platform's paste event carried (the browser's clipboard): it becomes what ImGui's
// Ctrl+V pastes, and the next frame presses Ctrl+V for ImGui when the keys did not.
void paste_text(const std::string& utf8);

// Typed text that reached the platform outside GLFW's character callback (the browser's input
// and composition events: non-ASCII letters, IMEs), as UTF-8.
void input_text(const char* utf8);

// Input events wait in a queue that each frame takes its share of (imgui_setup.cpp): true while
// some wait, so the platform draws frames until they are all seen.
bool input_pending();

// Whether the last draw_frame took events from the queue: their effects (a popup, hover, a
// change in the model) show a frame or two later, so the platform keeps drawing a few frames.
bool input_applied();

// A pointer that is not a mouse (a finger on the controls) at (x, y) in GLFW's cursor units, as
// the left button: action 1 press, 0 release, -1 move only. Queued with the other input.
void queue_pointer(double x, double y, int action);

// A wheel or touchpad scroll, in notches (+dy up, +dx left, as desktop GLFW gives them), queued
// with the other input.
void queue_scroll(double dx, double dy);

// The UI font as built, for tests: its size in logical units, the character drawn for missing
// glyphs (U+25A1) and how many glyphs the atlas holds.
struct FontInfo {
  float size = 0;
  unsigned fallback_char = 0;
  int glyphs = 0;
};
FontInfo font_info();

// The drawing surface when the platform knows it better than GLFW does: the web's canvas, whose
// CSS size and backing store the page sets (Emscripten's GLFW only knows the size it was
// created with).
struct FrameGeometry {
  float width = 0, height = 0;      // logical units (CSS pixels)
  int fb_width = 0, fb_height = 0;  // framebuffer pixels
  // Logical units per unit of GLFW's cursor position; 0: the cursor is in framebuffer pixels
  // (the web's canvas). On the desktop GLFW reports it in screen coordinates, which are
  // framebuffer pixels on X11 and Windows but points on macOS.
  float mouse_scale = 0;
};

// Polls events, runs app.frame() and draws it into the window's framebuffer (not swapped);
// returns the framebuffer size in fb_width / fb_height. With `geometry`, ImGui's display size,
// framebuffer scale and mouse position follow it instead of GLFW's window.
void draw_frame(GLFWwindow* window, App& app, int& fb_width, int& fb_height,
                const FrameGeometry* geometry = nullptr);

}  // namespace filterlens::platform
