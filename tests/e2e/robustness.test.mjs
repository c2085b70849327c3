// End-to-end robustness of the web page (issue 9, "the page keeps working after anything"): the
// wasm heap past 2 GB, every field of setFilters (types, control characters, injection, limits,
// atomicity), images and banks that would not fit in the wasm memory, malformed URLs. Same
// harness as web.test.mjs: scripts/serve.py on port 0, Debian's Chromium via playwright-core.
//
//   FILTERLENS_WEB=<dir> FILTERLENS_CLI=<cli> node --test tests/e2e/robustness.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, startServer, launchChromium } from './harness.mjs';


const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');
const CLI = process.env.FILTERLENS_CLI || path.join(root, 'build', 'native', 'src', 'cli', 'filterlens-cli');
const ARTIFACTS = process.env.FILTERLENS_ARTIFACTS || path.join(root, 'build', 'test-artifacts');
const TWO_GB = 2 ** 31;

let server, base, browser, page;
const pageErrors = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filterlens-robust-'));

// ---- helpers ------------------------------------------------------------------------------

function python(code, ...args) {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
}

// A PNG with gradients, a sharp rectangle and a diagonal pattern, written by PIL without
// allocating more than the image (large sizes stay quick and compress to little).
function makePattern(file, width, height, seed) {
  python(`
import sys
import numpy as np
from PIL import Image
w, h, seed = ${width}, ${height}, ${seed}
x = np.arange(w, dtype=np.int32)[None, :]
y = np.arange(h, dtype=np.int32)[:, None]
img = np.empty((h, w, 3), np.uint8)
img[..., 0] = x * 255 // max(w - 1, 1)
img[..., 1] = y * 255 // max(h - 1, 1)
img[..., 2] = ((x * 7 + y * 3 + seed * 11) % 64) * 4
img[h // 4: h // 2, w // 3: 2 * w // 3] = [250, 20, 90]
Image.fromarray(img).save(sys.argv[1], compress_level=1)
`, file);
  return file;
}

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  const [h, w] = header.match(/'shape': \((\d+), (\d+)\)/).slice(1).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
  return { width: w, height: h, data };
}

function runCli(image, ...args) {
  const out = fs.mkdtempSync(path.join(tmp, 'cli-'));
  execFileSync(CLI, [image, '--out', out, ...args]);
  return out;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function loadFile(file, name) {
  return page.evaluate(({ b, n }) => window.FilterLens.loadImage(new Uint8Array(b), n),
                       { b: [...fs.readFileSync(file)], n: name });
}

// What setFilters must not change when it throws: the maps (names, sizes, every value, through a
// checksum), their descriptions, and the bank list the sidebar draws (the bank as edited).
async function snapshot() {
  await page.waitForTimeout(150);  // a frame, so the sidebar's rectangles are current
  return page.evaluate(() => ({
    maps: window.FilterLens.getFeatureMaps().map(m => {
      let sum = 0, weighted = 0;
      for (let i = 0; i < m.data.length; ++i) { sum += m.data[i]; weighted += m.data[i] * ((i % 97) + 1); }
      return { name: m.name, description: m.description, width: m.width, height: m.height,
               sum: sum.toPrecision(12), weighted: weighted.toPrecision(12) };
    }),
    bank: window.FilterLens.controls().filter(c => c.name.startsWith('bank/')).map(c => c.name),
  }));
}

async function screenshotAndCheckPanels(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(500);  // a few frames
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, timeout: 120000 });
  const panels = await page.evaluate(() => window.FilterLens.panels());
  const stats = JSON.parse(python(`
import json, sys
import numpy as np
from PIL import Image
img = np.asarray(Image.open(sys.argv[1]).convert('L')).astype(float)
out = []
for p in json.loads(sys.argv[2]):
    x, y, w, h = (int(round(p[k])) for k in ('x', 'y', 'width', 'height'))
    crop = img[y:y + h, x:x + w]
    out.append({'name': p['name'], 'std': float(crop.std()), 'size': crop.size})
print(json.dumps(out))
`, file, JSON.stringify(panels)));
  return stats;
}

