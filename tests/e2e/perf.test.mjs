// End-to-end tests of where people wait (issue 11 points 5 and 6), behaviours only, no timing
// thresholds: an idle page draws no frames and wakes on input and on API calls; the page fetches
// nothing the Learned filters and Train tabs need before the first maps, and those tabs still
// work once their downloads arrive. The figures themselves are scripts/bench-web.sh's.
//
//   FILTERLENS_WEB=<dir> node --test tests/e2e/perf.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');

let server, base, browser, page;
const consoleErrors = [];

before(async () => {
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  // Counts the WebGL calls that read state back: each one waits for the GPU process to finish the
  // work queued before it (see 'a frame reads nothing back from the GPU').
  await page.addInitScript(() => {
    const proto = WebGL2RenderingContext.prototype;
    window.glReadsBack = 0;
    // And every texture upload's size and format (an edit uploads its maps, not the original).
    window.texUploads = [];
    for (const name of ['texImage2D', 'texSubImage2D']) {
      const call = proto[name];
      proto[name] = function (...a) {
        const sub = name === 'texSubImage2D';  // (target, level, [x, y,] w, h, [border,] format, type, ...)
        window.texUploads.push({ width: a[sub ? 4 : 3], height: a[sub ? 5 : 4], format: a[6],
                                 data: a[8] !== null && a[8] !== undefined });
        return call.apply(this, a);
      };
    }
    // And the size of every colour pass (a drawArrays into the viewport the pass set).
    window.colourPasses = [];
    const viewport = proto.viewport, drawArrays = proto.drawArrays;
    let lastViewport = [0, 0];
    proto.viewport = function (x, y, w, h) { lastViewport = [w, h]; return viewport.call(this, x, y, w, h); };
    proto.drawArrays = function (...a) {
      window.colourPasses.push({ width: lastViewport[0], height: lastViewport[1] });
      return drawArrays.apply(this, a);
    };
    for (const name of ['getParameter', 'isEnabled', 'getError', 'getIndexedParameter',
                        'getTexParameter', 'getBufferParameter', 'getVertexAttrib',
                        'getFramebufferAttachmentParameter', 'checkFramebufferStatus',
                        'readPixels', 'getProgramParameter', 'getShaderParameter']) {
      const call = proto[name];
      proto[name] = function (...args) { ++window.glReadsBack; return call.apply(this, args); };
    }
  });
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function waitFor(fn, what, arg = undefined, timeout = 20000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

const framesDrawn = () => page.evaluate(() => window.FilterLens.framesDrawn());

// Waits until the app has stopped drawing (its settle frames after the last event are over) and
// returns the frame count it stopped at.
async function settled() {
  let last = await framesDrawn();
  for (let i = 0; i < 50; ++i) {
    await page.waitForTimeout(200);
    const now = await framesDrawn();
    if (now === last) return now;
    last = now;
  }
  throw new Error('the app never stopped drawing (frames drawn: ' + last + ')');
}

// ImGui samples the mouse once per frame: press and release must each last a frame or two.
async function clickControl(id) {
  const r = await waitFor(i => window.FilterLens.controls().find(c => c.name === i), `control ${id}`, id);
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(150);
}

test('nothing the Learned filters and Train tabs need is fetched before the first maps', async () => {
  await page.evaluate(() => window.FilterLens.tabsReady());
  const { firstMaps, resources } = await page.evaluate(() => ({
    firstMaps: performance.getEntriesByName('filterlens-first-maps')[0].startTime,
    resources: performance.getEntriesByType('resource').map(r => ({ name: new URL(r.name).pathname, start: r.startTime })),
  }));
  const later = resources.filter(r => /fashion_cnn\.weights|\/fashion\/|title-font/.test(r.name));
  // All six were fetched (the tabs have their data), and each only after the first maps existed.
  assert.equal(later.length, 6, JSON.stringify(resources));
  for (const r of later) assert.ok(r.start >= firstMaps, `${r.name} was requested at ${r.start} ms, before the first maps (${firstMaps} ms)`);
  // And what came before them: the page, the build it picked (the pthreads one brings its worker
  // script, once per worker) and the default image; nothing else.
  const { script } = await page.evaluate(() => window.FilterLens.build());
  const stem = script.replace(/\.js$/, '');
  const allowed = new Set(['chelsea.png', 'filterlens-page.css', 'filterlens-page.js', 'filterlens-input.js',
                           'filterlens-camera.js',
                           script, stem + '.wasm', stem + '.worker.js']);
  const before = resources.filter(r => r.start < firstMaps).map(r => path.basename(r.name));
  for (const name of before) assert.ok(allowed.has(name), `${name} was fetched before the first maps`);
  for (const name of ['chelsea.png', script, stem + '.wasm']) assert.ok(before.includes(name), `${name} missing`);
});

test('the Learned filters tab works after its lazy load, and train() waits for its data', async () => {
  await page.evaluate(() => window.FilterLens.tabsReady());
  const filters = await page.evaluate(() => window.FilterLens.getLearnedFilters().length);
  assert.equal(filters, 8);
  await clickControl('tab/Learned filters');
  await clickControl('tile/0');
  const map = await waitFor(() => window.FilterLens.getFeatureMaps().find(m => m.name === 'learned0'), 'learned0 in the bank');
  assert.ok(map.width > 0 && map.height > 0);
});

test('an idle page draws no frames; a mouse move and an API call wake it', async () => {
  const idle = await settled();
  await page.waitForTimeout(2000);
  assert.equal(await framesDrawn(), idle, 'frames were drawn while nothing happened');

  await page.mouse.move(700, 300);
  await page.mouse.move(720, 320);
  const afterMove = await waitFor(n => window.FilterLens.framesDrawn() > n && window.FilterLens.framesDrawn(), 'a frame after the mouse moved', idle);
  assert.ok(afterMove > idle);

  const beforeCall = await settled();
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['blur', 'edge'] }));
  await waitFor(n => window.FilterLens.framesDrawn() > n, 'a frame after setFilters', beforeCall);
  // The new maps are what the panels show: the frame drawn after the call laid out two panels.
  const panels = await waitFor(() => { const p = window.FilterLens.panels(); return p.length === 3 && p; }, 'the original and two map panels');
  assert.equal(panels.length, 3);

  // And it goes back to sleep.
  const again = await settled();
  await page.waitForTimeout(1000);
  assert.equal(await framesDrawn(), again);
});

