// PlatformServices: what the views may ask of the machine they run on (files, clipboard,
// downloads, URLs, a font), as callbacks the platform layer fills in and hands to App. src/ui
// calls these and nothing else of the platform; the model knows none of them. A service left
// empty is treated as unavailable on this platform.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conv2d.h"
#include "kernel.h"
#include "result.h"
#include "status.h"

namespace filterlens {

struct PlatformServices {
  // Saves `bytes` as `file_name` (desktop: a file in the export folder; web: a download) and
  // returns the line for the status bar ("Saved ..."), or fails saying why.
  std::function<Result<std::string>(const std::string& file_name,
                                    const std::vector<std::uint8_t>& bytes)>
      save_file;
  // Gathers the files save_file saves until end_batch into one archive, `archive_name` (web: the
  // files of "All maps" as one .zip download; a batch past the format's 4 GB goes on in
  // "<name>-2.zip", ...). end_batch returns the status line. Empty where files go one by one
  // (the desktop's export folder).
  std::function<void(const std::string& archive_name)> begin_batch;
  std::function<std::string()> end_batch;
  // Puts text on the system clipboard.
  std::function<void(const std::string& text)> copy_text;
  // Opens the system's file dialog; the chosen file arrives later through App::load_bytes.
  // False where there is none (the desktop uses the path field).
  std::function<bool()> open_file_dialog;
  // Starts fetching an image from a URL; the bytes arrive later through App::load_bytes, or a
  // message through App::report_error. False where unsupported.
  std::function<bool(const std::string& url)> fetch_url;
  // Reads a whole file by path, or says why not (the browser cannot read paths).
  std::function<Result<std::vector<std::uint8_t>>(const std::string& path)> read_file;
  // TrueType font bytes for figure titles (empty: untitled panels).
  std::function<const std::vector<std::uint8_t>&()> title_font;
  // Whether the maps of `bank` with `params` (on the RGB input when `rgb`) would fit in memory
  // next to what is there, or why not; empty where memory is not a fixed budget (the desktop).
  std::function<Status(const std::vector<Kernel>& bank, const ConvParams& params, bool rgb)>
      check_maps_memory;
  // Copies a link to the current settings (the page's address, see address_state.h) to the
  // clipboard; empty where there is no address (the desktop).
  std::function<void()> share_address;
  // Remembers that the guide was seen, so the next start does not open it (web: localStorage;
  // desktop: a flag file); empty where nothing is kept.
  std::function<void()> remember_guide_seen;
  // The live camera (web: getUserMedia in the page; its frames arrive through
  // Model::replace_frame). Empty where there is none (the desktop, for now).
  std::function<void()> start_camera;
  // Stops it; the frame shown stays as a still image ("camera frame 12:01:33").
  std::function<void()> stop_camera;
  struct CameraStatus {
    bool starting = false, running = false;
    double fps = 0.0;         // frames drawn per second, over the last second or so
    double compute_ms = 0.0;  // median per-frame compute of the recent frames
    std::int64_t frames = 0;  // frames computed since it started
    int width = 0, height = 0;
  };
  std::function<CameraStatus()> camera_status;
};

}  // namespace filterlens
