// ImGui's draw lists drawn with the GL state set, never read back (see ui_renderer.h for why).
#include "ui_renderer.h"

#include <cstddef>
#include <cstdint>

#include "gl.h"
#include "imgui.h"
#include "map_view.h"
#include "shader_sources.h"

namespace filterlens::platform {
namespace {

struct Renderer {
  GLuint program = 0, vao = 0, vertices = 0, indices = 0, font = 0;
  GLint projection = -1, texture = -1;
  GLint position = -1, uv = -1, color = -1;  // attribute locations
};
Renderer g;

// Points the attributes at the vertex buffer from vertex `first` on: ES 3.0 has no
// glDrawElementsBaseVertex, so large meshes (ImDrawCmd::VtxOffset) move the pointers instead.
void point_attributes(unsigned first) {
  const auto at = [first](std::size_t member) {
    return reinterpret_cast<const void*>(first * sizeof(ImDrawVert) + member);
  };
  constexpr GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(static_cast<GLuint>(g.position), 2, GL_FLOAT, GL_FALSE, stride,
                        at(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(static_cast<GLuint>(g.uv), 2, GL_FLOAT, GL_FALSE, stride,
                        at(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(static_cast<GLuint>(g.color), 4, GL_UNSIGNED_BYTE, GL_TRUE, stride,
                        at(offsetof(ImDrawVert, col)));
}

}  // namespace

bool init_ui_renderer(const std::string& version_line, std::string& error) {
  upload_font_atlas();  // ImGui needs the atlas built to run its frames, drawn or not
  g.program = gfx::link_program(version_line, gfx::kUiVert, gfx::kUiFrag, "UI", error);
  if (!g.program) return false;
  g.projection = glGetUniformLocation(g.program, "u_projection");
  g.texture = glGetUniformLocation(g.program, "u_texture");
  g.position = glGetAttribLocation(g.program, "a_position");
  g.uv = glGetAttribLocation(g.program, "a_uv");
  g.color = glGetAttribLocation(g.program, "a_color");
  if (g.position < 0 || g.uv < 0 || g.color < 0) {
    error = "UI shader lacks its vertex attributes";
    shutdown_ui_renderer();
    return false;
  }
  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vertices);
  glGenBuffers(1, &g.indices);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vertices);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.indices);  // part of the vertex array's state
  glEnableVertexAttribArray(static_cast<GLuint>(g.position));
  glEnableVertexAttribArray(static_cast<GLuint>(g.uv));
  glEnableVertexAttribArray(static_cast<GLuint>(g.color));
  point_attributes(0);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);

  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "filterlens_ui_renderer";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  return true;
}

void upload_font_atlas() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  if (!g.font) glGenTextures(1, &g.font);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, g.font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  glBindTexture(GL_TEXTURE_2D, 0);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(g.font)));
}

void render_ui(const ImDrawData* data) {
  const ImVec2 scale = data->FramebufferScale;
  const int fb_width = static_cast<int>(data->DisplaySize.x * scale.x);
  const int fb_height = static_cast<int>(data->DisplaySize.y * scale.y);
  if (!g.program || fb_width <= 0 || fb_height <= 0) return;

  // Straight-alpha "over" for colour; the framebuffer's alpha accumulates coverage.
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glViewport(0, 0, fb_width, fb_height);

  // Logical units (from DisplayPos, y down) to clip space.
  const float l = data->DisplayPos.x, r = l + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = t + data->DisplaySize.y;
  const float projection[16] = {
      2.0f / (r - l),    0, 0,   0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1.0f, 0, (r + l) / (l - r),
      (t + b) / (b - t), 0, 1.0f};
  glUseProgram(g.program);
  glUniformMatrix4fv(g.projection, 1, GL_FALSE, projection);
  glUniform1i(g.texture, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vertices);

  constexpr GLenum index_type = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER,
                 static_cast<GLsizeiptr>(list->VtxBuffer.Size) * sizeof(ImDrawVert),
                 list->VtxBuffer.Data, GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER,
                 static_cast<GLsizeiptr>(list->IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    unsigned pointed_at = 0;
    point_attributes(0);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      // FilterLens adds no callbacks; one that did would have to leave the state as it found it
      // (ResetRenderState is not supported).
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      // The clip rectangle in framebuffer pixels; GL's scissor counts rows from the bottom.
      const float x0 = (cmd.ClipRect.x - data->DisplayPos.x) * scale.x;
      const float y0 = (cmd.ClipRect.y - data->DisplayPos.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - data->DisplayPos.x) * scale.x;
      const float y1 = (cmd.ClipRect.w - data->DisplayPos.y) * scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(static_cast<int>(x0), static_cast<int>(fb_height - y1), static_cast<int>(x1 - x0),
                static_cast<int>(y1 - y0));
      if (cmd.VtxOffset != pointed_at) {
        pointed_at = cmd.VtxOffset;
        point_attributes(pointed_at);
      }
      glBindTexture(GL_TEXTURE_2D,
                    static_cast<GLuint>(reinterpret_cast<std::intptr_t>(cmd.GetTexID())));
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), index_type,
                     reinterpret_cast<const void*>(cmd.IdxOffset * sizeof(ImDrawIdx)));
    }
  }

  glBindTexture(GL_TEXTURE_2D, 0);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  glUseProgram(0);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_BLEND);
}

void shutdown_ui_renderer() {
  if (g.font) glDeleteTextures(1, &g.font);
  if (g.vertices) glDeleteBuffers(1, &g.vertices);
  if (g.indices) glDeleteBuffers(1, &g.indices);
  if (g.vao) glDeleteVertexArrays(1, &g.vao);
  if (g.program) glDeleteProgram(g.program);
  g = Renderer{};
}

}  // namespace filterlens::platform
