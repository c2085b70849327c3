// The platform layer's one header: what the machine it runs on offers the app. Implemented once
// per platform (platform_desktop.cpp: GLFW + OpenGL 3.3, files; platform_web.cpp: Emscripten,
// WebGL2, the page's JavaScript) and picked by CMake at link time. The UI never calls these
// functions: services() hands them to App as PlatformServices (src/ui/platform_services.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform_services.h"

namespace filterlens::platform {

// This platform's functions below as the services App is constructed with.
PlatformServices services();

// "desktop" or "web".
const char* name();

// Saves `bytes` as `file_name`: a file in the export folder on the desktop, a download in the
// browser. Returns a message for the status line ("saved to ...", or why it failed).
Result<std::string> save_file(const std::string& file_name, const std::vector<std::uint8_t>& bytes);

// Puts text on the system clipboard.
void copy_text(const std::string& text);

// The browser's file dialog (web); false where there is none (the desktop uses a path field).
bool open_file_dialog();

// Starts fetching an image from a URL (web); the result arrives later through App::load_bytes
// or App::report_error. False where unsupported.
bool fetch_url(const std::string& url);

// Reads a whole file (desktop); false and a message on failure or on the web.
bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error);

// Whether this platform fetches URLs (web) and reads paths (desktop): services() leaves the one
// it lacks empty, so the UI shows only the field that works here.
extern const bool kFetchesUrls;
extern const bool kReadsPaths;

// TrueType font bytes for figure titles, or empty.
const std::vector<std::uint8_t>& title_font();

}  // namespace filterlens::platform
