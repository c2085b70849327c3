// The settings a person can share or keep, as the `#` part of the page's address: the bank
// (presets by name, hand-made kernels with their weights, filters from files by name and shape
// only), the convolution's parameters, the input (gray / RGB) and the colour map and scale.
//
//   v=1&f=edge&f=sharpen&f=mine:3x3:1,0,-1,2,0,-2,1,0,-1&padding=1&mode=zeros&stride=1
//     &dilation=1&flip=0&input=gray&cmap=gray&scale=each
//
// One `f` per filter, in bank order: a preset's name when the filter is that preset unchanged;
// `name:HxW:weights` (or `name:3xHxW:weights`, [c][ky][kx], for a colour filter) for any other;
// `@file:tensor:index:shape` for a filter read from a .npy / .safetensors file, whose weights
// stay out of the address (a model's layer would make it megabytes): opening the address asks for
// that file. Names and file names are percent-encoded UTF-8; weights are written with 9
// significant digits, which read back as the same float.
//
// Reading is strict and bounded: an unknown key, a missing or later version, a malformed entry,
// more than kMaxAddressFilters filters, a kernel outside 1..31, a weight that is not finite or an
// address longer than kMaxAddressBytes is refused with a message saying which, before anything
// changes. The caller shows it and falls back to the default bank.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model.h"
#include "result.h"
#include "status.h"

namespace filterlens {

constexpr int kMaxAddressFilters = 256;
constexpr std::size_t kMaxAddressBytes = 4u << 20;

// What an address asks for, parsed and checked; file filters are listed, not loaded.
struct AddressState {
  std::vector<Kernel> bank;  // the filters that can be rebuilt (presets, hand-made)
  struct FileFilter {
    std::string file, tensor, shape;
    int index = 0;
    int position = 0;  // where the address lists it among all its filters (bank order)
  };
  std::vector<FileFilter> file_filters;  // filters the address names but cannot carry
  ConvParams params;
  InputMode input = InputMode::gray;
  DisplaySettings display;
};

// The address part for the maps on screen (the bank and parameters they were computed with).
std::string encode_address_state(const Model& model);

// Parses an address part (with or without the leading '#'); nothing is applied.
Result<AddressState> parse_address_state(const std::string& address);

// Parses and applies: bank, parameters, input and display change together, or nothing changes
// and the error says why. A filter from a file is taken from that file where the model has it
// open (same name, tensor and shape: an address edited on the open page keeps them), in its
// place in the bank; others cannot be rebuilt from an address: the rest is applied and status()
// names the files to open.
Status apply_address_state(Model& model, const std::string& address);

}  // namespace filterlens
