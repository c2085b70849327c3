// What both platforms share around ImGui: the context setup (style, scale, no .ini file) and one
// frame of the app (poll, build the UI, render it with the OpenGL backend).
#pragma once

struct GLFWwindow;

namespace filterlens {
class App;
}

namespace filterlens::platform {

// Creates the ImGui context with FilterLens's style, with fonts and sizes scaled by `scale`
// (the device pixel ratio on the web, 1 on the desktop).
void create_imgui_context(float scale);

// Polls events, runs app.frame() and draws it into the window's framebuffer (not swapped);
// returns the framebuffer size in fb_width / fb_height.
void draw_frame(GLFWwindow* window, App& app, int& fb_width, int& fb_height);

}  // namespace filterlens::platform
