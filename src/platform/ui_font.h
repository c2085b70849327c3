// The UI font the app embeds: a subset of DejaVu Sans made at build time by
// scripts/make_ui_font.py (Latin, Greek, Cyrillic, punctuation, arrows, box drawing and shapes),
// with the matching ImGui glyph ranges and the box drawn for characters the font lacks.
#pragma once

namespace filterlens::platform {

extern const unsigned char kUiFont[];
extern const unsigned int kUiFontSize;
extern const unsigned short kUiFontRanges[];  // ImGui glyph ranges: pairs, 0-terminated
extern const unsigned short kUiFontFallback;  // U+25A1, drawn for a missing glyph

}  // namespace filterlens::platform