// ImGui's OpenGL3 backend read about 30 values back (glGetIntegerv, glIsEnabled) every frame to
// restore them; in Chromium each such read blocks the main thread until the GPU process has
// drawn the frames before it (50 ms a frame with SwiftShader). src/platform/ui_renderer.cpp
// reads nothing back.
test('a frame reads nothing back from the GPU: not while hovering, not after new maps', async () => {
  const start = await settled();
  await page.evaluate(() => { window.glReadsBack = 0; });
  for (let i = 0; i < 12; ++i) await page.mouse.move(600 + 20 * i, 200 + 10 * i);  // over the maps
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  await waitFor(n => window.FilterLens.framesDrawn() > n + 5, 'frames after the moves and the new maps', start);
  await settled();
  const drawn = await framesDrawn() - start;
  assert.ok(drawn > 5, `only ${drawn} frames drawn`);
  assert.equal(await page.evaluate(() => window.glReadsBack), 0,
               `GL state was read back during ${drawn} frames`);
});

// A 300 x 200 PNG, green with a red rectangle: its size tells its uploads from the maps' (the tests
// below filter with padding 0).
const loadTestImage = () => page.evaluate(async () => {
  const canvas = new OffscreenCanvas(300, 200);
  const g = canvas.getContext('2d');
  g.fillStyle = '#4a8';
  g.fillRect(0, 0, 300, 200);
  g.fillStyle = '#e31';
  g.fillRect(60, 40, 120, 90);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  await window.FilterLens.loadImage(new Uint8Array(await blob.arrayBuffer()), 'upload-test.png');
});

// The window of its level a panel's texture holds, and the level (panel 0 the original, 1.. the
// maps).
const windowOf = panel => page.evaluate(p => {
  const M = window.Module, out = M._malloc(40);
  M._fl_texture_window(p, out);
  const v = Array.from(new Float64Array(M.wasmMemory ? M.wasmMemory.buffer : M.HEAPU8.buffer, out >>> 0, 5));
  M._free(out);
  return { level: v[0], width: v[3], height: v[4] };
}, panel);

// The uploads (with pixels) since `since` of the original's size, by format: RED (its gray level,
// a float texture) and RGBA (its colour).
async function originalUploads(since = 0) {
  const original = await windowOf(0);
  const uploads = await page.evaluate(n => window.texUploads.slice(n).filter(u => u.data), since);
  const of = format => uploads.filter(u => u.width === original.width && u.height === original.height &&
                                             u.format === format).length;
  return { gray: of(0x1903), colour: of(0x1908), all: uploads };
}

// An edit changes the maps only: the original's textures (its gray and colour) stay as uploaded.
test('an edit uploads the new maps again, not the original image', async () => {
  await loadTestImage();
  const edit = i => page.evaluate(i => window.FilterLens.setFilters({ padding: 0, filters: [
    'edge', { name: 'mine', weights: [[1, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, i, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0, 0, 1]] }] }), i);
  await edit(1);
  await settled();
  await page.evaluate(() => { window.texUploads = []; window.colourPasses = []; });
  await edit(2);
  await settled();
  const original = await windowOf(0), edge = await windowOf(1), mine = await windowOf(2);
  assert.ok(original.width > 0 && edge.width > 0 && mine.width > 0, JSON.stringify({ original, edge, mine }));
  assert.notDeepEqual(original, edge);  // the 3x3 map (padding 0) is 298 x 198 at level 0
  const uploads = await page.evaluate(() => window.texUploads.filter(u => u.data));
  const of = size => uploads.filter(u => u.width === size.width && u.height === size.height).length;
  assert.equal(of(original), 0, `the original was uploaded again: ${JSON.stringify(uploads)}`);
  assert.ok(of(mine) >= 1, `the edited map was not uploaded: ${JSON.stringify(uploads)}`);
  // Nor colour-mapped again (its gray pass never depends on the maps or the display settings).
  const passes = await page.evaluate(() => window.colourPasses);
  const passOf = size => passes.filter(p => p.width === size.width && p.height === size.height).length;
  assert.equal(passOf(original), 0, `the original's colour pass ran again: ${JSON.stringify(passes)}`);
  assert.ok(passOf(mine) >= 1, `the edited map was not colour-mapped: ${JSON.stringify(passes)}`);
});

