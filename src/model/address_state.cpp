// The address's `#` part <-> the model's shareable settings (address_state.h has the format).
#include "address_state.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "text.h"

namespace filterlens {
namespace {

constexpr const char* kVersion = "1";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Percent-encodes everything but RFC 3986's unreserved characters, so ':', ',', '&', '=' and
// '#' inside a name cannot be read as the format's separators.
std::string encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const bool complete = i + 2 < text.size();
    const int hi = complete ? hex_value(text[i + 1]) : -1;
    const int lo = complete ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return Result<std::string>::fail("a malformed percent-encoding ('" + text.substr(i, 3) +
                                       "')");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return Result<std::string>::ok(std::move(out));
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// A whole number in [lo, hi], nothing else.
bool parse_int(const std::string& text, int lo, int hi, int& value) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  value = std::atoi(text.c_str());
  return value >= lo && value <= hi;
}

std::string format_weight(float w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(w));
  return buf;
}

// A file's tensor shape as the address writes it: "64x3x7x7".
std::string shape_text(const FileBank& file) {
  std::string shape;
  for (std::int64_t d : file.shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  return shape;
}

bool same_kernel(const Kernel& a, const Kernel& b) {
  return a.name == b.name && a.width == b.width && a.height == b.height &&
         a.channels == b.channels && a.weights == b.weights;
}

std::string encode_filter(const Model& model, int index) {
  const Kernel& k = model.map_kernels()[static_cast<std::size_t>(index)];
  if (const FileBank* file = model.map_source(index)) {
    int in_file = 0;
    for (std::size_t i = 0; i < file->filters.size(); ++i)
      if (file->filters[i].name == k.name) in_file = static_cast<int>(i);
    return "@" + encode(file->file_name) + ":" + encode(file->tensor) + ":" +
           std::to_string(in_file) + ":" + shape_text(*file);
  }
  const Result<Kernel> preset = find_preset(k.name);
  if (preset && same_kernel(preset.value(), k)) return encode(k.name);
  std::string out = encode(k.name) + ":";
  if (k.channels != 1) out += std::to_string(k.channels) + "x";
  out += std::to_string(k.height) + "x" + std::to_string(k.width) + ":";
  for (std::size_t i = 0; i < k.weights.size(); ++i)
    out += (i ? "," : "") + format_weight(k.weights[i]);
  return out;
}

Result<Kernel> parse_filter(const std::string& text, const std::string& where) {
  using R = Result<Kernel>;
  const std::vector<std::string> parts = split(text, ':');
  const Result<std::string> name = decode(parts[0]);
  if (!name) return R::fail(where + " has " + name.error());
  // The names setFilters accepts, no others (a newline or "##" would reach labels and exports).
  if (const std::string problem = filter_name_problem(name.value()); !problem.empty())
    return R::fail(where + ": the name " + problem);
  if (parts.size() == 1) {
    const Result<Kernel> preset = find_preset(name.value());
    if (!preset) return R::fail(where + ": " + preset.error());
    return preset;
  }
  if (parts.size() != 3)
    return R::fail(where + " is not 'name', 'name:HxW:weights' or 'name:3xHxW:weights'");
  const std::vector<std::string> dims = split(parts[1], 'x');
  Kernel k;
  k.name = name.value();
  k.description = "from the address";
  const bool colour = dims.size() == 3;
  if ((dims.size() != 2 && !colour) || (colour && dims[0] != "3") ||
      !parse_int(dims[colour ? 1 : 0], 1, kMaxKernelSize, k.height) ||
      !parse_int(dims[colour ? 2 : 1], 1, kMaxKernelSize, k.width))
    return R::fail(where + "'s size '" + parts[1] + "' is not HxW or 3xHxW with sides 1 to " +
                   std::to_string(kMaxKernelSize));
  k.channels = colour ? 3 : 1;
  const std::vector<std::string> values = split(parts[2], ',');
  const std::size_t want = static_cast<std::size_t>(k.channels) * k.height * k.width;
  if (values.size() != want)
    return R::fail(where + " has " + std::to_string(values.size()) + " weights; " + parts[1] +
                   " needs " + std::to_string(want));
  k.weights.reserve(want);
  for (const std::string& v : values) {
    // Decimal notation only: strtof alone would also take "0x10", "inf" and "nan".
    const bool decimal = v.find_first_not_of("0123456789.eE+-") == std::string::npos;
    char* end = nullptr;
    const float w = decimal ? std::strtof(v.c_str(), &end) : 0.0f;
    if (!decimal || v.empty() || end != v.c_str() + v.size() || !std::isfinite(w))
      return R::fail(where + " has a weight that is not a finite number ('" + v.substr(0, 20) +
                     "')");
    k.weights.push_back(w);
  }
  return validate_kernel(std::move(k));
}

// The filter an address's `@file:tensor:index:shape` names, from that file as the model has it
// open (the latest opening), or nullptr.
const Kernel* open_file_filter(const Model& model, const AddressState::FileFilter& f) {
  const std::vector<FileBank>& files = model.file_banks();
  for (auto b = files.rbegin(); b != files.rend(); ++b) {
    if (b->file_name != f.file || b->tensor != f.tensor) continue;
    if (shape_text(*b) != f.shape || f.index >= static_cast<int>(b->filters.size())) continue;
    return &b->filters[static_cast<std::size_t>(f.index)];
  }
  return nullptr;
}

}  // namespace

