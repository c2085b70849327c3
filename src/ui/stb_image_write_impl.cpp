// stb_image_write's implementation for the app (PNG exports, the desktop's screenshots).
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
