// The ImGui context setup both platforms share: style, scale, no .ini file.
#pragma once

namespace filterlens::platform {

// Creates the ImGui context with FilterLens's style, with fonts and sizes scaled by `scale`
// (the device pixel ratio on the web, 1 on the desktop).
void create_imgui_context(float scale);

}  // namespace filterlens::platform