// ---- fixture --------------------------------------------------------------------------------

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  assert.ok(fs.existsSync(CLI), `build the CLI first (${CLI})`);
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', e => pageErrors.push(e.message));
  page.on('crash', () => pageErrors.push('the page crashed'));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

// ---- setFilters -------------------------------------------------------------------------------

test('setFilters checks every field, and a call that throws changes nothing', async () => {
  const image = makePattern(path.join(tmp, 'fields.png'), 53, 37, 3);
  await loadFile(image, 'fields.png');
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: ['sobel_x', { name: 'mine', weights: [[1, 2], [3, 4]] }], padding: 2, stride: 2 }));
  const before = await snapshot();
  assert.deepEqual(before.maps.map(m => [m.name, m.width, m.height]), [['sobel_x', 28, 20], ['mine', 28, 20]]);
  assert.deepEqual(before.bank, ['bank/sobel_x', 'bank/mine']);

  const bad = [
    // The spec itself
    [null, /the spec must be an object/],
    ['edge', /the spec must be an object/],
    [[{ filters: ['edge'] }], /the spec must be an object/],
    [{ filters: ['edge'], strides: 2 }, /unknown key "strides"/],
    [{}, /filters must be a non-empty array/],
    [{ filters: 'edge' }, /filters must be a non-empty array/],
    [{ filters: [] }, /filters must be a non-empty array/],
    // Filters
    [{ filters: [42] }, /filters\[0\] must be a preset name or \{name, weights\}/],
    [{ filters: [null] }, /filters\[0\] must be a preset name/],
    [{ filters: ['nope'] }, /unknown filter 'nope'/],
    [{ filters: ['edge', 'edge'] }, /filter 'edge' is listed twice/],
    [{ filters: [{ name: 'a', weights: [[1]] }, { name: 'a', weights: [[2]] }] }, /filter 'a' is listed twice/],
    [{ filters: [{ name: 'a', weights: [[1]], scale: 2 }] }, /unknown key "scale"/],
    [{ filters: [{ name: 42, weights: [[1]] }] }, /filters\[0\]\.name must be a string/],
    [{ filters: [{ name: '', weights: [[1]] }] }, /must be 1 to 64 characters long \(got 0\)/],
    [{ filters: [{ name: 'x'.repeat(65), weights: [[1]] }] }, /must be 1 to 64 characters long \(got 65\)/],
    [{ filters: [{ name: 'tab\there', weights: [[1]] }] }, /control character \(U\+0009\)/],
    [{ filters: [{ name: 'del\u007f', weights: [[1]] }] }, /control character \(U\+007F\)/],
    [{ filters: [{ name: 'ls\u2028', weights: [[1]] }] }, /control character \(U\+2028\)/],
    [{ filters: [{ name: 'rlo\u202egnp.exe', weights: [[1]] }] }, /control character \(U\+202E\)/],
    [{ filters: [{ name: 'a##b', weights: [[1]] }] }, /contains '##'/],
    // Weights
    [{ filters: [{ name: 'w' }] }, /weights must be a non-empty array of rows/],
    [{ filters: [{ name: 'w', weights: [] }] }, /weights must be a non-empty array of rows/],
    [{ filters: [{ name: 'w', weights: [[]] }] }, /is 1 x 0; kernels are 1 to 31 a side/],
    [{ filters: [{ name: 'w', weights: [1, 2, 3] }] }, /weights\[0\] must be an array of numbers/],
    [{ filters: [{ name: 'w', weights: [[1, 2], [3]] }] }, /row 1 has 1 numbers and row 0 has 2/],
    [{ filters: [{ name: 'w', weights: [[1, NaN]] }] }, /weights\[0\]\[1\] must be a finite number \(got NaN\)/],
    [{ filters: [{ name: 'w', weights: [[Infinity]] }] }, /must be a finite number \(got Infinity\)/],
    [{ filters: [{ name: 'w', weights: [['1']] }] }, /must be a finite number \(got "1"\)/],
    [{ filters: [{ name: 'w', weights: [[1e39]] }] }, /too large for a 32-bit float/],
    // [C][kh][kw] planes are a filter with C channels (a colour filter has 3); 2 is no input's.
    [{ filters: [{ name: 'w', weights: [[[1]], [[2]]] }] }, /has 2 planes; a filter has 1 \(gray\) or 3/],
    // Parameters
    [{ filters: ['edge'], padding: -1 }, /padding must be an integer from 0 to 1000 \(got -1\)/],
    [{ filters: ['edge'], padding: 1.5 }, /padding must be an integer/],
    [{ filters: ['edge'], padding: '1' }, /padding must be an integer from 0 to 1000 \(got "1"\)/],
    [{ filters: ['edge'], padding: 1001 }, /padding must be an integer/],
    [{ filters: ['edge'], stride: 0 }, /stride must be an integer from 1 to 1000/],
    [{ filters: ['edge'], stride: 2 ** 32 + 1 }, /stride must be an integer/],
    [{ filters: ['edge'], dilation: null }, /dilation must be an integer/],
    [{ filters: ['edge'], paddingMode: 'mirror' }, /paddingMode must be 'zeros', 'reflect', 'replicate', 'circular' \(got "mirror"\)/],
    [{ filters: ['edge'], paddingMode: 3 }, /paddingMode must be/],
    [{ filters: ['edge'], flip: 'no' }, /flip must be true or false \(got "no"\)/],
    [{ filters: ['edge'], flip: 1 }, /flip must be true or false \(got 1\)/],
    // Valid fields, refused by the engine itself (the image is 53 x 37)
    [{ filters: ['edge'], paddingMode: 'reflect', padding: 40 }, /reflect padding of 40/],
  ];
  for (const [spec, message] of bad) {
    const error = await page.evaluate(s => {
      try { window.FilterLens.setFilters(s); return null; } catch (e) { return e.message; }
    }, spec);
    assert.ok(error !== null, `accepted: ${JSON.stringify(spec)}`);
    assert.match(error, message, JSON.stringify(spec));
    assert.match(error, /^setFilters: |reflect padding/);
    // The app shows it too.
    assert.equal(await page.evaluate(() => window.FilterLens.lastError().includes('setFilters') ||
                                            window.FilterLens.lastError().includes('reflect')), true);
  }
  assert.deepEqual(await snapshot(), before, 'a refused call changed the bank or the maps');
  assert.deepEqual(pageErrors, []);
});

