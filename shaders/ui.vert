// ImGui's geometry (src/platform/ui_renderer.cpp): positions in logical units, mapped to clip
// space by u_projection; each vertex carries its texture coordinate and an 8-bit RGBA colour
// (normalised by the vertex attribute). The platform prepends its #version line.
uniform mat4 u_projection;
in vec2 a_position;
in vec2 a_uv;
in vec4 a_color;
out vec2 v_uv;
out vec4 v_color;

void main() {
  v_uv = a_uv;
  v_color = a_color;
  gl_Position = u_projection * vec4(a_position, 0.0, 1.0);
}
