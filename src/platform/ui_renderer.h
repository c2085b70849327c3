// Draws ImGui's draw lists with OpenGL 3.3 / OpenGL ES 3.0 (WebGL2), in place of ImGui's
// OpenGL3 backend. The backend saves and restores the GL state around every frame by reading it
// back (about 30 glGetIntegerv / glIsEnabled calls); in a browser each read is a round trip to the
// GPU process that waits until the frames queued before it are done, which held the page's main
// thread 50 ms a frame with the software renderer (SwiftShader). This renderer reads nothing back:
// it sets all the state it draws with and leaves a documented state behind.
#pragma once

#include <string>

struct ImDrawData;

namespace filterlens::platform {

// Compiles shaders/ui.vert + ui.frag after `version_line` ("#version 330 core" or "#version 300
// es"), makes the buffers and uploads ImGui's font atlas; false and a message on failure. Needs
// the ImGui context and the GL context current.
bool init_ui_renderer(const std::string& version_line, std::string& error);

// Re-uploads ImGui's font atlas (after it was rebuilt for another pixel ratio).
void upload_font_atlas();

// Draws one frame's lists into the bound framebuffer, whose size in pixels is the draw data's
// display size times its framebuffer scale. Leaves blending and the scissor test off, program,
// vertex array and 2D texture of unit 0 unbound, and the viewport over the whole framebuffer.
void render_ui(const ImDrawData* data);

void shutdown_ui_renderer();

}  // namespace filterlens::platform
