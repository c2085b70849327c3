// create_imgui_context and draw_frame: one look and one frame loop body for both platforms.
#include "imgui_setup.h"

#include <GLFW/glfw3.h>

#include <cfloat>
#include <cmath>

#include "app.h"
#include "gl.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

namespace filterlens::platform {

namespace {

float g_font_ratio = 0.0f;  // the pixel ratio the font atlas was rasterised at

void build_fonts(float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = 13.0f * pixel_ratio;
  io.Fonts->AddFontDefault(&font);
  io.FontGlobalScale = 1.0f / pixel_ratio;  // drawn at 13 units: one atlas pixel per screen pixel
  g_font_ratio = pixel_ratio;
}

}  // namespace

void create_imgui_context(float pixel_ratio) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed every frame; nothing to remember
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

void draw_frame(GLFWwindow* window, App& app, int& fb_width, int& fb_height,
                const FrameGeometry* geometry) {
  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  if (geometry && geometry->width > 0 && geometry->height > 0) {
    // ImGui works in logical units; GLFW's cursor position is in framebuffer pixels (the web) or
    // screen coordinates (the desktop: mouse_scale).
    ImGuiIO& io = ImGui::GetIO();
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
  ImGui::NewFrame();
  app.frame();
  ImGui::Render();
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
