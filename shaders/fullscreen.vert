// One triangle that covers the viewport; no vertex buffers (positions come from gl_VertexID).
// The platform prepends its #version line ("#version 330 core" or "#version 300 es").
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