std::string encode_address_state(const Model& model) {
  std::string out = std::string("v=") + kVersion;
  for (std::size_t i = 0; i < model.map_kernels().size(); ++i)
    out += "&f=" + encode_filter(model, static_cast<int>(i));
  const ConvParams& p = model.map_params();
  out += "&padding=" + std::to_string(p.padding);
  out += std::string("&mode=") + padding_mode_name(p.padding_mode);
  out += "&stride=" + std::to_string(p.stride);
  out += "&dilation=" + std::to_string(p.dilation);
  out += std::string("&flip=") + (p.flip ? "1" : "0");
  out += std::string("&input=") + input_mode_name(model.input_mode());
  out += std::string("&cmap=") + colormap_name(model.display().colormap);
  out += std::string("&scale=") + (model.display().shared_scale ? "shared" : "each");
  return out;
}

Result<AddressState> parse_address_state(const std::string& address) {
  using R = Result<AddressState>;
  std::string text = address;
  if (!text.empty() && text[0] == '#') text.erase(0, 1);
  if (text.size() > kMaxAddressBytes)
    return R::fail("the address's settings are " + std::to_string(text.size()) +
                   " bytes; at most " + std::to_string(kMaxAddressBytes) + " are read");
  AddressState state;
  bool version = false, any_filter = false;
  int filter_number = 0;
  for (const std::string& item : split(text, '&')) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return R::fail("'" + item.substr(0, 40) + "' is not key=value");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "v") {
      if (value != kVersion)
        return R::fail("settings version '" + value.substr(0, 10) + "' is not " + kVersion);
      version = true;
    } else if (key == "f") {
      any_filter = true;
      const std::string where = "filter " + std::to_string(++filter_number);
      if (filter_number > kMaxAddressFilters)
        return R::fail("more than " + std::to_string(kMaxAddressFilters) + " filters");
      if (!value.empty() && value[0] == '@') {
        const std::vector<std::string> parts = split(value.substr(1), ':');
        AddressState::FileFilter f;
        const Result<std::string> file = decode(parts[0]);
        const Result<std::string> tensor = parts.size() > 1 ? decode(parts[1]) : file;
        if (parts.size() != 4 || !file || !tensor || file.value().empty() ||
            !parse_int(parts[2], 0, 255, f.index))
          return R::fail(where + " is not '@file:tensor:index:shape'");
        f.file = file.value();
        f.tensor = tensor.value();
        f.shape = parts[3].substr(0, 40);
        f.position = filter_number - 1;
        state.file_filters.push_back(f);
        continue;
      }
      Result<Kernel> k = parse_filter(value, where);
      if (!k) return R::fail(k.error());
      for (const Kernel& other : state.bank)
        if (other.name == k.value().name)
          return R::fail(where + ": the name '" + other.name + "' is used twice");
      state.bank.push_back(std::move(k.value()));
    } else if (key == "padding") {
      if (!parse_int(value, 0, kMaxConvParam, state.params.padding))
        return R::fail("padding must be 0 to 1000");
    } else if (key == "mode") {
      const Result<PaddingMode> mode = parse_padding_mode(value);
      if (!mode) return R::fail(mode.error());
      state.params.padding_mode = mode.value();
    } else if (key == "stride") {
      if (!parse_int(value, 1, kMaxConvParam, state.params.stride))
        return R::fail("stride must be 1 to 1000");
    } else if (key == "dilation") {
      if (!parse_int(value, 1, kMaxConvParam, state.params.dilation))
        return R::fail("dilation must be 1 to 1000");
    } else if (key == "flip") {
      if (value != "0" && value != "1") return R::fail("flip must be 0 or 1");
      state.params.flip = value == "1";
    } else if (key == "input") {
      if (value != "gray" && value != "rgb") return R::fail("input must be gray or rgb");
      state.input = value == "rgb" ? InputMode::rgb : InputMode::gray;
    } else if (key == "cmap") {
      const Result<Colormap> c = parse_colormap(value);
      if (!c) return R::fail(c.error());
      state.display.colormap = c.value();
    } else if (key == "scale") {
      if (value != "each" && value != "shared") return R::fail("scale must be each or shared");
      state.display.shared_scale = value == "shared";
    } else {
      return R::fail("unknown setting '" + key.substr(0, 40) + "'");
    }
  }
  if (!version) return R::fail("no settings version (v=1)");
  if (!any_filter) return R::fail("no filters (f=...)");
  return R::ok(std::move(state));
}