// The original panel shows the image in gray or in colour: a new image uploads the form shown,
// and the other is uploaded when it is asked for.
test('the original is uploaded in the form shown, and in colour when asked for', async () => {
  const centreOfOriginal = async () => {  // the panel's centre pixel: inside the red rectangle
    const p = (await page.evaluate(() => window.FilterLens.panels()))[0];
    const shot = await page.screenshot({ clip: { x: p.x + p.width / 2, y: p.y + p.height / 2, width: 1, height: 1 } });
    return page.evaluate(async b64 => {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), c => c.charCodeAt(0))]));
      const g = new OffscreenCanvas(1, 1).getContext('2d');
      g.drawImage(bitmap, 0, 0);
      return Array.from(g.getImageData(0, 0, 1, 1).data.slice(0, 3));
    }, shot.toString('base64'));
  };
  await page.evaluate(() => { window.texUploads = []; });
  await loadTestImage();
  await settled();
  const gray = await originalUploads();
  assert.deepEqual([gray.gray, gray.colour], [1, 0], JSON.stringify(gray.all));
  const [r, g, b] = await centreOfOriginal();
  assert.ok(r === g && g === b, `the original is not gray: ${[r, g, b]}`);

  const since = await page.evaluate(() => window.texUploads.length);
  const box = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'display/colour'));
  assert.ok(box, 'no "original in colour" checkbox');
  const toggle = async () => {
    await page.mouse.move(box.x + box.height / 2, box.y + box.height / 2);
    await page.waitForTimeout(100);
    await page.mouse.down();
    await page.waitForTimeout(150);
    await page.mouse.up();
    await settled();
  };
  await toggle();
  const colour = await originalUploads(since);
  assert.deepEqual([colour.gray, colour.colour], [0, 1], JSON.stringify(colour.all));
  const [r2, g2, b2] = await centreOfOriginal();
  assert.ok(r2 > g2 + 100 && r2 > b2 + 100, `the original is not in colour: ${[r2, g2, b2]}`);

  await toggle();  // back to gray: the gray texture is still there
  assert.deepEqual(await centreOfOriginal(), [r, g, b]);
});

// Only the display levels a panel shows are made (the finest for the widest panel drawn): a large
// photo in the grid gets a coarse level, and the focus view's wider panel the finer one it needs,
// made for it (the maps made again with it) and uploaded.
test('a wider panel (the focus view) gets the finer level it needs of a large photo', async () => {
  await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(3200, 1829);
    const g = canvas.getContext('2d');
    for (let x = 0; x < 3200; x += 40) { g.fillStyle = x % 80 ? '#222' : '#ddd'; g.fillRect(x, 0, 40, 1829); }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    await window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 1 });
    await window.FilterLens.loadImage(new Uint8Array(await blob.arrayBuffer()), 'wide.png');
  });
  await settled();
  const panels = await page.evaluate(() => window.FilterLens.panels());
  const grid = panels.find(p => p.name === 'sharpen');
  const before = await windowOf(2);
  // A level no narrower than a panel w px wide: the largest k with 3200 / 2^k >= w.
  const wanted = w => { let k = 0; while (3200 / 2 ** (k + 1) >= w) ++k; return k; };
  assert.equal(before.level, wanted(grid.width), `grid panel ${grid.width} px`);
  await clickControl('focus/sharpen');
  const focused = await waitFor(w => {
    const p = window.FilterLens.panels().find(q => q.name === 'sharpen');
    return p && p.width > w + 50 ? p : null;
  }, 'the focused panel, wider', grid.width);
  const want = wanted(focused.width);
  assert.ok(want < before.level, `focused ${focused.width} px, grid ${grid.width} px: the same level`);
  const start = Date.now();
  let now = await windowOf(2);
  while (now.level !== want && Date.now() - start < 20000) {
    await page.waitForTimeout(200);
    now = await windowOf(2);
  }
  assert.equal(now.level, want, `the focused panel (${focused.width} px) shows level ${now.level}, not ${want}`);
  assert.equal(now.width, Math.ceil(3200 / 2 ** want));
  await clickControl('focus/sharpen');  // back to the grid
  await settled();
});

test('no errors in the console', () => {
  assert.deepEqual(consoleErrors, []);
});
