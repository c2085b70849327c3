// The OpenGL header for this platform: OpenGL ES 3.0 (WebGL2) when FILTERLENS_GL_ES is defined
// by CMake for the web build, desktop OpenGL 3.3 core otherwise.
#pragma once

#if defined(FILTERLENS_GL_ES)
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#endif
