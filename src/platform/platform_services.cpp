// platform::services(): the functions of platform.h, implemented once per platform, wrapped as
// the PlatformServices App is constructed with. Compiled for both platforms.
#include "platform.h"

namespace filterlens::platform {

PlatformServices services() {
  PlatformServices s;
  s.save_file = save_file;
  s.copy_text = copy_text;
  s.open_file_dialog = open_file_dialog;
  if (kFetchesUrls) s.fetch_url = fetch_url;
  if (kReadsPaths) {
    s.read_file = [](const std::string& path) -> Result<std::vector<std::uint8_t>> {
      std::vector<std::uint8_t> bytes;
      std::string error;
      if (!read_file(path, bytes, error)) return Result<std::vector<std::uint8_t>>::fail(error);
      return Result<std::vector<std::uint8_t>>::ok(std::move(bytes));
    };
  }
  s.title_font = title_font;
  return s;
}

}  // namespace filterlens::platform