test('a newline in a name or a weight cannot inject settings or filters', async () => {
  const image = makePattern(path.join(tmp, 'inject.png'), 41, 29, 4);
  await loadFile(image, 'inject.png');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'blur'] }));
  const before = await snapshot();
  const attempts = [
    { filters: ['edge\nstride 3'] },
    { filters: ['blur', { name: 'edge\nstride 3', weights: [[1]] }] },
    { filters: [{ name: 'w', weights: [['1\npreset sharpen']] }] },
    { filters: [{ name: 'w', weights: [[1, 2], ['3\npadding 9', 4]] }] },
    { filters: ['edge'], paddingMode: 'zeros\nstride 3' },
    { filters: ['edge'], padding: '1\nstride 3' },
  ];
  for (const spec of attempts) {
    const error = await page.evaluate(s => {
      try { window.FilterLens.setFilters(s); return null; } catch (e) { return e.message; }
    }, spec);
    assert.ok(error !== null, `accepted: ${JSON.stringify(spec)}`);
    assert.doesNotMatch(error, /\n/, 'the message carries the newline raw');
  }
  const after = await snapshot();
  assert.deepEqual(after, before);
  assert.deepEqual(after.maps.map(m => [m.name, m.width]), [['edge', 41], ['blur', 41]]);  // stride 1
});

test('a name with spaces stays as written; an unnamed kernel is customN, N its place among the kernels, like the CLI', async () => {
  const image = makePattern(path.join(tmp, 'names.png'), 30, 20, 5);
  await loadFile(image, 'names.png');
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: [{ weights: [[1, -1]] }, { name: 'my edge', weights: new Array(3).fill(new Float32Array([0, 1, 0])) },
              { weights: [[0.5]] }] }));
  const names = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => m.name));
  assert.deepEqual(names, ['custom1', 'my edge', 'custom3']);
  const out = runCli(image, '--kernel', '1,-1', '--kernel', '0,1,0;0,1,0;0,1,0', '--filters', 'blur');
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => Array.from(m.data)));
  assert.ok(maxAbsDiff(maps[0], readNpy(path.join(out, 'custom1.npy')).data) <= 1e-5);
  assert.ok(maxAbsDiff(maps[1], readNpy(path.join(out, 'custom2.npy')).data) <= 1e-5);
});

