// ImGui's geometry: the vertex colour times the bound texture (the font atlas, whose white texel
// draws solid shapes, or a panel's image).
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_color;
out vec4 frag_color;

void main() {
  frag_color = v_color * texture(u_texture, v_uv);
}
