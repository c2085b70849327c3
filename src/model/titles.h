// The titles people read for the preset filters ("Edge detection", "Sharpen", "Blur", like the
// notebook's plot titles), apart from the ids the bank, the scripting API, exports and the
// address use ("edge", "sharpen", "blur"), which stay as they are.
#pragma once

#include <string>

namespace filterlens {

// The title of preset `id`, or nullptr when `id` names no preset.
const char* preset_title(const std::string& id);

// What a panel or the bank list shows for a filter named `name`: its preset's title, or the
// name itself (a renamed, added or loaded filter: "edge2", "conv1_3", "Kante").
std::string filter_title(const std::string& name);

}  // namespace filterlens
