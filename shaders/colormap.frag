// Colour-maps one float feature map (R32F, one texel per output pixel) into the RGBA8 texture
// the panels show. Must agree with src/core/colormap.cpp (the PNG export).
//   u_mode 0 auto       (v - lo) / (hi - lo) in 256 gray levels: matplotlib imshow(cmap='gray')
//          1 diverging  0 -> white, -hi -> blue, +hi -> red (hi = largest |value|)
//          2 abs        |v| / hi in gray (hi = largest |value|)
//          3 clamp      clamp(v, 0, 1) in gray: values as an image would store them
uniform highp sampler2D u_map;
uniform int u_mode;
uniform float u_lo;
uniform float u_hi;
out vec4 frag_color;

void main() {
  float v = texelFetch(u_map, ivec2(gl_FragCoord.xy), 0).r;
  vec3 c;
  if (u_mode == 0) {
    float t = u_hi > u_lo ? (v - u_lo) / (u_hi - u_lo) : 0.0;
    c = vec3(clamp(floor(t * 256.0), 0.0, 255.0) / 255.0);
  } else if (u_mode == 1) {
    float t = u_hi > 0.0 ? clamp(v / u_hi, -1.0, 1.0) : 0.0;
    float fade = 1.0 - abs(t);
    c = vec3(t < 0.0 ? fade : 1.0, fade, t > 0.0 ? fade : 1.0);
  } else if (u_mode == 2) {
    c = vec3(u_hi > 0.0 ? clamp(abs(v) / u_hi, 0.0, 1.0) : 0.0);
  } else {
    c = vec3(clamp(v, 0.0, 1.0));
  }
  frag_color = vec4(c, 1.0);
}
