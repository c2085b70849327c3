// FilterLens page: keyboard text, paste, shortcuts and touch for the app (issue 10 point 7).
//
// Emscripten 3.1.6's GLFW takes typed characters only from `keypress` events on the window:
// letters that come as `input` / composition events (dead keys, IMEs, the on-screen keyboard,
// Chromium's insertText) never arrive, and it has no paste. So while ImGui wants text (the app
// calls wantText each frame), a hidden textarea holds the focus: its input and composition
// events and the paste event carry the text to the app as UTF-8 (fl_input_text, fl_paste_text),
// and keypress stops there so nothing arrives twice. Keys (Backspace, arrows, Enter, Ctrl+A)
// still reach GLFW on the window.
//
// Ctrl/Cmd+O opens the page's file chooser inside the key event (a browser only opens it
// there) and keeps the browser's own Open dialog away. Touches that start on a map panel are a
// gesture for the app (fl_touch: pan, pinch, tap); others go on to GLFW as clicks. Loaded
// before filterlens.js, so these window listeners run before GLFW's.
(function () {
  const canvas = document.getElementById('canvas');
  const fileInput = document.getElementById('file-input');
  const sink = document.createElement('textarea');
  sink.id = 'text-sink';
  sink.setAttribute('aria-hidden', 'true');
  sink.setAttribute('autocomplete', 'off');
  sink.setAttribute('autocapitalize', 'off');
  sink.setAttribute('spellcheck', 'false');
  sink.tabIndex = -1;
  document.body.appendChild(sink);

  let wantText = false;
  const app = () => (window.Module && window.Module._fl_input_text ? window.Module : null);
  // The wasm memory as it is now: in the pthreads build a worker may have grown it, and the
  // HEAP views this thread holds still show the old size until something refreshes them.
  const heapBuffer = m => (m.wasmMemory ? m.wasmMemory.buffer : m.HEAPU8.buffer);

  function withUTF8(text, fn) {
    const m = app();
    if (!m || !text) return;
    // A lone surrogate becomes U+FFFD: stringToUTF8 would join it with the next character.
    text = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, m => (m.length === 2 ? m : '\uFFFD'));
    const size = m.lengthBytesUTF8(text) + 1;
    const ptr = m._malloc(size);
    if (!ptr) return;
    try {
      m.stringToUTF8(text, ptr, size);
      fn(m, ptr >>> 0);
    } finally {
      m._free(ptr);
    }
  }
  const sendText = text => withUTF8(text, (m, p) => m._fl_input_text(p));

  // Typed text: whole insertions, and a composition once it is committed.
  sink.addEventListener('input', e => {
    if (e.isComposing) return;
    if (e.inputType === 'insertText' || e.inputType === 'insertReplacementText') sendText(e.data || '');
    sink.value = '';
  });
  sink.addEventListener('compositionend', e => {
    sendText(e.data || '');
    sink.value = '';
  });

  // Before the page's own paste handler (images and URLs): text pasted into a field is text.
  window.addEventListener('paste', e => {
    if (!wantText || !e.clipboardData) return;
    const text = e.clipboardData.getData('text/plain');
    if (!text) return;  // an image: the page opens it
    e.preventDefault();
    e.stopImmediatePropagation();
    withUTF8(text, (m, p) => m._fl_paste_text(p));
  }, true);

  window.addEventListener('keypress', e => {
    if (e.target === sink) e.stopImmediatePropagation();  // the input event brings the text
  }, true);

  // Emscripten's GLFW releases every held key on any blur it sees on the window (a capture
  // listener, so also an element's): right for the window losing the keyboard, whose key-ups
  // never come, but the keyboard moving between the text sink and the canvas (wantText below, a
  // frame after a field opens or closes) stays in the page, and the keys are still down. A
  // Control held for a Control + click on the next cell was released so, when the frame closing
  // the last field came during the click on a slow frame: the click became a drag and the typed
  // value went nowhere.
  window.addEventListener('blur', e => {
    const inside = t => t === sink || t === canvas;
    if (inside(e.target) && inside(e.relatedTarget)) e.stopImmediatePropagation();
  }, true);

  window.addEventListener('keydown', e => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'o' || e.key === 'O') && !wantText) {
      e.preventDefault();  // not the browser's Open dialog
      e.stopImmediatePropagation();
      if (app()) fileInput.click();
    }
  }, true);

  // ---- Touchpad pinch ----
  // A pinch arrives as a wheel event with ctrlKey and no Control key; Emscripten's GLFW drops
  // ctrlKey, so the app is told that this wheel zooms (over a grid of many maps that scrolls, a
  // plain wheel scrolls it and Ctrl + wheel zooms).
  window.addEventListener('wheel', e => {
    const m = app();
    if (m && e.ctrlKey && e.target === canvas && m._fl_zoom_wheel) m._fl_zoom_wheel();
  }, { capture: true, passive: true });

  // ---- Touch ----
  let gesture = false;  // the current touches belong to the app's gesture
  function forwardTouches(e) {
    const m = app();
    if (!m) return;
    const rect = canvas.getBoundingClientRect();
    const list = Array.from(e.touches).slice(0, 10);
    const ptr = m._malloc(Math.max(1, list.length) * 12);
    if (!ptr) return;
    const f = new Float32Array(heapBuffer(m), ptr >>> 0, list.length * 3);
    list.forEach((t, i) => {
      f[3 * i] = t.identifier;
      f[3 * i + 1] = t.clientX - rect.left;
      f[3 * i + 2] = t.clientY - rect.top;
    });
    m._fl_touch(list.length, ptr >>> 0);
    m._free(ptr);
  }
  function onTouch(e) {
    if (e.target !== canvas) return;
    const m = app();
    if (!m) return;
    if (e.type === 'touchstart' && !gesture) {
      const rect = canvas.getBoundingClientRect();
      const t = e.touches[0];
      gesture = !!t && m._fl_panel_at(t.clientX - rect.left, t.clientY - rect.top) >= 0;
    }
    if (!gesture) {
      // A touch on the controls is the left button at the first finger: press, drag, release,
      // in the app's input queue. Emscripten's GLFW would press where its cursor last was (it
      // does not move it for touches), and the mouse events the browser makes up from a tap
      // would click a second time.
      e.preventDefault();
      e.stopImmediatePropagation();
      const t = e.type === 'touchstart' || e.type === 'touchmove' ? e.touches[0] : e.changedTouches[0];
      if (!t) return;
      const rect = canvas.getBoundingClientRect();
      const action = e.type === 'touchstart' ? 1 : e.type === 'touchmove' ? -1 : 0;
      if (action === 1 && e.touches.length > 1) return;  // a second finger: the first one leads
      m._fl_pointer((t.clientX - rect.left) * canvas.width / rect.width,
                    (t.clientY - rect.top) * canvas.height / rect.height, action);
      return;
    }
    e.preventDefault();  // no scrolling, zooming the page or mouse events made up from touches
    e.stopImmediatePropagation();
    forwardTouches(e);
    if (e.touches.length === 0) gesture = false;
  }
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'])
    window.addEventListener(type, onTouch, { capture: true, passive: false });

  window.FilterLensInput = {
    // The app, every frame: whether ImGui wants typed text.
    wantText(want) {
      wantText = want;
      if (want && document.activeElement !== sink) {
        sink.focus({ preventScroll: true });
      } else if (!want && document.activeElement === sink) {
        sink.value = '';
        canvas.focus({ preventScroll: true });
      }
    },
    wantsText: () => wantText,
  };

  // For tests and embedders: the UI font as built (size in CSS px, the character drawn for a
  // missing glyph, glyph count), whether a text field has the keyboard, and the message line.
  if (window.FilterLens) {
    window.FilterLens.fontInfo = () => {
      const m = app();
      if (!m) throw new Error('FilterLens is not running yet');
      const out = m._malloc(24);
      m._fl_font_info(out);
      const v = new Float64Array(heapBuffer(m), out >>> 0, 3);
      const info = { size: v[0], fallbackChar: v[1], glyphs: v[2] };
      m._free(out);
      return info;
    };
    window.FilterLens.textInputActive = () => wantText;
    // The message line as shown now: {error, status} ("" when none; Esc clears both).
    window.FilterLens.message = () => {
      const m = app();
      if (!m) throw new Error('FilterLens is not running yet');
      return { error: m.UTF8ToString(m._fl_message(0)), status: m.UTF8ToString(m._fl_message(1)) };
    };
  }
})();