test('the limits: 256 filters and 31 x 31 kernels pass, 257 and 32 are refused, 10,000 at once', async () => {
  const image = makePattern(path.join(tmp, 'limits.png'), 45, 33, 6);
  await loadFile(image, 'limits.png');
  const many = n => Array.from({ length: n }, (_, i) => ({ name: 'k' + i, weights: [[(i % 7) - 3]] }));
  const ok = await page.evaluate(f => window.FilterLens.setFilters({ filters: f }), many(256));
  assert.equal(ok.maps, 256);
  const last = await page.evaluate(() => { const m = window.FilterLens.getFeatureMaps()[255]; return { name: m.name, v: m.data[100] }; });
  const gray = await page.evaluate(() => window.FilterLens.getGray().data[100]);
  assert.equal(last.name, 'k255');
  assert.ok(Math.abs(last.v - gray * ((255 % 7) - 3)) < 1e-6);
  const before = await snapshot();
  for (const n of [257, 10000]) {
    const error = await page.evaluate(f => {
      try { window.FilterLens.setFilters({ filters: f }); return null; } catch (e) { return e.message; }
    }, many(n));
    assert.equal(error, `setFilters: ${n} filters; the limit is 256`);
  }
  // Also through the bridge itself, past the page's check (a script calling the module directly).
  const direct = await page.evaluate(() => {
    const M = window.Module;
    M._fl_bank_begin();
    const name = M._malloc(16);
    let code = 0;
    for (let i = 0; i < 300 && code === 0; ++i) {
      M.stringToUTF8('p' + i, name >>> 0, 16);
      const w = M._malloc(4);
      M.HEAPF32[(w >>> 0) >>> 2] = 1;
      code = M._fl_bank_add_kernel(name, 1, 1, w);
      M._free(w);
    }
    M._free(name);
    return { code, error: window.FilterLens.lastError() };
  });
  assert.equal(direct.code, 1);
  assert.match(direct.error, /more than 256 filters/);
  assert.deepEqual(await snapshot(), before);
  // Kernel sides: 31 is the core's limit (kMaxKernelSize, issue 12).
  const side = n => Array.from({ length: n }, () => new Array(n).fill(1 / (n * n)));
  await page.evaluate(w => window.FilterLens.setFilters({ filters: [{ name: 'big', weights: w }], padding: 15 }), side(31));
  const wide = await page.evaluate(w => {
    try { window.FilterLens.setFilters({ filters: [{ name: 'huge', weights: w }] }); return null; } catch (e) { return e.message; }
  }, side(32));
  assert.match(wide, /is 32 x 32; kernels are 1 to 31 a side/);
  // The app still works: a normal bank gives the CLI's maps.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  const out = runCli(image);
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({ name: m.name, data: Array.from(m.data) })));
  for (const m of maps) assert.ok(maxAbsDiff(m.data, readNpy(path.join(out, m.name + '.npy')).data) <= 1e-5, m.name);
  assert.deepEqual(pageErrors, []);
});

// ---- memory -------------------------------------------------------------------------------------

test('a bank whose maps would not fit in the wasm memory is refused with the size and the limit', async () => {
  const image = makePattern(path.join(tmp, 'budget.png'), 200, 150, 7);
  await loadFile(image, 'budget.png');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'blur'] }));
  const before = await snapshot();
  // 256 filters, zero padding 1000: each map 2200 x 2150 floats (18 MB), 4.5 GB in all, and
  // their display levels (a third more).
  const error = await page.evaluate(() => {
    const filters = Array.from({ length: 256 }, (_, i) => ({ name: 'z' + i, weights: [[1]] }));
    try { window.FilterLens.setFilters({ filters, padding: 1000 }); return null; } catch (e) { return e.message; }
  });
  assert.match(error, /^setFilters: 256 filters on this 200 x 150 image needs about 6 GB of memory \(256 feature maps 4\.5 GB, the display levels 1\.5 GB\) but only [\d.]+ [GM]B of the 4 GB memory limit are free; use fewer filters or a smaller image$/);
  assert.deepEqual(await snapshot(), before);
  assert.deepEqual(pageErrors, []);
});

