// GPU side of the panels: a feature map is uploaded once as an R32F texture and colour-mapped by
// shaders/colormap.frag into an RGBA8 texture that ImGui draws (nearest filtering when magnified:
// zoomed pixels stay crisp squares; bilinear when minified). The app uploads the display level
// (display_pyramid.h) that matches the panel's size, so minification is by less than 2x. Also plain
// RGBA8 textures for the original image. The colour map is the core's Colormap; the shader is
// compiled with its constants and quantisation (colormap.h).
#pragma once

#include <cstdint>
#include <string>

#include "colormap.h"
#include "gl.h"
#include "image.h"

namespace filterlens::gfx {

// GL_MAX_TEXTURE_SIZE: the largest width or height a texture may have here.
int max_texture_size();

// Compiles and links a program from GLSL bodies (shaders/), each after `version_line` ("#version
// 330 core" or "#version 300 es") and default precisions. 0 and a message naming `what` on failure.
GLuint link_program(const std::string& version_line, const std::string& vertex,
                    const std::string& fragment, const char* what, std::string& error);

// The colour-mapping program (shaders/fullscreen.vert + shaders/colormap.frag).
class ColormapProgram {
 public:
  // `version_line` is "#version 330 core" or "#version 300 es"; false and a message on failure.
  bool init(const std::string& version_line, std::string& error);
  void destroy();
  GLuint program() const { return program_; }
  GLint mode_location() const { return mode_; }
  GLint lo_location() const { return lo_; }
  GLint hi_location() const { return hi_; }
  GLuint vao() const { return vao_; }

 private:
  GLuint program_ = 0, vao_ = 0;
  GLint mode_ = -1, lo_ = -1, hi_ = -1;  // u_map stays at texture unit 0, its default
};

// One feature map on the GPU: the float data and its colour-mapped image.
class MapTexture {
 public:
  MapTexture() = default;
  MapTexture(const MapTexture&) = delete;
  MapTexture& operator=(const MapTexture&) = delete;
  ~MapTexture() { destroy(); }

  void upload(const Plane& plane);  // (re)allocates when the size changes
  void colorize(const ColormapProgram& program, Colormap colormap, ColorRange range);
  // The colour-mapped pixels as the GPU wrote them (RGB, top row first), or an empty image.
  Image read_back() const;
  void destroy();
  GLuint display_texture() const { return rgba_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GLuint float_tex_ = 0, rgba_ = 0, fbo_ = 0;
  int width_ = 0, height_ = 0;
};

// An 8-bit image (1-4 channels) as an RGBA8 texture, filtered like the maps' display textures.
class ImageTexture {
 public:
  ImageTexture() = default;
  ImageTexture(const ImageTexture&) = delete;
  ImageTexture& operator=(const ImageTexture&) = delete;
  ~ImageTexture() { destroy(); }
  void upload(const Image& image);
  void destroy();
  GLuint texture() const { return tex_; }

 private:
  GLuint tex_ = 0;
};

}  // namespace filterlens::gfx
