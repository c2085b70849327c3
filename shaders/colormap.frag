// Colour-maps one float feature map (R32F, one texel per output pixel) into the RGBA8 texture
// the panels show, byte for byte as the PNG export (src/core/colormap.cpp) does. Compiled after
// colormap_glsl_prelude() from that file, which defines the COLORMAP_* mode numbers (the
// Colormap enum's values), FL_GRAY_BYTES (matplotlib's gray table) and the quantisation
// functions fl_gray and fl_unit. shader_colormap_rgb() in colormap.cpp mirrors main() below.
//   COLORMAP_GRAY       (v - lo) / (hi - lo) in matplotlib's 256 gray levels (imshow's)
//   COLORMAP_DIVERGING  0 -> white, -amax -> blue, +amax -> red (amax = max(|lo|, |hi|))
//   COLORMAP_ABS        |v| / amax in gray
//   COLORMAP_CLAMP      clamp(v, 0, 1) in gray: values as an image would store them
uniform highp sampler2D u_map;
uniform int u_mode;
uniform float u_lo;
uniform float u_hi;
out vec4 frag_color;

void main() {
  float v = texelFetch(u_map, ivec2(gl_FragCoord.xy), 0).r;
  vec3 c;
  if (u_mode == COLORMAP_GRAY) {
    float t = u_hi > u_lo ? (v - u_lo) / (u_hi - u_lo) : 0.0;
    c = vec3(fl_gray(t));
  } else {
    float amax = max(abs(u_lo), abs(u_hi));
    if (u_mode == COLORMAP_DIVERGING) {
      float t = amax > 0.0 ? v / amax : 0.0;
      float fade = fl_unit(1.0 - abs(t));
      c = vec3(t < 0.0 ? fade : 1.0, fade, t > 0.0 ? fade : 1.0);
    } else if (u_mode == COLORMAP_ABS) {
      c = vec3(amax > 0.0 ? fl_unit(abs(v) / amax) : 0.0);
    } else {
      c = vec3(fl_unit(v));
    }
  }
  frag_color = vec4(c, 1.0);
}
