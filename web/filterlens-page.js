// FilterLens page glue: checks the browser, loads the wasm app, brings images in (drag and drop
// anywhere, the file dialog, paste, URL), falls back to the browser's own decoder for formats
// stb_image cannot read, takes downloads and clipboard text out, and exposes window.FilterLens,
// the scripting API (documented in README.md). A dropped or opened .npy / .safetensors file is a
// filter bank: the app tells it from an image by its content (or extension) and loads its
// filters, with a chooser when it holds several 4-D tensors; loadBank does the same for scripts.
//
// Whatever a script or a file does, the page keeps working: every wasm address is read unsigned
// (the heap may grow past 2 GB, where a C int address is negative in JavaScript), setFilters
// checks every field before anything reaches the app and changes nothing when it throws, images
// that would not fit in the wasm memory are refused before they are copied in or decoded, and
// names and addresses are cleaned before they are shown.
'use strict';

(function () {
  const overlay = document.getElementById('overlay');
  const statusLine = document.getElementById('status');
  const progress = document.getElementById('progress');
  const fileInput = document.getElementById('file-input');
  // Right-click belongs to the app (ImGui), not the browser menu; here rather than an inline
  // handler so the Content-Security-Policy allows no inline script.
  document.getElementById('canvas').addEventListener('contextmenu', e => e.preventDefault());

  // The canvas's backing store follows its CSS box in device pixels (CSS size x
  // devicePixelRatio) through window resizes, browser zoom and moves to a monitor with another
  // pixel ratio. The app reads both sizes each frame and lays out in CSS pixels; nothing goes
  // through GLFW's window size, which in Emscripten asks for fullscreen when it equals the
  // screen's. Returns a function that applies the size again (glfwCreateWindow sets its own
  // after the observer's first report, while the CSS box stays as it was).
  function followCanvasSize(canvas) {
    let devicePixels = null;  // the exact device-pixel box, where the browser reports one
    const apply = () => {
      const rect = canvas.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      let w = Math.max(1, Math.round(rect.width * dpr));
      let h = Math.max(1, Math.round(rect.height * dpr));
      // The browser's own rounding of a fractional ratio is better, when it agrees with the ratio
      // (Chromium's device emulation reports CSS pixels there).
      if (devicePixels && Math.abs(devicePixels[0] - w) <= 1 && Math.abs(devicePixels[1] - h) <= 1)
        [w, h] = devicePixels;
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
    };
    const observer = new ResizeObserver(entries => {
      const box = entries[entries.length - 1].devicePixelContentBoxSize;
      devicePixels = box && box[0] ? [box[0].inlineSize, box[0].blockSize] : null;
      apply();
    });
    try {
      observer.observe(canvas, { box: 'device-pixel-content-box' });
    } catch (e) {
      observer.observe(canvas);  // browsers without device-pixel-content-box
    }
    // A ratio change alone (zoom, another monitor) need not resize the CSS box.
    const watchRatio = () => {
      matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`)
        .addEventListener('change', () => { devicePixels = null; apply(); watchRatio(); }, { once: true });
    };
    watchRatio();
    return apply;
  }
  const reapplyCanvasSize = followCanvasSize(document.getElementById('canvas'));

  function showProblem(text) {
    overlay.classList.remove('hidden');
    progress.remove();
    statusLine.className = 'problem';
    statusLine.textContent = text;
  }
  // Start-up progress; never over a problem already shown (the WebGL2 check may fail while the
  // app still downloads).
  function showStatus(text) {
    if (statusLine.className !== 'problem') statusLine.textContent = text;
  }

  // WebAssembly SIMD: validate a module whose one function uses an i8x16 constant (0xfd 0x0c).
  const simdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1,
    0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  function missingFeature() {
    if (typeof WebAssembly !== 'object') return 'WebAssembly';
    if (!WebAssembly.validate(simdProbe)) return 'WebAssembly SIMD';
    return null;
  }
  // Apart: the first WebGL2 context costs the GPU process's start, about 0.5-1 s with SwiftShader
  // (issue 11 point 5), so it is made while the app downloads, on the app's canvas, with the
  // attributes Emscripten's GLFW asks for (glfwCreateWindow's defaults: alpha, depth and stencil
  // bits, no multisampling), and handed to the app (GL_PREINITIALIZED_CONTEXT), which would
  // otherwise make a second one at main() (70-150 ms more, measured).
  // Keep in step with the window hints in platform_web.cpp's main() (a GLFW_SAMPLES or
  // GLFW_DEPTH_BITS hint there changes what GLFW would have asked for).
  const APP_CONTEXT = { alpha: true, depth: true, stencil: true, antialias: false };
  function missingGraphics() {
    const gl = document.getElementById('canvas').getContext('webgl2', APP_CONTEXT);
    if (!gl) return 'WebGL2';
    module.preinitializedWebGLContext = gl;
    return null;
  }

  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  let module = null;

  let running = false;  // set when the app's main() has run (runtimeReady): the bridge is usable
  function lastError() { return running ? module.UTF8ToString(module._fl_last_error()) : ''; }

  // Shows a failure found on this side of the bridge in the app, as the app shows its own, and
  // returns it as an Error to throw.
  function failure(message) {
    reportError(message);
    return new Error(message);
  }

  function requireModule() {
    if (!running) {
      throw new Error('FilterLens is not running yet: wait for FilterLens.ready first');
    }
  }

  // Every address from wasm goes through here: unsigned, so 2 GB and above stay positive.
  const addr = ptr => ptr >>> 0;

  function malloc(size) {
    const ptr = addr(module._malloc(Math.max(1, size)));
    if (!ptr) {
      throw failure('Out of memory: ' + size + ' bytes could not be allocated in the page ' +
                    '(it can use ' + Math.round(module.HEAPU8.length / 1048576) + ' MB now). ' +
                    'Open a smaller image or use fewer filters.');
    }
    return ptr;
  }

  // A lone UTF-16 surrogate (half of a pair) becomes U+FFFD first: Emscripten's stringToUTF8
  // would join it with the character after it ("a\uD800b" gave "a" and U+10062, the "b" gone).
  const wellFormed = text => (String.prototype.toWellFormed ? String(text).toWellFormed()
    : String(text).replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, m => (m.length === 2 ? m : '\uFFFD')));
  function withCString(text, fn) {
    text = wellFormed(text);
    const size = module.lengthBytesUTF8(text) + 1;
    const ptr = malloc(size);
    module.stringToUTF8(text, ptr, size);
    try { return fn(ptr); } finally { module._free(ptr); }
  }

  // Applies an address's settings unless they are the ones the app wrote there itself.
  // Downloads one at a time, a moment apart: a browser keeps only the first few of the anchors
  // clicked in one task ("All maps" of a 64-filter bank saves 129 files; 40 arrived).
  const DOWNLOAD_GAP_MS = 150;
  const downloads = [];  // {name, blob}, the first one being saved
  let batchParts = [];   // the files of the archive being gathered (batchAdd)
  function nextDownload() {
    const { name, blob } = downloads[0];
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setTimeout(() => {
      downloads.shift();
      if (downloads.length > 0) nextDownload();
    }, DOWNLOAD_GAP_MS);
  }

  let lastAddress = null;  // the app's settings as an address (written there, or about to be)
  function applyAddress(hash) {
    if (hash === lastAddress) return;
    withCString(hash, ptr => module._fl_apply_address(ptr));
  }

  // The address follows every change of the settings (the app publishes them in the frame after),
  // but the browser is asked to rewrite it at most once per ADDRESS_WRITE_MS, the newest settings
  // each time: browsers ration history.replaceState. Chromium ignores the calls past 200 in 10 s
  // (a weight dragged at 60 frames a second gets there in 3.3 s, and the address then keeps an
  // old kernel, which Share would copy), and Safari throws past 100 in 30 s. A write the browser
  // refuses is tried again later. A change after a quiet half second is written at once; Share
  // writes at once. (A reload within half a second of a burst of edits can bring back the
  // settings of the burst's middle: the browser takes the address before beforeunload runs.)
  const ADDRESS_WRITE_MS = 500, ADDRESS_RETRY_MS = 5000;
  let addressWrittenAt = -Infinity, addressTimer = 0;
  function scheduleAddressWrite(delay) {
    if (addressTimer) return;  // the write waiting takes the newest settings
    if (delay <= 0) {
      writeAddress();
    } else {
      addressTimer = setTimeout(writeAddress, delay);
    }
  }
  function cancelAddressWrite() {
    clearTimeout(addressTimer);
    addressTimer = 0;
  }
  function writeAddress() {
    cancelAddressWrite();
    if (lastAddress === null || location.hash === lastAddress) return;
    try {
      history.replaceState(null, '', lastAddress);
      addressWrittenAt = performance.now();
    } catch (e) {
      scheduleAddressWrite(ADDRESS_RETRY_MS);
    }
  }
  // The address of the settings shown, written or not yet.
  function currentAddress() {
    writeAddress();
    return lastAddress === null ? location.href : location.href.replace(/#.*$/, '') + lastAddress;
  }

  function withBytes(bytes, fn) {
    const ptr = malloc(bytes.length);
    module.HEAPU8.set(bytes, ptr);
    try { return fn(ptr); } finally { module._free(ptr); }
  }

  // A name fit to show and to save under: control characters (a newline in a file name or a
  // decoded %0A) become '_', and it is kept to 200 characters.
  function cleanName(name) {
    const text = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_');
    return text.length > 200 ? text.slice(0, 197) + '...' : text;
  }

  // Refuses what would not fit in the wasm memory before it is copied in: the file's bytes
  // (width 0) or a decoded RGBA image. The app shows the message (size and limit); this throws it.
  function checkMemory(width, height, channels, bytes, name) {
    const code = withCString(name, n => module._fl_check_memory(width, height, channels, bytes, n));
    if (code !== 0) throw new Error(lastError());
  }

  async function toBytes(data) {
    if (data instanceof Uint8Array) return data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
    throw new Error('loadImage takes a Uint8Array, an ArrayBuffer or a Blob');
  }

  // The browser's decoder, for WebP, AVIF and whatever else it can show.
  async function browserDecode(bytes) {
    const bitmap = await createImageBitmap(new Blob([bytes]), { colorSpaceConversion: 'none',
      premultiplyAlpha: 'none' });
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    bitmap.close();
    return pixels;
  }

  // Resolves when the maps are computed; rejects with the message the app shows. (The public
  // loadImage waits for `ready` first; the page's own default-image load cannot.) With
  // `acceptBanks` (a drop, the file dialog) a .npy / .safetensors file loads its filters instead.
  let loadsStarted = 0;  // loadImage calls so far (a browser decode a newer call overtook is dropped)
  async function loadImage(data, name, acceptBanks = false) {
    const mine = ++loadsStarted;
    name = cleanName(name || (data && data.name) || 'image');
    let bytes;
    try {
      bytes = await toBytes(data);
    } catch (e) {
      throw failure('Could not open ' + name + ': ' + e.message);
    }
    checkMemory(0, 0, 0, bytes.length, name);
    const open = acceptBanks ? module._fl_open_file : module._fl_load_image;
    const before = module._fl_last_ticket();
    const code = withBytes(bytes, ptr => withCString(name, n => open(ptr, bytes.length, n)));
    if (code === 0) return settledSince(before).then(info);  // a bank file may compute maps too
    if (code === 3) return answered().then(info);
    if (code === 2) {
      const firstError = lastError();
      let pixels;
      try {
        pixels = await browserDecode(bytes);
      } catch (e) {
        // Neither decoder can read it: FilterLens's message, saying the browser tried too.
        throw failure(firstError + ' (this browser cannot decode it either)');
      }
      // Another image was asked for while the browser decoded this one: the newer one rules, as
      // it does over an older image the app itself decodes (this call answers with what is shown).
      if (mine !== loadsStarted) return answered().then(info);
      const rgba = new Uint8Array(pixels.data.buffer);
      checkMemory(pixels.width, pixels.height, 4, rgba.length, name);
      const ok = withBytes(rgba, ptr => withCString(name,
        n => module._fl_load_rgba(pixels.width, pixels.height, ptr, n, 1)));
      if (ok === 0) return info();
      if (ok === 3) return answered().then(info);
    }
    throw new Error(lastError());
  }

  // ---- Background work (the pthreads build) ---------------------------------------------------
  // A call that computes maps returns 3 when the app computes them on its worker thread (the page
  // keeps drawing meanwhile). answered() resolves when they exist (the app adopted them, or the
  // maps of a newer request, which answers every older one) and rejects with the app's message
  // when the request failed; settledSince(t) is answered() for the newest request when a call
  // made one after ticket t (a bank file that recomputes), else at once (always, in the
  // single-thread build, whose tickets stay 0).
  // The app tells the page when work finished (workAnswered, from the worker's wake-up and from a
  // frame start that adopted finished work): a short computation answers in about its own time,
  // with the main thread free meanwhile (asking in a loop took a core from the computation).
  // A slow re-check (every 100 ms while something waits) is only a safety net.
  const waiting = [];  // { ticket, resolve, reject }
  let recheck = 0;
  function settleWaiting() {
    try {
      for (let i = 0; i < waiting.length;) {
        const w = waiting[i];
        const state = module._fl_ticket_state(w.ticket);  // adopts finished work
        if (state === 0) { ++i; continue; }
        waiting.splice(i, 1);
        if (state === 1) w.resolve();
        else w.reject(new Error(lastError()));
      }
    } catch (e) {  // the runtime itself failed (aborted): nothing will answer these any more
      for (const w of waiting.splice(0)) w.reject(e);
    }
    if (waiting.length && !recheck) {
      recheck = setTimeout(() => { recheck = 0; settleWaiting(); }, 100);
    }
  }
  function answered(ticket = module._fl_last_ticket()) {
    return new Promise((resolve, reject) => {
      waiting.push({ ticket, resolve, reject });
      settleWaiting();
    });
  }
  function settledSince(before) {
    const ticket = module._fl_last_ticket();
    return ticket > before ? answered(ticket) : Promise.resolve();
  }

  function info() {
    return { width: module._fl_gray_width(), height: module._fl_gray_height(),
             maps: module._fl_map_count() };
  }

  function copyFloats(ptr, count) {
    return new Float32Array(module.HEAPF32.buffer, addr(ptr), count).slice();
  }

  function getGray() {
    requireModule();
    const w = module._fl_gray_width(), h = module._fl_gray_height();
    return { name: 'gray', width: w, height: h, data: copyFloats(module._fl_gray_data(), w * h) };
  }

  function getFeatureMaps() {
    requireModule();
    const maps = [];
    for (let i = 0; i < module._fl_map_count(); ++i) {
      const w = module._fl_map_width(i), h = module._fl_map_height(i);
      maps.push({ name: module.UTF8ToString(module._fl_map_name(i)),
                  description: module.UTF8ToString(module._fl_map_description(i)), width: w, height: h,
                  channels: module._fl_map_channels(i), data: copyFloats(module._fl_map_data(i), w * h) });
    }
    return maps;
  }

  // Named rectangles of the last frame in CSS pixels relative to the canvas, which is where the
  // app lays out (for tests and embedders): which 0 = the image panels, 1 = the controls (see
  // App::control_rects for their ids).
  function namedRects(which) {
    requireModule();
    const out = malloc(16);
    const list = [];
    for (let i = 0; i < module._fl_rect_count(which); ++i) {
      module._fl_rect(which, i, out);
      const r = new Float32Array(module.HEAPF32.buffer, out, 4);
      list.push({ name: module.UTF8ToString(module._fl_rect_name(which, i)), x: r[0], y: r[1],
                  width: r[2], height: r[3] });
    }
    module._free(out);
    return list;
  }

  // The linked zoom/pan and the pixel the inspector shows (output coordinates of map `filter`).
  function viewState() {
    requireModule();
    const out = malloc(28);
    module._fl_view_state(out);
    const v = Array.from(new Float32Array(module.HEAPF32.buffer, out, 7));
    module._free(out);
    return { zoom: v[0], centerX: v[1], centerY: v[2],
             hover: v[3] ? { filter: v[4], x: v[5], y: v[6] } : null };
  }

  // ---- The guide (issue 10 point 9) ----------------------------------------------------------
  // A first visit opens it; closing it (its Close or Done button, Esc, closeGuide()) sets this
  // flag, so later visits do not. Storage may be refused (private modes, sandboxed frames): then
  // the guide opens on each visit, which is the safe side.
  const GUIDE_SEEN_KEY = 'filterlens.guideSeen';

  function guideSeen() {
    try { return localStorage.getItem(GUIDE_SEEN_KEY) === '1'; } catch (e) { return false; }
  }

  // {open, step (1-based), steps, title, highlight: {name, x, y, width, height} in CSS pixels or
  // null}: the highlight is what the guide outlined in the last frame.
  function guide() {
    requireModule();
    const out = malloc(16);
    const name = module.UTF8ToString(module._fl_guide_highlight(out));
    const r = new Float32Array(module.HEAPF32.buffer, out, 4);
    const highlight = name ? { name, x: r[0], y: r[1], width: r[2], height: r[3] } : null;
    module._free(out);
    return { open: module._fl_guide_open_now() === 1, step: module._fl_guide_step() + 1,
             steps: module._fl_guide_steps(), title: module.UTF8ToString(module._fl_guide_title()),
             highlight };
  }

  function guideStep(step) {
    requireModule();
    if (!Number.isInteger(step)) throw new Error('guideStep: step must be an integer from 1 to ' +
                                                 module._fl_guide_steps() + ' (got ' + describe(step) + ')');
    // Clamped here, not only by the app: 1e300 is an integer to JavaScript, but not an int to wasm
    // (its conversion would wrap to another step).
    const steps = module._fl_guide_steps();
    module._fl_guide_open(Math.min(Math.max(step, 1), steps) - 1);
    return guide();
  }

  // What the guide's steps drive, as the app holds it: the bottom tab shown in the last frame,
  // the bank entry in the kernel editor, the sliding window.
  function uiState() {
    requireModule();
    const out = malloc(20);
    module._fl_animation_state(out);
    const v = new Float32Array(module.HEAPF32.buffer, out, 5);
    const animation = { active: v[0] === 1, playing: v[1] === 1, filter: v[2], step: v[3], total: v[4] };
    module._free(out);
    return { tab: module.UTF8ToString(module._fl_bottom_tab()),
             selected: module.UTF8ToString(module._fl_selected_name()), animation };
  }

  // Trains the CNN from scratch in the page on the shipped Fashion-MNIST subset; resolves with the
  // test accuracy when done. The UI stays live: the app trains a slice of each frame.
  function train(options = {}) {
    if (options === null || typeof options !== 'object') {
      return Promise.reject(failure('train: options must be an object like {epochs: 1, seed: 1}'));
    }
    const epochs = options.epochs === undefined ? 1 : options.epochs;
    const seed = options.seed === undefined ? 1 : options.seed;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 10) {
      return Promise.reject(failure('train: epochs must be an integer from 1 to 10 (got ' + describe(epochs) + ')'));
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      return Promise.reject(failure('train: seed must be an integer from 0 to 4294967295 (got ' + describe(seed) + ')'));
    }
    const code = module._fl_train(epochs, seed);
    if (code !== 0) return Promise.reject(new Error(lastError()));
    return new Promise(resolve => {
      const poll = () => {
        if (module._fl_training_state() === 2) resolve({ testAccuracy: module._fl_test_accuracy() });
        else setTimeout(poll, 100);
      };
      poll();
    });
  }

  function getLearnedFilters() {
    requireModule();
    const out = malloc(25 * 4 + 12);  // 25 floats, then a double at offset 104 (8-aligned)
    const list = [];
    for (let i = 0; i < module._fl_learned_count(); ++i) {
      const like = module.UTF8ToString(module._fl_learned_filter(i, out, out + 104));
      list.push({ index: i, width: 5, height: 5,
                  weights: new Float32Array(module.HEAPF32.buffer, out, 25).slice(),
                  like, cosine: new Float64Array(module.HEAPF32.buffer, out + 104, 1)[0] });
    }
    module._free(out);
    return list;
  }

  // ---- setFilters: checked in full here, then handed over as values (never as text) ----------

  const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];
  const SPEC_KEYS = ['filters', 'padding', 'paddingMode', 'stride', 'dilation', 'flip', 'input'];
  const INPUTS = ['gray', 'rgb'];
  const FILTER_KEYS = ['name', 'weights'];
  const MAX_NAME = 64;  // characters
  const MAX_PARAM = 1000;  // padding, stride, dilation (the app's own limit)
  const FLOAT_MAX = 3.4028234663852886e38;
  // As src/core/text.h: C0, DEL, C1, line and paragraph separators, bidirectional overrides and
  // isolates (they reorder what follows them on screen).
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  // A bad value as a message can show it: strings quoted with their escapes (a newline reads \n),
  // everything kept short.
  function describe(value) {
    let text;
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (Array.isArray(value)) text = 'an array of ' + value.length;
    else if (value === null || typeof value !== 'object') text = String(value);
    else text = 'an object';
    return text.length > 40 ? text.slice(0, 37) + '...' : text;
  }

  function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) &&
           !ArrayBuffer.isView(value);
  }

  function checkName(name, where) {
    if (typeof name !== 'string') throw new Error(`${where} must be a string (got ${describe(name)})`);
    const length = [...name].length;
    if (length < 1 || length > MAX_NAME) {
      throw new Error(`${where} must be 1 to ${MAX_NAME} characters long (got ${length})`);
    }
    const control = name.match(CONTROL);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      throw new Error(`${where} contains a control character (U+${code}): ${describe(name)}`);
    }
    if (name.includes('##')) throw new Error(`${where} contains '##': ${describe(name)}`);
  }

  // weights: a non-empty rectangular array of rows (arrays or typed arrays) of finite numbers, at
  // most maxSide a side. Returns {width, height, values: Float32Array}.
  function checkWeights(weights, where, maxSide) {
    if (!Array.isArray(weights) || weights.length === 0) {
      throw new Error(`${where} must be a non-empty array of rows, like [[1, 0], [0, -1]] (got ${describe(weights)})`);
    }
    const height = weights.length;
    const rows = [];
    for (let y = 0; y < height; ++y) {
      const row = weights[y];
      if (!Array.isArray(row) && !(ArrayBuffer.isView(row) && !(row instanceof DataView))) {
        throw new Error(`${where}[${y}] must be an array of numbers (got ${describe(row)})`);
      }
      rows.push(Array.from(row));
    }
    const width = rows[0].length;
    if (width < 1 || width > maxSide || height > maxSide) {
      throw new Error(`${where} is ${height} x ${width}; kernels are 1 to ${maxSide} a side`);
    }
    const values = new Float32Array(width * height);
    for (let y = 0; y < height; ++y) {
      if (rows[y].length !== width) {
        throw new Error(`${where}: row ${y} has ${rows[y].length} numbers and row 0 has ${width} (rows must be the same length)`);
      }
      for (let x = 0; x < width; ++x) {
        const v = rows[y][x];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new Error(`${where}[${y}][${x}] must be a finite number (got ${describe(v)})`);
        }
        if (Math.abs(v) > FLOAT_MAX) {
          throw new Error(`${where}[${y}][${x}] is too large for a 32-bit float (${v})`);
        }
        values[y * width + x] = v;
      }
    }
    return { width, height, values };
  }

  // A filter's weights: rows (C = 1, as checkWeights) or [C][kh][kw] planes with C = 1 or 3 (a
  // colour filter, like a CNN's first layer). Returns {width, height, channels, values}.
  function checkFilterWeights(weights, where, maxSide) {
    const isRow = r => Array.isArray(r) || (ArrayBuffer.isView(r) && !(r instanceof DataView));
    const planes = Array.isArray(weights) && weights.length > 0 && Array.isArray(weights[0]) &&
                   weights[0].length > 0 && isRow(weights[0][0]);
    if (!planes) return { ...checkWeights(weights, where, maxSide), channels: 1 };
    const channels = weights.length;
    if (channels !== 1 && channels !== 3) {
      throw new Error(`${where} has ${channels} planes; a filter has 1 (gray) or 3 (R, G, B), as [C][kh][kw]`);
    }
    const checked = weights.map((plane, c) => checkWeights(plane, `${where}[${c}]`, maxSide));
    const { width, height } = checked[0];
    for (let c = 1; c < channels; ++c) {
      if (checked[c].width !== width || checked[c].height !== height) {
        throw new Error(`${where}[${c}] is ${checked[c].height} x ${checked[c].width} and ${where}[0] is ${height} x ${width} (planes must be the same size)`);
      }
    }
    const values = new Float32Array(channels * width * height);
    checked.forEach((p, c) => values.set(p.values, c * width * height));
    return { width, height, channels, values };
  }

  function checkInteger(value, name, lo) {
    if (!Number.isInteger(value) || value < lo || value > MAX_PARAM) {
      throw new Error(`${name} must be an integer from ${lo} to ${MAX_PARAM} (got ${describe(value)})`);
    }
    return value;
  }

  // The whole spec, read once into plain values (a getter cannot change it half-way), or throws
  // with what is wrong. Keys left out take their defaults, as the app's parameters do.
  function checkSpec(spec) {
    if (!isPlainObject(spec)) {
      throw new Error(`the spec must be an object like {filters: ['edge']} (got ${describe(spec)})`);
    }
    for (const key of Object.keys(spec)) {
      if (!SPEC_KEYS.includes(key)) {
        throw new Error(`unknown key ${describe(key)} (use ${SPEC_KEYS.join(', ')})`);
      }
    }
    const filters = spec.filters;
    if (!Array.isArray(filters) || filters.length === 0) {
      throw new Error(`filters must be a non-empty array of preset names and {name, weights} objects (got ${describe(filters)})`);
    }
    const maxFilters = module._fl_max_filters();
    if (filters.length > maxFilters) {
      throw new Error(`${filters.length} filters; the limit is ${maxFilters}`);
    }
    const maxSide = module._fl_max_kernel_size();
    const bank = [];
    const names = new Set();
    let customs = 0;
    for (let i = 0; i < filters.length; ++i) {
      const f = filters[i];
      let entry;
      if (typeof f === 'string') {
        checkName(f, `filters[${i}]`);
        entry = { preset: f, name: f };
      } else if (isPlainObject(f)) {
        for (const key of Object.keys(f)) {
          if (!FILTER_KEYS.includes(key)) {
            throw new Error(`filters[${i}] has an unknown key ${describe(key)} (use name and weights)`);
          }
        }
        ++customs;
        const name = f.name === undefined ? 'custom' + customs : f.name;
        checkName(name, `filters[${i}].name`);
        entry = { name, ...checkFilterWeights(f.weights, `filters[${i}].weights`, maxSide) };
      } else {
        throw new Error(`filters[${i}] must be a preset name or {name, weights} (got ${describe(f)})`);
      }
      if (names.has(entry.name)) throw new Error(`filter '${entry.name}' is listed twice`);
      names.add(entry.name);
      bank.push(entry);
    }
    const params = { padding: 1, paddingMode: 'zeros', stride: 1, dilation: 1, flip: false };
    if (spec.padding !== undefined) params.padding = checkInteger(spec.padding, 'padding', 0);
    if (spec.stride !== undefined) params.stride = checkInteger(spec.stride, 'stride', 1);
    if (spec.dilation !== undefined) params.dilation = checkInteger(spec.dilation, 'dilation', 1);
    if (spec.paddingMode !== undefined) {
      if (!PADDING_MODES.includes(spec.paddingMode)) {
        throw new Error(`paddingMode must be ${PADDING_MODES.map(m => `'${m}'`).join(', ')} (got ${describe(spec.paddingMode)})`);
      }
      params.paddingMode = spec.paddingMode;
    }
    if (spec.flip !== undefined) {
      if (typeof spec.flip !== 'boolean') throw new Error(`flip must be true or false (got ${describe(spec.flip)})`);
      params.flip = spec.flip;
    }
    // Left out: the input the filters are made for (C = 3 filters: 'rgb'), decided by the app.
    params.input = '';
    if (spec.input !== undefined) {
      if (!INPUTS.includes(spec.input)) {
        throw new Error(`input must be 'gray' or 'rgb' (got ${describe(spec.input)})`);
      }
      params.input = spec.input;
    }
    return { bank, params };
  }

  // spec: { filters: ['edge', {name: 'mine', weights: [[1, 0], [0, -1]]}, ...], padding: 1,
  //         paddingMode: 'zeros', stride: 1, dilation: 1, flip: false }. Throws on a bad spec,
  //         and then nothing has changed: the bank, the parameters and the maps are as they were.
  function setFilters(spec) {
    requireModule();
    let checked;
    try {
      checked = checkSpec(spec);
    } catch (e) {
      throw failure('setFilters: ' + e.message);
    }
    // The app checks each filter again and takes the new bank only at commit, all or nothing.
    module._fl_bank_begin();
    for (const f of checked.bank) {
      let code;
      if (f.preset !== undefined) {
        code = withCString(f.preset, n => module._fl_bank_add_preset(n));
      } else {
        const ptr = malloc(f.values.length * 4);
        try {
          module.HEAPF32.set(f.values, ptr >>> 2);
          code = withCString(f.name, n => module._fl_bank_add_kernel_c(n, f.width, f.height, f.channels, ptr));
        } finally {
          module._free(ptr);
        }
      }
      if (code !== 0) throw new Error(lastError());
    }
    const p = checked.params;
    const code = withCString(p.paddingMode, mode => withCString(p.input, input =>
      module._fl_bank_commit(p.padding, mode, p.stride, p.dilation, p.flip ? 1 : 0, input)));
    if (code === 3) return answered().then(info);  // computed on the app's worker thread
    if (code !== 0) throw new Error(lastError());
    // The pthreads build answers with a Promise every time, also for a small edit it computed at
    // once (Model::kInlineWork), so a caller's .then() works whatever the size.
    return buildScript === 'filterlens-mt.js' ? Promise.resolve(info()) : info();
  }

  // ---- Banks from files, and the inspector's reading ----------------------------------------

  // data: as loadImage takes it (a File gives its name); options: {tensor, name}. Resolves with
  // {names, shape}; rejects with the app's message, and then nothing has changed.
  async function loadBank(data, options = {}) {
    if (!isPlainObject(options)) throw failure('loadBank: options must be an object like {tensor: \'conv1.weight\'}');
    for (const key of Object.keys(options)) {
      if (!['tensor', 'name'].includes(key)) {
        throw failure(`loadBank: unknown option ${describe(key)} (use tensor and name)`);
      }
    }
    const tensor = options.tensor === undefined ? '' : options.tensor;
    if (typeof tensor !== 'string') throw failure(`loadBank: tensor must be a string (got ${describe(tensor)})`);
    if (options.name !== undefined && typeof options.name !== 'string') {
      throw failure(`loadBank: name must be a string (got ${describe(options.name)})`);
    }
    const name = cleanName(options.name || (data && data.name) || 'bank.npy');
    let bytes;
    try {
      bytes = await toBytes(data);
    } catch (e) {
      throw failure('Could not load filters from ' + name + ': ' + e.message.replace('loadImage', 'loadBank'));
    }
    checkMemory(0, 0, 0, bytes.length, name);
    const before = module._fl_last_ticket();
    const code = withBytes(bytes, ptr => withCString(name, n => withCString(tensor,
      t => module._fl_load_bank(ptr, bytes.length, n, t))));
    if (code !== 0) throw new Error(lastError());
    const names = [];
    for (let i = 0; i < module._fl_loaded_count(); ++i) names.push(module.UTF8ToString(module._fl_loaded_name(i)));
    const shape = [];
    for (let i = 0; i < module._fl_loaded_rank(); ++i) shape.push(module._fl_loaded_dim(i));
    await settledSince(before);  // the maps of the filters it added
    return { names, shape };
  }

  // How the focused output pixel comes about (the "How it works" tab), or null when the mouse
  // is on no panel: windows, kernel and products per channel as arrays of rows.
  function inspector() {
    requireModule();
    if (!module._fl_inspector_read()) return null;
    const int = i => module._fl_inspector_int(i);
    const channels = int(5), width = int(6), height = int(7);
    const planes = which => {
      const all = copyFloats(module._fl_inspector_floats(which), channels * width * height);
      const out = [];
      for (let c = 0; c < channels; ++c) {
        const rows = [];
        for (let y = 0; y < height; ++y) rows.push(Array.from(all.subarray((c * height + y) * width, (c * height + y + 1) * width)));
        out.push(rows);
      }
      return out;
    };
    return { filter: int(0), name: module.UTF8ToString(module._fl_inspector_name()), x: int(1), y: int(2),
             inputX: int(3), inputY: int(4), channels, windows: planes(0), kernel: planes(1),
             products: planes(2), channelSums: [2, 3, 4].slice(0, channels).map(i => module._fl_inspector_value(i)),
             sum: module._fl_inspector_value(0), mapValue: module._fl_inspector_value(1) };
  }

  // Shows a message in the app. Allocates directly: when memory is what failed, it stays quiet.
  function reportError(text) {
    if (!running) return;
    text = wellFormed(text);
    const size = module.lengthBytesUTF8(text) + 1;
    const ptr = addr(module._malloc(size));
    if (!ptr) return;
    module.stringToUTF8(text, ptr, size);
    module._fl_report_error(ptr);
    module._free(ptr);
  }

  function loadAndReport(data, name) {
    // The app already shows its own errors; anything else that went wrong is shown too. The
    // promise is for scripts that want to wait.
    return ready.then(() => loadImage(data, name, true)).catch(e => {
      const message = e && e.message ? e.message : String(e);
      if (message !== lastError()) reportError(message);
    });
  }

  // The last part of a URL's path, decoded for display. A malformed percent-encoding (a stray
  // '%', '%E0%A4%A') is no reason to refuse an image that downloaded fine: the name is then shown
  // as it is in the address.
  function fileNameOf(url) {
    // A data: or blob: address has no file name (its path is the bytes, or an id).
    if (url.protocol === 'data:' || url.protocol === 'blob:') return 'image';
    const last = url.pathname.split('/').pop() || url.hostname || 'image';
    try {
      return cleanName(decodeURIComponent(last));
    } catch (e) {
      return cleanName(last);
    }
  }

  async function fetchUrl(text) {
    const shown = cleanName(text);
    let url;
    try {
      url = new URL(String(text), location.href);
    } catch (e) {
      reportError('Could not load ' + shown + ': this is not a web address (it should look like ' +
        'https://example.org/photo.jpg).');
      return;
    }
    if (!['http:', 'https:', 'data:', 'blob:'].includes(url.protocol)) {
      reportError('Could not load ' + shown + ': only http and https addresses can be loaded; ' +
        'for a file on your computer, drop it here or use Open image...');
      return;
    }
    let response, bytes;
    try {
      response = await fetch(url.href, { mode: 'cors' });
    } catch (e) {
      reportError('Could not load ' + shown + ': the browser blocked the download or the network ' +
        'failed. Most sites do not allow other pages to read their images (CORS). Save the ' +
        'image to your computer and drop it here instead.');
      return;
    }
    if (!response.ok) {
      reportError('Could not load ' + shown + ': the server answered ' + response.status + ' ' +
        cleanName(response.statusText) + '. Check the address.');
      return;
    }
    const name = fileNameOf(url);
    try {
      // A declared length that cannot fit is refused before the download fills the memory.
      const length = Number(response.headers.get('Content-Length'));
      if (length > 0) checkMemory(0, 0, 0, length, name);
      bytes = await response.arrayBuffer();
    } catch (e) {
      if (e.message !== lastError()) {
        reportError('Could not load ' + shown + ': the download stopped (' + e.message + ').');
      }
      return;
    }
    await loadAndReport(bytes, name);
  }

  // ---- Start-up (issue 11 point 5) ---------------------------------------------------------
  // Before the first maps the page fetches only the app and the default image (both started
  // here, as soon as this script runs; the image downloads while the wasm compiles). What only the Learned filters and Train tabs (and
  // figure titles) need comes after the first maps, with a progress line in each tab.

  // The build this page will run (see "The build pick" below) and its wasm, asked for at once
  // and first (the default image, needed only after main(), gets the bandwidth that is left).
  const isolated = self.crossOriginIsolated && typeof SharedArrayBuffer === 'function';
  const earlyWasm = { url: isolated ? 'filterlens-mt.wasm' : 'filterlens.wasm' };
  earlyWasm.response = fetch(earlyWasm.url, { credentials: 'same-origin', priority: 'high' });
  earlyWasm.response.catch(() => {});  // a missing pthreads build: the fallback fetches its own

  const defaultImage = fetch('chelsea.png', { priority: 'low' }).then(r => {
    if (!r.ok) throw new Error('chelsea.png: the server answered ' + r.status);
    return r.arrayBuffer();
  });
  defaultImage.catch(() => {});  // handled where it is used

  const kb = bytes => Math.round(bytes / 1024);

  // The body's length as it will be read, when the server says (a gzip'd body's Content-Length
  // counts the compressed bytes).
  function contentLength(response) {
    if (response.headers.get('Content-Encoding')) return 0;
    return Number(response.headers.get('Content-Length')) || 0;
  }

  // The whole body of `url` as bytes, calling onProgress(received, total) as they arrive (total
  // is 0 when the server does not say). null when the server has no such file.
  async function fetchWithProgress(url, onProgress) {
    const response = await fetch(url);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error('the server answered ' + response.status);
    const total = contentLength(response);
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(received, total);
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    return bytes;
  }

  // which 0: the Learned filters tab's line, 1: the Train tab's.
  function setDownloadNote(which, text) {
    withCString(text, p => module._fl_set_download_note(which, p));
  }

  // Resolves once the network and the training data have arrived (or failed: the tabs say why).
  let resolveTabAssets;
  const tabAssets = new Promise(res => { resolveTabAssets = res; });

  function loadTabAssets() {
    const network = (async () => {
      const what = 'the trained network (fashion_cnn.weights)';
      setDownloadNote(0, 'Downloading ' + what + '\u2026');
      try {
        const weights = await fetchWithProgress('fashion_cnn.weights', (got, total) =>
          setDownloadNote(0, 'Downloading ' + what + ': ' + kb(got) + (total ? ' of ' + kb(total) : '') + ' KB\u2026'));
        setDownloadNote(0, '');
        if (weights) {
          withBytes(weights, ptr => withCString('fashion_cnn.weights',
            n => module._fl_load_weights(ptr, weights.length, n)));
        }
      } catch (e) {
        setDownloadNote(0, 'Could not download ' + what + ': ' + e.message + '. Reload the page to try again.');
      }
    })();
    const font = fetchWithProgress('title-font.ttf', () => {}).then(bytes => {
      if (bytes) withBytes(bytes, ptr => module._fl_set_title_font(ptr, bytes.length));
    }).catch(() => {});  // figure titles then use the built-in font
    const data = (async () => {
      const what = 'the Fashion-MNIST training subset';
      const names = ['train-images-idx3', 'train-labels-idx1', 't10k-images-idx3', 't10k-labels-idx1'];
      const got = names.map(() => 0), totals = names.map(() => 0);
      const sum = list => list.reduce((a, b) => a + b, 0);
      const show = () => setDownloadNote(1, 'Downloading ' + what + ': ' + kb(sum(got)) +
        (totals.every(t => t) ? ' of ' + kb(sum(totals)) : '') + ' KB\u2026');
      setDownloadNote(1, 'Downloading ' + what + '\u2026');
      try {
        const files = await Promise.all(names.map((name, i) =>
          fetchWithProgress('fashion/' + name + '-ubyte.gz', (n, total) => { got[i] = n; totals[i] = total; show(); })));
        setDownloadNote(1, '');
        if (files.every(f => f)) {
          const ptrs = files.map(a => { const p = malloc(a.length); module.HEAPU8.set(a, p); return p; });
          module._fl_set_training_data(ptrs[0], files[0].length, ptrs[1], files[1].length,
                                       ptrs[2], files[2].length, ptrs[3], files[3].length);
          ptrs.forEach(p => module._free(p));
        }
      } catch (e) {
        setDownloadNote(1, 'Could not download ' + what + ': ' + e.message + '. Reload the page to try again.');
      }
    })();
    Promise.all([network, font, data]).then(() => resolveTabAssets());
  }

  // The wasm compiled while it downloads (instantiateStreaming), its bytes counted in the overlay.
  // The Response is rebuilt with the wasm type, so a server that labels it otherwise still works.
  function instantiateWithProgress(imports, receive) {
    const show = (got, total) => {
      if (total) { progress.max = total; progress.value = got; }
      showStatus('Downloading FilterLens: ' + kb(got) + (total ? ' of ' + kb(total) : '') + ' KB\u2026');
    };
    (async () => {
      // The wasm of the build picked below (filterlens.wasm or the pthreads filterlens-mt.wasm).
      const wasm = buildScript.replace(/\.js$/, '.wasm');
      const response = await (wasm === earlyWasm.url ? earlyWasm.response
        : fetch(wasm, { credentials: 'same-origin' }));
      if (!response.ok) throw new Error(wasm + ': the server answered ' + response.status);
      performance.mark('filterlens-wasm-response');
      const total = contentLength(response);
      let got = 0;
      const counting = new TransformStream({
        transform(chunk, controller) {
          got += chunk.length;
          show(got, total);
          controller.enqueue(chunk);
        },
        flush() {
          performance.mark('filterlens-wasm-downloaded');
          showStatus('Compiling FilterLens\u2026');
        },
      });
      const typed = new Response(response.body.pipeThrough(counting), { headers: { 'Content-Type': 'application/wasm' } });
      const result = WebAssembly.instantiateStreaming
        ? await WebAssembly.instantiateStreaming(typed, imports)
        : await WebAssembly.instantiate(await typed.arrayBuffer(), imports);
      performance.mark('filterlens-wasm-compiled');
      if (await graphicsMissing) return;  // the page says what is missing; main() must not run
      showStatus('Starting\u2026');
      receive(result.instance, result.module);
    })().catch(e => showProblem('Could not load FilterLens: ' + e.message + '. Reload the page to try again.'));
    return {};  // the exports arrive through receive
  }

  // ---- Idle means idle (issue 11 point 6) ---------------------------------------------------
  // The app draws only when woken (platform_web.cpp, wake_loop): by input and resizes here, and
  // by every call over the bridge, so whatever a script or a file load changes gets drawn.
  function wake() {
    if (running) window.Module._fl_wake();
  }
  // The module as the page uses it: reading any fl_* export wakes the frame loop (the counter
  // itself excepted, so watching it does not change it).
  // Its HEAP views follow the memory: in the pthreads build the app's worker thread may grow it,
  // and the views this thread holds keep the old size until refreshed.
  function wakingModule(target) {
    return new Proxy(target, {
      get(t, key) {
        if (typeof key === 'string' && key.startsWith('_fl_') && key !== '_fl_frames_drawn') wake();
        if ((key === 'HEAPU8' || key === 'HEAPF32') && t.wasmMemory &&
            t.HEAPU8.buffer !== t.wasmMemory.buffer) {
          t.HEAPU8 = new Uint8Array(t.wasmMemory.buffer);
          t.HEAPF32 = new Float32Array(t.wasmMemory.buffer);
        }
        return t[key];
      },
    });
  }
  function wakeOnInput(canvas) {
    const events = ['pointermove', 'pointerdown', 'pointerup', 'mousemove', 'mousedown', 'mouseup',
      'wheel', 'keydown', 'keyup', 'touchstart', 'touchmove', 'touchend', 'touchcancel', 'focus',
      'blur', 'resize', 'dragover', 'drop'];
    for (const type of events) window.addEventListener(type, wake, { capture: true, passive: true });
    document.addEventListener('visibilitychange', wake);
    new ResizeObserver(wake).observe(canvas);  // a new backing store is blank until drawn
    // A pixel-ratio change that neither the resize event nor the observer reports (Chromium's
    // device emulation, some zoom paths): the next frame refits the canvas. A comparison four
    // times a second costs nothing; the loop only runs when it changed.
    let ratio = window.devicePixelRatio;
    setInterval(() => {
      if (window.devicePixelRatio !== ratio) { ratio = window.devicePixelRatio; wake(); }
    }, 250);
  }
  wakeOnInput(document.getElementById('canvas'));

  // Bridge functions the wasm side calls (EM_JS in src/platform/platform_web.cpp).
  // The camera's script, fetched the first time it is needed (nothing before the first maps does).
  let cameraLoad = null;
  function cameraScript() {
    if (window.FilterLensCamera) return Promise.resolve(window.FilterLensCamera);
    cameraLoad = cameraLoad || new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = 'filterlens-camera.js';
      script.onload = () => resolve(window.FilterLensCamera);
      script.onerror = () => {
        cameraLoad = null;
        reject(failure('Could not start the camera: filterlens-camera.js did not load'));
      };
      document.head.appendChild(script);
    });
    return cameraLoad;
  }

  window.FilterLensPage = {
    // The app's Camera button (platform_web.cpp js_camera_start).
    startCamera() {
      cameraScript().then(c => c.start({ width: 1280, height: 720 })).catch(() => {});
    },
    // The app calls this when the backing store no longer matches CSS size x devicePixelRatio
    // (a ratio change the browser announced to neither the observer nor the media query).
    fitCanvas() { reapplyCanvasSize(); },
    // Background work finished (the pthreads build): the promises waiting for it answer.
    workAnswered() { if (waiting.length) settleWaiting(); },
    runtimeReady() {
      performance.mark('filterlens-main-returned');
      running = true;
      module = wakingModule(module);
      reapplyCanvasSize();  // main() created the GLFW window, which set a size of its own
      overlay.classList.add('hidden');
      defaultImage
        .then(image => {
          performance.mark('filterlens-default-image-load');
          return loadImage(image, 'chelsea.png (default image)');
        })
        .catch(() => {})
        .then(() => {
          // When the first maps exist, for the benchmark and the start-up test to compare with.
          performance.mark('filterlens-first-maps');
          // The settings a shared or reloaded address carries (a bad one is reported, and the
          // default bank stays); from here on the app keeps the address up to date.
          const before = module._fl_last_ticket();
          applyAddress(location.hash);
          window.addEventListener('hashchange', () => {
            // An address typed or followed by the person rules over a write still waiting (and
            // Share copies it until the app publishes the settings it gives).
            cancelAddressWrite();
            applyAddress(location.hash);
            lastAddress = location.hash;
          });
          // Leaving the page (a tab closed, another page, the back/forward cache) writes what waits;
          // these events do not cost the back/forward cache. (A reload takes the address before
          // any of them: see ADDRESS_WRITE_MS.)
          window.addEventListener('pagehide', () => writeAddress());
          document.addEventListener('visibilitychange', () => {
            if (document.visibilityState === 'hidden') writeAddress();
          });
          // `ready` means the maps the address asks for exist (the pthreads build computes them
          // in the background).
          return settledSince(before).catch(() => {});
        })
        .then(() => {
          if (!guideSeen()) module._fl_guide_open(0);  // on the image just shown
          resolveReady(window.FilterLens);
          loadTabAssets();  // only now: nothing the first maps do not need comes before them
        });
    },
    // The settings as the address's `#` part (replaceState: no history entry per edit).
    setAddress(text) {
      lastAddress = '#' + text;
      scheduleAddressWrite(addressWrittenAt + ADDRESS_WRITE_MS - performance.now());
    },
    // Share: the app gives the settings shown (the address bar may hold a refused address).
    shareAddress(text) {
      cancelAddressWrite();
      lastAddress = '#' + text;
      FilterLensPage.copyText(currentAddress());
    },
    rememberGuideSeen() {
      try { localStorage.setItem(GUIDE_SEEN_KEY, '1'); } catch (e) { /* kept for this visit only */ }
    },
    saveFile(name, bytes) {
      downloads.push({ name, blob: new Blob([bytes]) });  // a copy: `bytes` views the wasm heap
      if (downloads.length === 1) nextDownload();
    },
    // "All maps" as one .zip: the app hands over each file with its zip header (src/core/zip.h),
    // kept as a Blob (the browser may keep it on disk), then the directory, and the archive is
    // one download.
    batchAdd(header, bytes) {
      batchParts.push(new Blob([header, bytes]));
    },
    batchFinish(name, directory) {
      downloads.push({ name, blob: new Blob([...batchParts, directory], { type: 'application/zip' }) });
      batchParts = [];
      if (downloads.length === 1) nextDownload();
    },
    copyText(text) {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).catch(() => reportError('The browser did not allow ' +
          'copying to the clipboard; click the page first, then try again.'));
      }
    },
    openDialog() { fileInput.click(); },
    fetchUrl(url) { return fetchUrl(url); },
  };

  // A finger on the canvas (guide's buttons, every ImGui control): Emscripten 3.1.6's GLFW turns
  // touchstart / touchend into a press and release at the *last mouse position* (it reads no
  // coordinates from touch events), and the browser's compatibility mouse events then click a
  // second time. So one-finger touches first move GLFW's cursor to the finger, and the
  // compatibility events are cancelled: one tap, one click, where the finger is. (Seen: a tap on
  // the guide's Next registered 1 time in 3 before, 4 in 4 after.) Two-finger touches are left
  // alone.
  // A touch that starts on a map panel is a gesture (pan, pinch, tap: filterlens-input.js), not
  // a click: it is left alone here, so the pointer does not hover the panel on its own.
  const canvasElement = document.getElementById('canvas');
  let onPanel = false;
  function touchAtFinger(e) {
    if (e.target !== canvasElement || e.touches.length > 1) return;
    const t = e.changedTouches[0];
    if (e.type === 'touchstart') {
      const r = canvasElement.getBoundingClientRect();
      const m = window.Module;
      onPanel = !!(m && m._fl_panel_at) && m._fl_panel_at(t.clientX - r.left, t.clientY - r.top) >= 0;
    }
    if (onPanel) return;
    canvasElement.dispatchEvent(new MouseEvent('mousemove', { clientX: t.clientX, clientY: t.clientY,
                                                              bubbles: true }));
    if (e.type !== 'touchmove') e.preventDefault();
  }
  for (const type of ['touchstart', 'touchmove', 'touchend']) {
    window.addEventListener(type, touchAtFinger, { capture: true, passive: false });
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    if (file) loadAndReport(file, file.name);
    fileInput.value = '';
  });

  // Drag and drop anywhere on the page, with a highlight while something is over it.
  let dragDepth = 0;
  document.addEventListener('dragenter', e => { e.preventDefault(); dragDepth++; document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', e => { if (--dragDepth <= 0) { dragDepth = 0; document.body.classList.remove('dragging'); } });
  document.addEventListener('dragover', e => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  document.addEventListener('drop', e => {
    e.preventDefault();
    e.stopPropagation();  // the app reads the bytes; nothing goes through the in-memory file system
    dragDepth = 0;
    document.body.classList.remove('dragging');
    // Several files (a photo and a filter file, say) are opened one after another, in the order
    // dropped, each when the one before it is done: as if dropped one at a time.
    const files = Array.from((e.dataTransfer.files) || []);
    if (files.length) {
      files.reduce((before, file) => before.then(() => loadAndReport(file, file.name)), Promise.resolve());
      return;
    }
    const url = e.dataTransfer.getData('text/uri-list') || e.dataTransfer.getData('text/plain');
    if (url) fetchUrl(url.split('\n')[0].trim());
  }, true);

  // Paste: an image from the clipboard, or an image URL.
  document.addEventListener('paste', e => {
    for (const item of e.clipboardData.items) {
      if (item.kind === 'file' && item.type.startsWith('image/')) {
        e.preventDefault();
        loadAndReport(item.getAsFile(), 'pasted image');
        return;
      }
    }
    const text = e.clipboardData.getData('text/plain').trim();
    if (/^https?:\/\/\S+$/.test(text)) {
      e.preventDefault();
      fetchUrl(text);
    }
  });

  // ---- learnKernel (issue 12 point 5): a whole learning run, computed in the app -------------
  // {target, size, steps, lr, seed} -> {target, size, steps, lr, seed, weights, targetWeights,
  // loss, cosine}. Synchronous. weights / targetWeights are rows of numbers (like setFilters takes
  // them); loss[i] is the mean squared map difference after i steps (loss[0]: the random start).
  const LEARN_KEYS = ['target', 'size', 'steps', 'lr', 'seed'];

  function learnKernel(options = {}) {
    requireModule();
    const bad = text => failure('learnKernel: ' + text);
    if (!isPlainObject(options)) {
      throw bad('options must be an object like {target: \'edge\', steps: 300}');
    }
    for (const key of Object.keys(options)) {
      if (!LEARN_KEYS.includes(key)) {
        throw bad('unknown option ' + describe(key) + ' (known: ' + LEARN_KEYS.join(', ') + ')');
      }
    }
    const target = options.target === undefined ? 'edge' : options.target;
    if (typeof target !== 'string' || target.length < 1 || target.length > MAX_NAME ||
        CONTROL.test(target)) {
      throw bad('target must be a preset name or \'hidden\' (got ' + describe(target) + ')');
    }
    // Left out: the target's own size (0 tells the app so; 3 for 'hidden').
    const size = options.size === undefined ? 0 : options.size;
    if (size !== 0 && size !== 3 && size !== 5 || options.size === 0) {
      throw bad('size must be 3 or 5 (got ' + describe(options.size) + ')');
    }
    const steps = options.steps === undefined ? 300 : options.steps;
    if (!Number.isInteger(steps) || steps < 1 || steps > 10000) {
      throw bad('steps must be an integer from 1 to 10000 (got ' + describe(steps) + ')');
    }
    const lr = options.lr === undefined ? 0.1 : options.lr;
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0 || lr > 10) {
      throw bad('lr must be a number above 0 and at most 10 (got ' + describe(lr) + ')');
    }
    const seed = options.seed === undefined ? 1 : options.seed;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw bad('seed must be an integer from 0 to 4294967295 (got ' + describe(seed) + ')');
    }
    const code = withCString(target, t => module._fl_learn_kernel(t, size, steps, lr, seed));
    if (code !== 0) throw new Error(lastError());
    const n = module._fl_learn_size();
    const rows = ptr => {
      const flat = copyFloats(ptr, n * n);
      return Array.from({ length: n }, (_, y) => Array.from(flat.subarray(y * n, (y + 1) * n)));
    };
    const count = module._fl_learn_loss_count();
    const result = {
      target, size: n, steps, lr, seed,
      weights: rows(module._fl_learn_weights()),
      targetWeights: rows(module._fl_learn_target_weights()),
      loss: Array.from(new Float64Array(module.HEAPU8.buffer, addr(module._fl_learn_losses()), count)),
      cosine: module._fl_learn_cosine(),
    };
    module._fl_learn_free();
    return result;
  }

  window.FilterLens = {
    ready,
    loadImage: (data, name) => ready.then(() => loadImage(data, name)),
    loadBank: (data, options) => ready.then(() => loadBank(data, options)),
    setFilters,
    getGray: () => getGray(),
    getFeatureMaps: () => getFeatureMaps(),
    lastError: () => lastError(),
    panels: () => namedRects(0),
    controls: () => namedRects(1),
    train: options => ready.then(() => tabAssets).then(() => train(options)),
    // Resolves when the trained network and the training data (fetched after the first maps)
    // are in, or have failed (the tabs then say why).
    tabsReady: () => ready.then(() => tabAssets),
    learnKernel: options => learnKernel(options),
    getLearnedFilters: () => getLearnedFilters(),
    viewState: () => viewState(),
    inspector: () => inspector(),
    input: () => { requireModule(); return module._fl_input_mode() ? 'rgb' : 'gray'; },
    // Frames the app has drawn since it started: unchanged while the page is idle.
    framesDrawn: () => { requireModule(); return module._fl_frames_drawn(); },
    // Which build runs (issue 11): threads the maps are computed with, and why.
    build: () => {
      requireModule();
      return { threads: module._fl_threads(), script: buildScript,
               crossOriginIsolated: !!self.crossOriginIsolated };
    },
    guide: () => guide(),
    guideStep: step => guideStep(step),
    closeGuide: () => { requireModule(); module._fl_guide_close(); return guide(); },
    uiState: () => uiState(),
    // The live camera (web/filterlens-camera.js, fetched on first use): resolves when the first
    // frame's maps exist.
    startCamera: options => ready.then(cameraScript).then(c => c.start(options)),
    stopCamera: () => { requireModule(); if (window.FilterLensCamera) FilterLensCamera.stop(); },
    cameraStats: () => {
      requireModule();
      if (window.FilterLensCamera) return FilterLensCamera.stats();
      return { fps: 0, computeMs: 0, width: 0, height: 0, frames: 0, nominalFps: 0, running: false };
    },
  };

  const missing = missingFeature();
  if (missing) {
    showProblem('FilterLens needs ' + missing + ', which this browser does not offer. Try a ' +
      'current Chrome, Edge, Firefox or Safari.');
    rejectReady(new Error(missing + ' is missing'));
    return;
  }

  module = window.Module = {
    canvas: document.getElementById('canvas'),
    print: text => console.log(text),
    printErr: text => console.warn(text),
    setStatus: text => { if (text) showStatus(text.replace(/\(\d+\/\d+\)/, '')); },
    monitorRunDependencies: left => { if (!left) showStatus('Starting\u2026'); },
    instantiateWasm: instantiateWithProgress,
    onRuntimeInitialized: () => performance.mark('filterlens-main-start'),
    onAbort: what => showProblem('FilterLens stopped: ' +
      (what ? String(what) : 'an internal error (most likely out of memory)') +
      '. Reload the page to start again.'),
  };
  // ---- The build pick (issue 11, cpuperf): the pthreads build needs SharedArrayBuffer, which a
  // browser gives only to a cross-origin isolated page (COOP/COEP headers, scripts/serve.py).
  // Isolated: filterlens-mt.js (one worker per core); otherwise, or when that build was not
  // made (preset wasm-threads), the single-thread filterlens.js.
  let buildScript = isolated ? 'filterlens-mt.js' : 'filterlens.js';
  const loadBuild = () => {
    const script = document.createElement('script');
    script.src = buildScript;
    script.onerror = () => {
      if (buildScript === 'filterlens-mt.js') {
        console.warn('filterlens-mt.js is missing: running the single-thread build');
        buildScript = 'filterlens.js';
        loadBuild();
        return;
      }
      showProblem('Could not load filterlens.js: build the web version first (scripts/run.sh).');
    };
    document.body.appendChild(script);
  };
  loadBuild();
  // ---- end of the build pick

  // WebGL2, checked once the downloads are under way (a task later, so their requests are out);
  // the wasm's instantiation waits for the answer.
  let graphicsChecked;
  const graphicsMissing = new Promise(res => { graphicsChecked = res; });
  setTimeout(() => {
    const missingGl = missingGraphics();
    if (missingGl) {
      showProblem('FilterLens needs ' + missingGl + ', which this browser does not offer. Try a ' +
        'current Chrome, Edge, Firefox or Safari.');
      rejectReady(new Error(missingGl + ' is missing'));
    }
    graphicsChecked(missingGl);
  }, 0);
})();