Status apply_address_state(Model& model, const std::string& address) {
  Result<AddressState> parsed = parse_address_state(address);
  if (!parsed) return Status::fail("The address's settings were not used: " + parsed.error());
  AddressState& state = parsed.value();
  // The bank in the address's order: its kernels, and each file filter from that file where the
  // model has it open; the others are named.
  std::vector<Kernel> bank;
  std::vector<const AddressState::FileFilter*> missing;
  std::size_t next_kernel = 0;
  auto file = state.file_filters.cbegin();
  for (int position = 0; position < static_cast<int>(state.bank.size() + state.file_filters.size());
       ++position) {
    if (file == state.file_filters.cend() || file->position != position) {
      bank.push_back(std::move(state.bank[next_kernel++]));
    } else if (const Kernel* k = open_file_filter(model, *file)) {
      bank.push_back(*k);
      ++file;
    } else {
      missing.push_back(&*file++);
    }
  }
  // Names tell the maps apart: a file filter listed twice, or named like a kernel of the address,
  // is refused as two kernels of one name are (parse_address_state).
  for (std::size_t i = 0; i < bank.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (bank[i].name == bank[j].name)
        return Status::fail("The address's settings were not used: the name '" +
                            printable_text(bank[i].name, 80) + "' is used twice");
  if (bank.empty())
    return Status::fail(
        "The address's settings were not used: its filters all come from files, which an address "
        "cannot carry; open " +
        printable_text(missing.front()->file, 120));
  const Status applied = model.set_bank(std::move(bank), state.params, state.input);
  if (!applied) return Status::fail("The address's settings were not used: " + applied.error());
  DisplaySettings display = model.display();
  display.colormap = state.display.colormap;
  display.shared_scale = state.display.shared_scale;
  model.set_display(display);
  if (!missing.empty()) {
    std::string files;
    for (const AddressState::FileFilter* f : missing)
      if (const std::string shown = printable_text(f->file, 120);
          files.find(shown) == std::string::npos)
        files += (files.empty() ? "" : ", ") + shown;
    model.set_status("Settings from the address; " + std::to_string(missing.size()) +
                     " of its filters come from files an address cannot carry: open " + files);
  } else {
    model.set_status("Settings from the address");
  }
  return Status::ok();
}

}  // namespace filterlens
