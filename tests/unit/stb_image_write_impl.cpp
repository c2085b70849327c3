// stb_image_write's implementation for the tests (they encode images in memory to decode them).
// Compiled on its own because its JPEG writer left-shifts negative numbers, which UBSan reports;
// CMake turns that one check off for this file only.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>
