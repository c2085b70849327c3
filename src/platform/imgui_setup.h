// What both platforms share around ImGui: the context setup (style, scale, no .ini file) and one
// frame of the app (poll, build the UI, render it with the OpenGL backend).
#pragma once

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
