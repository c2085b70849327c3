// Model: the input the filters see (gray or RGB) and filter banks read from .npy / .safetensors
// files, with the rule that keeps them agreeing (F.conv2d refuses a weight whose C is not the
// input's):
//   - A file whose filters have the input's channel count adds them to the bank (a filter of the
//     same name is replaced: the same file opened again does not duplicate it).
//   - A file with the other count replaces the bank and switches the input; the bank it replaced
//     is kept aside, and switching the input back brings it back (so the presets are one click
//     away after loading a colour model, and the model's filters after going back to gray).
//   - Switching the input with nothing kept aside for the new input is refused with torch's
//     mismatch, naming the filter and both counts, and what to do instead.
// Every change here is all or nothing: on failure the bank, parameters, input and maps stay.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "model.h"
#include "text.h"

namespace filterlens {

const char* input_mode_name(InputMode mode) {
  return mode == InputMode::rgb ? "rgb" : "gray";
}

int input_channels(InputMode mode) {
  return mode == InputMode::rgb ? 3 : 1;
}

bool is_tensor_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ends_with = [&](const std::string& tail) {
    return lower.size() >= tail.size() &&
           lower.compare(lower.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (ends_with(".npy") || ends_with(".safetensors")) return true;
  if (data == nullptr) return false;
  if (size >= 6 && std::memcmp(data, "\x93NUMPY", 6) == 0) return true;
  // safetensors: a little-endian u64 header length that fits the file, then the JSON's '{'.
  if (size < 10 || data[8] != '{') return false;
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | data[i];
  return n >= 2 && n <= size - 8;
}

namespace {

const char* input_label(InputMode mode) {
  return mode == InputMode::rgb ? "RGB" : "gray";
}

std::string channels_text(int c) {
  return std::to_string(c) + (c == 1 ? " channel" : " channels");
}

bool same_filter(const Kernel& a, const Kernel& b) {
  return a.name == b.name && a.channels == b.channels && a.width == b.width &&
         a.height == b.height && a.weights == b.weights;
}

}  // namespace

Status Model::check_bank_input(const std::vector<Kernel>& bank, InputMode input) {
  const int c = input_channels(input);
  for (const Kernel& k : bank)
    if (k.channels != c)
      return Status::fail("filter '" + k.name + "' has " + channels_text(k.channels) + " but the " +
                          input_label(input) + " input has " + std::to_string(c) +
                          " (as F.conv2d: expected input to have " + channels_text(k.channels) +
                          ")");
  return Status::ok();
}

Status Model::set_input(InputMode mode) {
  if (mode == input_) return Status::ok();
  const bool have_other = !other_bank_.empty() && check_bank_input(other_bank_, mode);
  if (!have_other) {
    Status c = check_bank_input(bank_, mode);
    std::string message = "Cannot switch the input to " + std::string(input_label(mode)) + ": " +
                          (c ? std::string("the bank is empty") : c.error()) + ". ";
    message += mode == InputMode::rgb
                   ? "Open a model's first layer (C = 3 filters) from a .npy or .safetensors "
                     "file to filter the colour image."
                   : "'Restore presets' puts edge, sharpen and blur back on the gray input.";
    report_error(message);
    return Status::fail(message);
  }
  std::vector<Kernel> bank = other_bank_;
  Status s = apply_bank(std::move(bank), params_, mode);
  if (!s) {
    const std::string message =
        "Cannot switch the input to " + std::string(input_label(mode)) + ": " + s.error();
    report_error(message);
    return Status::fail(message);
  }
  last_error_.clear();
  status_ = std::string("Input: ") + input_label(mode) + ", with its " +
            std::to_string(bank_.size()) + " filters (the " +
            input_label(mode == InputMode::rgb ? InputMode::gray : InputMode::rgb) +
            " filters are kept for when you switch back)";
  return Status::ok();
}

Status Model::set_bank(std::vector<Kernel> bank, const ConvParams& params, InputMode input) {
  Status s = apply_bank(std::move(bank), params, input);
  if (!s) {
    report_error(s.error());
  } else {
    last_error_.clear();  // a bank that applies is the next success: the old message is stale
  }
  return s;
}

Status Model::apply_bank(std::vector<Kernel> bank, const ConvParams& params, InputMode input) {
  if (bank.empty())
    return Status::fail("The filter bank is empty: add a filter to see feature maps.");
  if (Status c = check_bank_input(bank, input); !c) return c;
  // Staged: everything goes back when the maps cannot be computed (the RGB planes a new RGB
  // input needs are made with the maps, and dropped with them while the input is gray).
  BankBefore before{0, std::move(bank_), other_bank_, params_, input_};
  const bool new_input = input != input_;
  bank_ = std::move(bank);
  params_ = params;
  if (new_input) {
    other_bank_ = before.bank;  // the other input's bank, for switching back
    input_ = input;
  }
  Status s = has_image() || opening_ ? compute_maps() : Status::ok();
  if (!s) {
    put_back(std::move(before));
    return Status::fail(s.error() + " (nothing was changed)");
  }
  if (busy() && ticket_ > answered_) {  // the worker may still fail it (poll puts it back then)
    // A bank set before this one and not computed yet keeps its `before`: the maps' settings.
    if (bank_before_.ticket == 0) bank_before_ = std::move(before);
    bank_before_.ticket = ticket_;
  }
  selected_ = 0;
  return Status::ok();
}

Status Model::restore_default_bank() {
  Status s = set_bank(default_bank(), params_, InputMode::gray);
  if (s) {
    last_error_.clear();
    status_ = "Restored the presets edge, sharpen and blur on the gray input";
  }
  return s;
}

Result<Model::BankLoad> Model::load_bank_file(const std::uint8_t* data, std::size_t size,
                                              const std::string& file_name,
                                              const std::string& tensor) {
  // Names from the file and the page (the file's, its tensors') are shown escaped: a NUL, a line
  // break or a bidirectional override in them must not cut, break or reorder the message.
  const std::string shown_file = printable_text(file_name, 120);
  auto fail = [&](const std::string& why) {
    const std::string message =
        "Could not load filters from " + shown_file + ": " + printable_text(why);
    report_error(message);
    return Result<BankLoad>::fail(message);
  };
  Result<TensorBank> read = read_tensor_bank(data, size, tensor, path_stem(file_name));
  if (!read) return fail(read.error());
  TensorBank file = std::move(read).value();
  const InputMode file_input = file.channels == 3 ? InputMode::rgb : InputMode::gray;
  bool replaces = file_input != input_;
  const std::vector<Kernel> as_read = file.filters;
  std::vector<Kernel> bank;
  if (replaces) {
    bank = file.filters;
  } else {
    // The same file and tensor opened again replaces its filters where they are; a filter that
    // only shares a name (made by hand, or from another file or tensor) stays, and the new one
    // is numbered like an added filter (it used to be replaced without a word).
    // (Filter i of the file had the name it was given then, numbered or not.)
    const FileBank* before = nullptr;
    for (const FileBank& b : file_banks_)
      if (b.file_name == file_name && b.tensor == file.tensor) before = &b;
    bank = bank_;
    for (std::size_t i = 0; i < file.filters.size(); ++i) {
      Kernel& f = file.filters[i];
      if (before != nullptr && i < before->filters.size()) f.name = before->filters[i].name;
      auto same =
          std::find_if(bank.begin(), bank.end(), [&](const Kernel& k) { return k.name == f.name; });
      // Replaced only while it is still the file's filter as read then (not one made by hand
      // under that name since, nor the file's filter edited by hand).
      if (same != bank.end() && before != nullptr && i < before->filters.size() &&
          same->width == before->filters[i].width && same->height == before->filters[i].height &&
          same->weights == before->filters[i].weights) {
        *same = f;
      } else {
        if (same != bank.end()) f.name = unused_filter_name(f.name, bank);
        bank.push_back(f);
      }
    }
  }
  // A file that fits the bank alone but not beside the filters there (a model's 256-filter layer
  // over the three presets) replaces them, as a file of the other channel count does.
  const bool over_limit = bank.size() > static_cast<std::size_t>(kMaxBankFilters);
  if (over_limit) {
    file.filters = as_read;
    bank = as_read;
    replaces = true;
  }
  const std::vector<Kernel> kept_before = bank_;
  Status s = apply_bank(std::move(bank), params_, file_input);
  if (!s) return fail(s.error());

  BankLoad out;
  for (const Kernel& f : file.filters) out.names.push_back(f.name);
  out.shape = file.shape;
  auto first = std::find_if(bank_.begin(), bank_.end(),
                            [&](const Kernel& k) { return k.name == file.filters.front().name; });
  selected_ = static_cast<int>(first - bank_.begin());

  const std::string what =
      std::to_string(file.count) + " filters " + format_shape(file.shape) + " from " + shown_file +
      (file.tensor.empty() ? std::string() : " (" + printable_text(file.tensor, 120) + ")");
  last_error_.clear();
  if (!replaces) {
    status_ = "Loaded " + what;
  } else if (over_limit) {
    status_ = "Loaded " + what + ". With the " + std::to_string(kept_before.size()) +
              " filters there the bank would hold more than " + std::to_string(kMaxBankFilters) +
              ", so they replace them ('Restore presets' brings the presets back).";
  } else if (file_input == InputMode::rgb) {
    status_ = "Loaded " + what +
              ". They see colour (C = 3), so the input is now RGB and they replace the " +
              std::to_string(kept_before.size()) +
              " gray filters: switch the input back to gray (or 'Restore presets') to get those "
              "back.";
  } else {
    status_ = "Loaded " + what +
              ". They see one channel (C = 1), so the input is now gray and they replace the " +
              std::to_string(kept_before.size()) +
              " RGB filters: switch the input back to RGB to get those back.";
  }

  file_banks_.erase(std::remove_if(file_banks_.begin(), file_banks_.end(),
                                   [&](const FileBank& b) {
                                     return b.file_name == file_name && b.tensor == file.tensor;
                                   }),
                    file_banks_.end());
  file_banks_.push_back(
      {file_name, file.format, file.tensor, file.dtype, file.shape, std::move(file.filters)});
  if (file_banks_.size() > static_cast<std::size_t>(kMaxFileBanks))
    file_banks_.erase(file_banks_.begin());
  return Result<BankLoad>::ok(std::move(out));
}

const Kernel* Model::file_filter(const std::string& name) const {
  for (auto b = file_banks_.rbegin(); b != file_banks_.rend(); ++b)
    for (const Kernel& k : b->filters)
      if (k.name == name) return &k;
  return nullptr;
}

const FileBank* Model::map_source(int i) const {
  if (i < 0 || i >= static_cast<int>(computed_bank_.size())) return nullptr;
  const Kernel& k = computed_bank_[static_cast<std::size_t>(i)];
  for (auto b = file_banks_.rbegin(); b != file_banks_.rend(); ++b)
    for (const Kernel& f : b->filters)
      if (same_filter(f, k)) return &*b;
  return nullptr;
}

}  // namespace filterlens
