// FilterLens page glue: checks the browser, loads the wasm app, brings images in (drag and drop
// anywhere, the file dialog, paste, URL), falls back to the browser's own decoder for formats
// stb_image cannot read, takes downloads and clipboard text out, and exposes window.FilterLens,
// the scripting API (documented in README.md).
'use strict';

(function () {
  const overlay = document.getElementById('overlay');
  const statusLine = document.getElementById('status');
  const progress = document.getElementById('progress');
  const fileInput = document.getElementById('file-input');
  // Right-click belongs to the app (ImGui), not the browser menu; here rather than an inline
  // handler so the Content-Security-Policy allows no inline script.
  document.getElementById('canvas').addEventListener('contextmenu', e => e.preventDefault());

  function showProblem(text) {
    overlay.classList.remove('hidden');
    progress.remove();
    statusLine.className = 'problem';
    statusLine.textContent = text;
  }

  // WebAssembly SIMD: validate a module whose one function uses an i8x16 constant (0xfd 0x0c).
  const simdProbe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1,
    0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  function missingFeature() {
    if (typeof WebAssembly !== 'object') return 'WebAssembly';
    if (!WebAssembly.validate(simdProbe)) return 'WebAssembly SIMD';
    if (!document.createElement('canvas').getContext('webgl2')) return 'WebGL2';
    return null;
  }

  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  let module = null;

  function lastError() { return module ? module.UTF8ToString(module._fl_last_error()) : ''; }

  function withCString(text, fn) {
    const size = module.lengthBytesUTF8(text) + 1;
    const ptr = module._malloc(size);
    module.stringToUTF8(text, ptr, size);
    try { return fn(ptr); } finally { module._free(ptr); }
  }

  function withBytes(bytes, fn) {
    const ptr = module._malloc(Math.max(1, bytes.length));
    module.HEAPU8.set(bytes, ptr);
    try { return fn(ptr); } finally { module._free(ptr); }
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
  // loadImage waits for `ready` first; the page's own default-image load cannot.)
  async function loadImage(data, name) {
    const bytes = await toBytes(data);
    name = name || (data && data.name) || 'image';
    const code = withBytes(bytes, ptr => withCString(name, n => module._fl_load_image(ptr, bytes.length, n)));
    if (code === 0) return info();
    if (code === 2) {
      const firstError = lastError();
      let pixels;
      try {
        pixels = await browserDecode(bytes);
      } catch (e) {
        throw new Error(firstError);  // neither decoder can read it: keep FilterLens's message
      }
      const rgba = new Uint8Array(pixels.data.buffer);
      const ok = withBytes(rgba, ptr => withCString(name + ' (decoded by the browser)',
        n => module._fl_load_rgba(pixels.width, pixels.height, ptr, n)));
      if (ok === 0) return info();
    }
    throw new Error(lastError());
  }

  function info() {
    return { width: module._fl_gray_width(), height: module._fl_gray_height(),
             maps: module._fl_map_count() };
  }

  function copyFloats(ptr, count) {
    return new Float32Array(module.HEAPF32.buffer, ptr, count).slice();
  }

  function getGray() {
    const w = module._fl_gray_width(), h = module._fl_gray_height();
    return { name: 'gray', width: w, height: h, data: copyFloats(module._fl_gray_data(), w * h) };
  }

  function getFeatureMaps() {
    const maps = [];
    for (let i = 0; i < module._fl_map_count(); ++i) {
      const w = module._fl_map_width(i), h = module._fl_map_height(i);
      maps.push({ name: module.UTF8ToString(module._fl_map_name(i)),
                  description: module.UTF8ToString(module._fl_map_description(i)), width: w, height: h,
                  data: copyFloats(module._fl_map_data(i), w * h) });
    }
    return maps;
  }

  // Named rectangles of the last frame in CSS pixels (for tests and embedders): which 0 = the
  // image panels, 1 = the controls (see App::control_rects for their ids).
  function namedRects(which) {
    const out = module._malloc(16);
    const canvas = module.canvas;
    const scale = canvas.getBoundingClientRect().width / canvas.width;
    const list = [];
    for (let i = 0; i < module._fl_rect_count(which); ++i) {
      module._fl_rect(which, i, out);
      const r = new Float32Array(module.HEAPF32.buffer, out, 4);
      list.push({ name: module.UTF8ToString(module._fl_rect_name(which, i)), x: r[0] * scale,
                  y: r[1] * scale, width: r[2] * scale, height: r[3] * scale });
    }
    module._free(out);
    return list;
  }

  // The linked zoom/pan and the pixel the inspector shows (output coordinates of map `filter`).
  function viewState() {
    const out = module._malloc(28);
    module._fl_view_state(out);
    const v = Array.from(new Float32Array(module.HEAPF32.buffer, out, 7));
    module._free(out);
    return { zoom: v[0], centerX: v[1], centerY: v[2],
             hover: v[3] ? { filter: v[4], x: v[5], y: v[6] } : null };
  }

  // Trains the CNN from scratch in the page on the shipped Fashion-MNIST subset; resolves with the
  // test accuracy when done. The UI stays live: the app trains a slice of each frame.
  function train(options = {}) {
    const code = module._fl_train(options.epochs || 1, options.seed || 1);
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
    const out = module._malloc(25 * 4 + 12);  // 25 floats, then a double at offset 104 (8-aligned)
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

  // spec: { filters: ['edge', {name: 'mine', weights: [[1, 0], [0, -1]]}, ...], padding: 1,
  //         paddingMode: 'zeros', stride: 1, dilation: 1, flip: false }. Throws on bad specs.
  function setFilters(spec) {
    const lines = [];
    for (const f of spec.filters || []) {
      if (typeof f === 'string') {
        lines.push('preset ' + f);
      } else {
        const name = String(f.name || 'custom').replace(/\s+/g, '_');
        lines.push('kernel ' + name + ' ' + f.weights.map(row => row.join(',')).join(';'));
      }
    }
    if (spec.padding !== undefined) lines.push('padding ' + spec.padding);
    if (spec.paddingMode !== undefined) lines.push('padding_mode ' + spec.paddingMode);
    if (spec.stride !== undefined) lines.push('stride ' + spec.stride);
    if (spec.dilation !== undefined) lines.push('dilation ' + spec.dilation);
    if (spec.flip !== undefined) lines.push('flip ' + (spec.flip ? 1 : 0));
    const code = withCString(lines.join('\n'), ptr => module._fl_set_filters(ptr));
    if (code !== 0) throw new Error(lastError());
    return info();
  }

  function reportError(text) {
    if (module) withCString(text, ptr => module._fl_report_error(ptr));
  }

  function loadAndReport(data, name) {
    // The app already shows any error; the promise is for scripts that want to wait.
    return ready.then(() => loadImage(data, name)).catch(() => {});
  }

  async function fetchUrl(url) {
    let response;
    try {
      response = await fetch(url, { mode: 'cors' });
    } catch (e) {
      reportError('Could not load ' + url + ': the browser blocked the download or the network ' +
        'failed. Most sites do not allow other pages to read their images (CORS). Save the ' +
        'image to your computer and drop it here instead.');
      return;
    }
    if (!response.ok) {
      reportError('Could not load ' + url + ': the server answered ' + response.status + ' ' +
        response.statusText + '. Check the address.');
      return;
    }
    const name = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() || url);
    loadAndReport(await response.arrayBuffer(), name);
  }

  // Bridge functions the wasm side calls (EM_JS in src/platform/platform_web.cpp).
  window.FilterLensPage = {
    runtimeReady() {
      overlay.classList.add('hidden');
      const optional = url => fetch(url).then(r => (r.ok ? r.arrayBuffer() : null)).catch(() => null);
      const subset = ['train-images-idx3', 'train-labels-idx1', 't10k-images-idx3', 't10k-labels-idx1']
        .map(name => optional('fashion/' + name + '-ubyte.gz'));
      Promise.all([fetch('chelsea.png').then(r => r.arrayBuffer()), optional('title-font.ttf'),
                   optional('fashion_cnn.weights'), ...subset])
        .then(([image, font, weights, ...data]) => {
          if (font) withBytes(new Uint8Array(font), ptr => module._fl_set_title_font(ptr, font.byteLength));
          if (weights) {
            withBytes(new Uint8Array(weights), ptr => withCString('fashion_cnn.weights',
              n => module._fl_load_weights(ptr, weights.byteLength, n)));
          }
          if (data.every(d => d)) {
            const arrays = data.map(d => new Uint8Array(d));
            const ptrs = arrays.map(a => { const p = module._malloc(a.length); module.HEAPU8.set(a, p); return p; });
            module._fl_set_training_data(ptrs[0], arrays[0].length, ptrs[1], arrays[1].length,
                                         ptrs[2], arrays[2].length, ptrs[3], arrays[3].length);
            ptrs.forEach(p => module._free(p));
          }
          return loadImage(image, 'chelsea.png (default image)');
        })
        .then(() => resolveReady(window.FilterLens), e => resolveReady(window.FilterLens));
    },
    saveFile(name, bytes) {
      const url = URL.createObjectURL(new Blob([bytes]));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    },
    copyText(text) {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).catch(() => reportError('The browser did not allow ' +
          'copying to the clipboard; click the page first, then try again.'));
      }
    },
    openDialog() { fileInput.click(); },
    fetchUrl(url) { fetchUrl(url); },
  };

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
    const file = e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) {
      loadAndReport(file, file.name);
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

  window.FilterLens = {
    ready,
    loadImage: (data, name) => ready.then(() => loadImage(data, name)),
    setFilters,
    getGray: () => getGray(),
    getFeatureMaps: () => getFeatureMaps(),
    lastError: () => lastError(),
    panels: () => namedRects(0),
    controls: () => namedRects(1),
    train: options => ready.then(() => train(options)),
    getLearnedFilters: () => getLearnedFilters(),
    viewState: () => viewState(),
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
    setStatus: text => { if (text) statusLine.textContent = text.replace(/\(\d+\/\d+\)/, ''); },
    monitorRunDependencies: left => { statusLine.textContent = left ? 'Compiling FilterLens\u2026' : 'Starting\u2026'; },
    onAbort: what => showProblem('FilterLens stopped: ' + what + '. Reload the page to start again.'),
  };
  const script = document.createElement('script');
  script.src = 'filterlens.js';
  script.onerror = () => showProblem('Could not load filterlens.js: build the web version first (scripts/run.sh).');
  document.body.appendChild(script);
})();