test('an image that would not fit is refused before decoding, with its size and the limit', async () => {
  // 7000 x 7000 of one colour: a small file, 49 MP.
  const huge = path.join(tmp, 'huge.png');
  python(`
import sys
from PIL import Image
Image.new('RGB', (7000, 7000), (90, 140, 200)).save(sys.argv[1])
`, huge);
  const image = makePattern(path.join(tmp, 'kept.png'), 64, 48, 8);
  await loadFile(image, 'kept.png');
  // 60 filters of 7000 x 7000 floats would be 11 GB.
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: Array.from({ length: 60 }, (_, i) => ({ name: 'f' + i, weights: [[i]] })) }));
  const before = await snapshot();
  const heapBefore = await page.evaluate(() => window.Module.HEAPU8.length);
  const error = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'huge.png').then(() => null, e => e.message),
                                    [...fs.readFileSync(huge)]);
  assert.match(error, /^Could not open huge\.png: this 7000 x 7000 image with 60 filters needs about 15\.4 GB of memory \(60 feature maps 11 GB, the display levels 3\.8 GB, the decoded pixels 280 MB\) but only [\d.]+ [GM]B of the 4 GB memory limit are free/);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), error);
  assert.deepEqual(await snapshot(), before);
  // Refused before decoding: the heap did not grow by the image (49 MP x 3 bytes).
  const heapAfter = await page.evaluate(() => window.Module.HEAPU8.length);
  assert.ok(heapAfter - heapBefore < 49e6, `the heap grew from ${heapBefore} to ${heapAfter}`);
  // With three filters it fits, and opens.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'huge.png'), [...fs.readFileSync(huge)]);
  assert.deepEqual(info, { width: 7000, height: 7000, maps: 3 });
  await loadFile(image, 'kept.png');
  assert.deepEqual(pageErrors, []);
});

