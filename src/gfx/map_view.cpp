// Texture upload, the colour-mapping pass and shader compilation.
#include "map_view.h"

#include <vector>

#include "shader_sources.h"

namespace filterlens::gfx {
namespace {

GLuint compile(GLenum type, const std::string& source, std::string& error) {
  const GLuint shader = glCreateShader(type);
  const char* text = source.c_str();
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    error = std::string(type == GL_VERTEX_SHADER ? "vertex" : "fragment") +
            " shader failed to compile: " + log;
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

void set_nearest(GLenum target) {
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

// What the panels draw: magnified, crisp squares; minified (by less than 2x: the app uploads the
// display level nearest the panel's size), the bilinear average of the texels around.
void set_display_filtering(GLenum target) {
  set_nearest(target);
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
}

}  // namespace

int max_texture_size() {
  // Asked once: the app has one GL context, and in a browser every glGet is a round trip to the
  // GPU process that waits for the frames queued before it.
  static GLint size = 0;
  if (size <= 0) glGetIntegerv(GL_MAX_TEXTURE_SIZE, &size);
  return size > 0 ? size : 2048;  // 2048: what every GL ES 3.0 device must support
}

GLuint link_program(const std::string& version_line, const std::string& vertex,
                    const std::string& fragment, const char* what, std::string& error) {
  // ES needs default precisions; desktop GLSL 3.30 accepts the qualifiers and ignores them.
  const std::string prefix = version_line + "\nprecision highp float;\nprecision highp int;\n";
  const GLuint vs = compile(GL_VERTEX_SHADER, prefix + vertex, error);
  if (!vs) return 0;
  const GLuint fs = compile(GL_FRAGMENT_SHADER, prefix + fragment, error);
  if (!fs) {
    glDeleteShader(vs);
    return 0;
  }
  const GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glLinkProgram(program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    error = std::string(what) + " shader failed to link: " + log;
    glDeleteProgram(program);
    return 0;
  }
  return program;
}

bool ColormapProgram::init(const std::string& version_line, std::string& error) {
  // The colour maps' mode numbers and quantisation come from the core (colormap.h), generated
  // here from the same enum and tables the PNG export uses.
  program_ = link_program(version_line, kFullscreenVert, colormap_glsl_prelude() + kColormapFrag,
                          "colour-map", error);
  if (!program_) return false;
  mode_ = glGetUniformLocation(program_, "u_mode");
  lo_ = glGetUniformLocation(program_, "u_lo");
  hi_ = glGetUniformLocation(program_, "u_hi");
  glGenVertexArrays(1, &vao_);
  return true;
}

void ColormapProgram::destroy() {
  if (program_) glDeleteProgram(program_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  program_ = vao_ = 0;
}

void MapTexture::upload(const Plane& plane) {
  if (plane.width != width_ || plane.height != height_ || !float_tex_) {
    destroy();
    width_ = plane.width;
    height_ = plane.height;
    glGenTextures(1, &float_tex_);
    glBindTexture(GL_TEXTURE_2D, float_tex_);
    set_nearest(GL_TEXTURE_2D);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, width_, height_, 0, GL_RED, GL_FLOAT, nullptr);
    glGenTextures(1, &rgba_);
    glBindTexture(GL_TEXTURE_2D, rgba_);
    set_display_filtering(GL_TEXTURE_2D);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width_, height_, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 nullptr);
    glGenFramebuffers(1, &fbo_);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rgba_, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
  }
  glBindTexture(GL_TEXTURE_2D, float_tex_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width_, height_, GL_RED, GL_FLOAT, plane.data.data());
}

void MapTexture::colorize(const ColormapProgram& program, Colormap colormap, ColorRange range) {
  if (!fbo_) return;
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, width_, height_);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glUseProgram(program.program());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, float_tex_);
  glUniform1i(program.mode_location(), static_cast<int>(colormap));
  glUniform1f(program.lo_location(), range.lo);
  glUniform1f(program.hi_location(), range.hi);
  glBindVertexArray(program.vao());
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindVertexArray(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

Image MapTexture::read_back() const {
  Image out;
  if (!fbo_) return out;
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width_) * height_ * 4);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  // RGBA + UNSIGNED_BYTE: the one read format every GL and GL ES implementation must offer.
  glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  out = Image{width_, height_, 3, {}};
  out.pixels.resize(static_cast<std::size_t>(width_) * height_ * 3);
  // The pass drew texel (x, y) of the map at fragment (x, y): row 0 of the read is map row 0.
  for (std::size_t i = 0, n = static_cast<std::size_t>(width_) * height_; i < n; ++i)
    for (int c = 0; c < 3; ++c) out.pixels[i * 3 + c] = rgba[i * 4 + c];
  return out;
}

void MapTexture::destroy() {
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (rgba_) glDeleteTextures(1, &rgba_);
  if (float_tex_) glDeleteTextures(1, &float_tex_);
  fbo_ = rgba_ = float_tex_ = 0;
  width_ = height_ = 0;
}

void ImageTexture::upload(const Image& image) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(image.width) * image.height * 4);
  const std::uint8_t* s = image.pixels.data();
  for (std::size_t i = 0; i < rgba.size(); i += 4, s += image.channels) {
    const bool colour = image.channels >= 3;
    rgba[i] = s[0];
    rgba[i + 1] = colour ? s[1] : s[0];
    rgba[i + 2] = colour ? s[2] : s[0];
    rgba[i + 3] = 255;
  }
  if (!tex_) glGenTextures(1, &tex_);
  glBindTexture(GL_TEXTURE_2D, tex_);
  set_display_filtering(GL_TEXTURE_2D);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, image.width, image.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
               rgba.data());
}

void ImageTexture::destroy() {
  if (tex_) glDeleteTextures(1, &tex_);
  tex_ = 0;
}

}  // namespace filterlens::gfx