test('wasm addresses past 2 GB: maps, gray image and panels stay right', { timeout: 900000 }, async () => {
  // A 600 x 400 image with replicate padding of 600 gives maps of 1798 x 1598 (11.5 MB each).
  // With 2.1 GB of the heap held while they are computed, their storage comes from past 2 GB.
  // (The old glue read such addresses as negative: "Start offset -1817197936 is outside the
  // bounds of the buffer", and WebGL drew blank panels.) In the pthreads build the app's worker
  // thread allocates them, so the page's HEAP views must follow the grown memory too.
  // A fresh page: the earlier tests' freed images leave holes low in the heap.
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  const image = makePattern(path.join(tmp, 'heap.png'), 600, 400, 2);
  await loadFile(image, 'heap.png');
  let t = Date.now();
  const phase = what => { console.log(`${what}: ${Date.now() - t} ms`); t = Date.now(); };
  const result = await page.evaluate(async () => {
    const FL = window.FilterLens, M = window.Module;
    const filler = M._malloc(2.1e9) >>> 0;
    await FL.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 600, paddingMode: 'replicate' });
    M._free(filler);
    return { filler, heap: M.HEAPU8.length, maps: [0, 1, 2].map(i => M._fl_map_data(i) >>> 0) };
  });
  assert.ok(result.filler > 0, 'the 2.1 GB filler could not be allocated');
  phase('the maps past 2 GB');
  console.log(`heap ${result.heap} bytes; maps at ${result.maps.join(', ')}`);
  assert.ok(result.maps[0] >= TWO_GB && result.maps[1] >= TWO_GB, `maps at ${result.maps} (the test needs them past 2 GB)`);
  // Against the CLI: the gray image whole, and every map at 20,000 places spread over all of it
  // (every 143rd value) plus its last row, where the addresses are highest.
  const out = runCli(image, '--padding', '600', '--padding-mode', 'replicate');
  phase('the CLI');
  const got = await page.evaluate(() => {
    const sample = (data, width) => {
      const idx = [];
      for (let i = 0; i < data.length; i += 143) idx.push(i);
      for (let i = data.length - width; i < data.length; ++i) idx.push(i);
      return { idx, values: idx.map(i => data[i]) };
    };
    return { gray: Array.from(window.FilterLens.getGray().data),
             maps: window.FilterLens.getFeatureMaps().map(m => ({ name: m.name, width: m.width, height: m.height, ...sample(m.data, m.width) })) };
  });
  phase('reading the maps');
  assert.equal(maxAbsDiff(got.gray, readNpy(path.join(out, 'gray.npy')).data), 0);
  assert.deepEqual(got.maps.map(m => [m.name, m.width, m.height]),
                   [['edge', 1798, 1598], ['sharpen', 1798, 1598], ['blur', 1798, 1598]]);
  for (const m of got.maps) {
    const want = readNpy(path.join(out, m.name + '.npy')).data;
    assert.ok(maxAbsDiff(m.values, m.idx.map(i => want[i])) <= 1e-5, m.name);
  }
  // The panels draw them (the textures come from those addresses). Shrunk about 6x, the averaged
  // display level of this pattern's thin edge lines is nearly flat: "keep contours" shows them.
  const toggle = async () => {
    const c = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'shrink/contours'));
    await page.mouse.click(c.x + c.width / 2, c.y + c.height / 2, { delay: 100 });
    await page.waitForTimeout(300);
  };
  await toggle();
  const stats = await screenshotAndCheckPanels('web-heap-2gb.png');
  await toggle();
  phase('the screenshot');
  assert.deepEqual(stats.map(s => s.name), ['Original', 'edge', 'sharpen', 'blur']);
  for (const s of stats) assert.ok(s.std > 8 && s.size > 10000, `panel ${s.name} looks blank: ${JSON.stringify(s)}`);
  assert.deepEqual(pageErrors, []);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
});

// ---- URLs -----------------------------------------------------------------------------------------

test('a malformed percent-encoding or a bad address in a URL is a message, not an exception', async () => {
  const chelsea = path.join(root, 'assets', 'chelsea.png');
  await page.route('**/odd/*', route => route.fulfill({ path: chelsea, contentType: 'image/png' }));
  const small = makePattern(path.join(tmp, 'before-url.png'), 31, 23, 9);
  await loadFile(small, 'before-url.png');
  // The image downloads fine; only its name cannot be decoded: it opens under the name as written.
  for (const name of ['bad%E0%A4%A.png', '100%.png', 'x%ZZ.png']) {
    await page.evaluate(url => window.FilterLensPage.fetchUrl(url), base + 'odd/' + name);
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.FilterLens.getGray().width), 451, name);
    assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '', name);
    await loadFile(small, 'before-url.png');
  }
  // Not an address at all: the message says so and the image stays.
  await page.evaluate(() => window.FilterLensPage.fetchUrl('http://[::1'));
  assert.match(await page.evaluate(() => window.FilterLens.lastError()), /^Could not load http:\/\/\[::1: this is not a web address/);
  await page.evaluate(() => window.FilterLensPage.fetchUrl('javascript:alert(1)'));
  assert.match(await page.evaluate(() => window.FilterLens.lastError()), /only http and https addresses can be loaded/);
  assert.equal(await page.evaluate(() => window.FilterLens.getGray().width), 31);
  assert.deepEqual(pageErrors, []);
  await page.unroute('**/odd/*');
});

test('train() checks its options', async () => {
  for (const [options, message] of [[{ epochs: 1e12 }, /epochs must be an integer from 1 to 10/],
                                    [{ epochs: '2' }, /epochs must be an integer/],
                                    [{ seed: -1 }, /seed must be an integer from 0 to 4294967295/],
                                    [null, /options must be an object/]]) {
    const error = await page.evaluate(o => window.FilterLens.train(o).then(() => null, e => e.message), options);
    assert.match(error, message, JSON.stringify(options));
  }
  assert.equal(await page.evaluate(() => window.Module._fl_training_state()), 0);  // nothing started
});
