// End-to-end tests of the web app in Debian's Chromium (headless, SwiftShader WebGL2), driven by
// playwright-core. Needs the wasm build (build/wasm/web) and the native CLI
// (build/native/src/cli/filterlens-cli), which scripts/test.sh builds first.
//
//   FILTERLENS_WEB=<dir> FILTERLENS_CLI=<cli> FILTERLENS_ARTIFACTS=<dir> node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PYTHON, CHROMIUM_ARGS, startServer, launchChromium } from './harness.mjs';


const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');
const CLI = process.env.FILTERLENS_CLI || path.join(root, 'build', 'native', 'src', 'cli', 'filterlens-cli');
const ARTIFACTS = process.env.FILTERLENS_ARTIFACTS || path.join(root, 'build', 'test-artifacts');

let server, base, browser, page;
const consoleErrors = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filterlens-e2e-'));

// ---- helpers ------------------------------------------------------------------------------

function python(code, ...args) {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
}

// A test photo stand-in written by PIL (same generator as the oracle tests).
function makeImage(file, width, height, seed, format = 'PNG', extra = '') {
  python(`
import sys; sys.path.insert(0, ${JSON.stringify(path.join(root, 'tests', 'oracle'))})
from common import synthetic_rgb
from PIL import Image
Image.fromarray(synthetic_rgb(${width}, ${height}, ${seed})).save(sys.argv[1], ${JSON.stringify(format)}${extra})
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

// Drops a file on the page through a real DataTransfer and drop event, as a person would.
async function dropFile(file, name) {
  const bytes = [...fs.readFileSync(file)];
  await page.evaluate(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { bytes, name });
}

// A click ImGui 1.86 cannot miss: it samples the mouse once per frame, so press and release
// must each last a frame or two.
async function clickUi(x, y) {
  await page.mouse.move(x, y);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(150);
}

// Clicks a control by its id in FilterLens.controls() (where the last frame drew it), with
// modifier keys held if given (ImGui: Control + click types a value into a drag field).
async function clickControl(id, modifiers = []) {
  const rect = await waitFor(i => window.FilterLens.controls().find(c => c.name === i), `control ${id}`, 5000, id);
  for (const m of modifiers) await page.keyboard.down(m);
  await clickUi(rect.x + rect.width / 2, rect.y + rect.height / 2);
  for (const m of modifiers) await page.keyboard.up(m);
}

// Types a number into a drag field's cell, as a person does: Control + click, the value, Enter.
async function typeIntoCell(id, value) {
  await clickControl(id, ['Control']);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(value), { delay: 30 });
  await page.waitForTimeout(100);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

async function waitFor(fn, what, timeout = 20000, arg = undefined) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

// Screenshot plus a per-panel check that each panel shows something (not one flat colour).
async function screenshotAndCheckPanels(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(300);  // a couple of frames
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
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
  return { file, panels, stats };
}

// ---- fixture --------------------------------------------------------------------------------

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  assert.ok(fs.existsSync(CLI), `build the CLI first (${CLI})`);
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

// ---- tests ------------------------------------------------------------------------------------

test('the page loads with no console errors and shows the default image', async () => {
  const state = await page.evaluate(() => ({
    gray: window.FilterLens.getGray(), maps: window.FilterLens.getFeatureMaps().map(m => m.name),
    error: window.FilterLens.lastError() }));
  assert.equal(state.gray.width, 451);
  assert.equal(state.gray.height, 300);
  assert.deepEqual(state.maps, ['edge', 'sharpen', 'blur']);
  assert.equal(state.error, '');
  const { stats } = await screenshotAndCheckPanels('web-default.png');
  assert.deepEqual(stats.map(s => s.name), ['Original', 'edge', 'sharpen', 'blur']);
  for (const s of stats) assert.ok(s.std > 8 && s.size > 10000, `panel ${s.name} looks blank: ${JSON.stringify(s)}`);
  assert.deepEqual(consoleErrors, []);
});

test('a dropped file gives the same maps as the CLI', async () => {
  const image = makeImage(path.join(tmp, 'dropped.png'), 97, 61, 5);
  const out = runCli(image);
  await dropFile(image, 'dropped.png');
  await waitFor(() => window.FilterLens.getGray().width === 97, 'the dropped image');
  const { gray, maps } = await page.evaluate(() => ({
    gray: Array.from(window.FilterLens.getGray().data),
    maps: window.FilterLens.getFeatureMaps().map(m => ({ ...m, data: Array.from(m.data) })) }));
  assert.equal(maxAbsDiff(gray, readNpy(path.join(out, 'gray.npy')).data), 0);
  assert.equal(maps.length, 3);
  for (const m of maps) {
    const want = readNpy(path.join(out, m.name + '.npy'));
    assert.equal(m.width, want.width);
    assert.equal(m.height, want.height);
    assert.ok(maxAbsDiff(m.data, want.data) <= 1e-5, m.name);
  }
});

test('pasting an image from the clipboard loads it', async () => {
  const image = makeImage(path.join(tmp, 'pasted.png'), 45, 33, 12);
  await page.evaluate(bytes => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'clip.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, [...fs.readFileSync(image)]);
  await waitFor(() => window.FilterLens.getGray().width === 45, 'the pasted image');
  const out = runCli(image);
  const gray = await page.evaluate(() => Array.from(window.FilterLens.getGray().data));
  assert.equal(maxAbsDiff(gray, readNpy(path.join(out, 'gray.npy')).data), 0);
});

test('a bad file shows its error and leaves the previous maps in place', async () => {
  const before = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.width, m.data[17]]));
  const bad = path.join(tmp, 'broken.png');
  fs.writeFileSync(bad, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64)]));
  await dropFile(bad, 'broken.png');
  const error = await waitFor(() => window.FilterLens.lastError(), 'the error message');
  assert.match(error, /broken\.png/);
  assert.match(error, /PNG/);
  const afterDrop = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.width, m.data[17]]));
  assert.deepEqual(afterDrop, before);
  await assert.rejects(page.evaluate(() => window.FilterLens.loadImage(new Uint8Array([1, 2, 3]), 'junk.bin')),
                       /not an image FilterLens can read/);
  const { stats } = await screenshotAndCheckPanels('web-error.png');
  for (const s of stats) assert.ok(s.std > 8, `panel ${s.name} looks blank after an error`);
});

test('an image wider than the GPU can hold is filtered and shown at a display level that fits', async () => {
  const maxSide = await page.evaluate(() => document.createElement('canvas').getContext('webgl2').getParameter(WebGL2RenderingContext.MAX_TEXTURE_SIZE));
  const wide = makeImage(path.join(tmp, 'wide.png'), maxSide + 16, 12, 13);
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'wide.png'), [...fs.readFileSync(wide)]);
  assert.equal(info.width, maxSide + 16);
  assert.equal((await page.evaluate(() => window.FilterLens.getFeatureMaps()))[0].width, maxSide + 16);
  await page.waitForTimeout(300);  // frames: the upload picks a level no wider than the GPU allows
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  const panels = await page.evaluate(() => window.FilterLens.panels());
  assert.deepEqual(panels.map(p => p.name), ['Original', 'edge', 'sharpen', 'blur']);
  // Zoomed in as far as it goes (one panel pixel per image pixel and more), still no GPU error.
  const o = panels[0];
  await page.mouse.move(o.x + o.width / 2, o.y + o.height / 2);
  for (let i = 0; i < 30; ++i) await page.mouse.wheel(0, -100);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  assert.deepEqual(consoleErrors, []);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'chelsea.png'),
                      [...fs.readFileSync(path.join(root, 'assets', 'chelsea.png'))]);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
});

test('WebP, which stb_image cannot read, is decoded by the browser', async () => {
  const webp = makeImage(path.join(tmp, 'photo.webp'), 64, 40, 8, 'WEBP', ', lossless=True');
  const want = JSON.parse(python(`
import sys, json
import numpy as np
from PIL import Image
print(json.dumps((np.asarray(Image.open(sys.argv[1]).convert('L')).astype(np.float32) / np.float32(255)).ravel().tolist()))
`, webp));
  const bytes = [...fs.readFileSync(webp)];
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'photo.webp'), bytes);
  assert.equal(info.width, 64);
  const gray = await page.evaluate(() => Array.from(window.FilterLens.getGray().data));
  assert.ok(maxAbsDiff(gray, want) <= 1e-6);
});

// jpegtran (libjpeg-turbo-progs) re-codes a JPEG's entropy coding without touching its DCT
// coefficients: the same picture, in a JPEG kind stb_image does not read.
function arithmeticJpeg(baseline, out) {
  execFileSync('jpegtran', ['-arithmetic', '-outfile', out, baseline]);
  return out;
}
// The frame marker's second byte: 0xC0 baseline, 0xC9 arithmetic-coded, ...
function jpegFrameMarker(bytes) {
  for (let i = 2; i + 1 < bytes.length; ++i)
    if (bytes[i] === 0xFF && bytes[i + 1] >= 0xC0 && bytes[i + 1] <= 0xCF && ![0xC4, 0xC8, 0xCC].includes(bytes[i + 1]))
      return bytes[i + 1];
  return -1;
}

test('a WebP the browser is still decoding does not replace an image asked for after it', async () => {
  // The browser's decode is asynchronous: the later PNG (decoded by FilterLens) was shown first,
  // then replaced by the WebP when its decode finished.
  const webp = [...fs.readFileSync(makeImage(path.join(tmp, 'first.webp'), 640, 480, 3, 'WEBP', ', lossless=True'))];
  const png = [...fs.readFileSync(makeImage(path.join(tmp, 'second.png'), 96, 64, 4))];
  const [a, b] = await page.evaluate(async ([w, p]) => {
    const first = window.FilterLens.loadImage(new Uint8Array(w), 'first.webp');
    const second = window.FilterLens.loadImage(new Uint8Array(p), 'second.png');
    return Promise.all([first, second]);
  }, [webp, png]);
  assert.deepEqual([a.width, a.height], [96, 64], 'the earlier call answers with the newest image');
  assert.deepEqual([b.width, b.height], [96, 64]);
  await page.waitForTimeout(500);
  const gray = await page.evaluate(() => [window.FilterLens.getGray().width, window.FilterLens.getGray().height]);
  assert.deepEqual(gray, [96, 64]);
  assert.equal((await page.evaluate(() => window.FilterLens.message())).status, 'Opened second.png');
});

test('an RLE8-compressed BMP, which stb_image cannot read, is decoded by the browser', async () => {
  // 4 x 2, palette gray 0 / 100 / 200; RLE8 rows (bottom up): 4 x index 1, then 2 x 2 + 2 x 0.
  const header = [];
  const le = (v, n) => { for (let i = 0; i < n; ++i) header.push((v >>> (8 * i)) & 255); };
  const palette = [0, 0, 0, 0, 100, 100, 100, 0, 200, 200, 200, 0];
  const data = [4, 1, 0, 0, 2, 2, 2, 0, 0, 1];  // runs, end of line, end of bitmap
  const offset = 14 + 40 + palette.length;
  header.push(66, 77); le(offset + data.length, 4); le(0, 4); le(offset, 4);
  le(40, 4); le(4, 4); le(2, 4); le(1, 2); le(8, 2); le(1, 4); le(data.length, 4); le(0, 8); le(3, 4); le(0, 4);
  const bytes = [...header, ...palette, ...data];
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'runs.bmp'), bytes);
  assert.deepEqual([info.width, info.height], [4, 2]);
  assert.equal((await page.evaluate(() => window.FilterLens.message())).status, 'Opened runs.bmp (decoded by the browser)');
  const gray = await page.evaluate(() => Array.from(window.FilterLens.getGray().data, v => Math.round(v * 255)));
  assert.deepEqual(gray, [200, 200, 0, 0, 100, 100, 100, 100]);
});

test('an arithmetic-coded JPEG, which stb_image cannot read, is decoded by the browser', async () => {
  const baseline = makeImage(path.join(tmp, 'arith-base.jpg'), 72, 48, 21, 'JPEG', ', quality=92');
  const arith = arithmeticJpeg(baseline, path.join(tmp, 'arith.jpg'));
  const bytes = [...fs.readFileSync(arith)];
  assert.equal(jpegFrameMarker(bytes), 0xC9, 'jpegtran wrote an arithmetic-coded frame');
  // PIL decodes the baseline file with libjpeg-turbo, as Chromium decodes the arithmetic one.
  const want = JSON.parse(python(`
import sys, json
import numpy as np
from PIL import Image
print(json.dumps((np.asarray(Image.open(sys.argv[1]).convert('L')).astype(np.float32) / np.float32(255)).ravel().tolist()))
`, baseline));
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'arith.jpg'), bytes);
  assert.deepEqual([info.width, info.height, info.maps], [72, 48, 3]);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  assert.equal((await page.evaluate(() => window.FilterLens.message())).status, 'Opened arith.jpg (decoded by the browser)');
  const gray = await page.evaluate(() => Array.from(window.FilterLens.getGray().data));
  // Two builds of libjpeg-turbo may round an IDCT or an upsampled chroma sample differently.
  assert.ok(maxAbsDiff(gray, want) <= 3 / 255, `gray differs from PIL's by ${maxAbsDiff(gray, want) * 255}/255`);
  // The note is the status's, not the exports': the figure is arith-figure.png.
  const [figure] = await Promise.all([page.waitForEvent('download'), clickControl('Figure (PNG)')]);
  assert.equal(figure.suggestedFilename(), 'arith-figure.png');
});

test('a 12-bit JPEG neither decoder reads: both tried, the message names the kind, the maps stay', async () => {
  const before = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => Array.from(m.data)));
  const bytes = [...fs.readFileSync(makeImage(path.join(tmp, 'deep.jpg'), 24, 16, 5, 'JPEG'))];
  const sof = bytes.findIndex((b, i) => b === 0xFF && bytes[i + 1] === 0xC0);
  bytes[sof + 4] = 12;  // the frame's sample precision
  const why = 'Could not open deep.jpg: it is a 12-bit JPEG, which FilterLens cannot decode (it reads ' +
              '8-bit JPEGs); convert it to PNG or an 8-bit JPEG (this browser cannot decode it either)';
  await assert.rejects(page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'deep.jpg'), bytes),
                       e => e.message.includes(why));
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), why);
  assert.deepEqual(await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => Array.from(m.data))), before);
});

test('a format neither FilterLens nor the browser decodes: the message says both tried, the maps stay', async () => {
  const before = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => Array.from(m.data)));
  const tiff = makeImage(path.join(tmp, 'scan.tiff'), 24, 16, 3, 'TIFF');  // Chromium has no TIFF decoder
  const bytes = [...fs.readFileSync(tiff)];
  const why = 'Could not open scan.tiff: it is in TIFF format, which FilterLens cannot decode; ' +
              'convert it to PNG or JPEG (this browser cannot decode it either)';
  await assert.rejects(page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'scan.tiff'), bytes),
                       e => e.message.includes(why));
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), why);
  assert.deepEqual(await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => Array.from(m.data))), before);
});

test('setFilters runs any bank and parameters like the CLI', async () => {
  const image = makeImage(path.join(tmp, 'bank.png'), 53, 37, 9);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'bank.png'), [...fs.readFileSync(image)]);
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: ['sobel_x', { name: 'mine', weights: [[1, 2, 0.5], [-3, 4, 0]] }],
    padding: 2, paddingMode: 'reflect', stride: 2, dilation: 1, flip: true }));
  const out = runCli(image, '--filters', 'sobel_x', '--kernel', '1,2,0.5;-3,4,0', '--padding', '2',
                     '--padding-mode', 'reflect', '--stride', '2', '--flip');
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({ ...m, data: Array.from(m.data) })));
  assert.deepEqual(maps.map(m => m.name), ['sobel_x', 'mine']);
  assert.ok(maxAbsDiff(maps[0].data, readNpy(path.join(out, 'sobel_x.npy')).data) <= 1e-5);
  assert.ok(maxAbsDiff(maps[1].data, readNpy(path.join(out, 'custom1.npy')).data) <= 1e-5);
  await assert.rejects(page.evaluate(() => window.FilterLens.setFilters({ filters: ['nope'] })), /unknown filter 'nope'/);
  await assert.rejects(page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge'], paddingMode: 'reflect', padding: 99 })),
                       /reflect padding of 99/);
  const still = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => m.name));
  assert.deepEqual(still, ['sobel_x', 'mine']);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 1,
                                                          paddingMode: 'zeros', stride: 1, flip: false }));
});

test('editing a kernel in the sidebar recomputes its map like the CLI; Flip and Normalise too', async () => {
  const image = makeImage(path.join(tmp, 'edit.png'), 41, 29, 12);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'edit.png'), [...fs.readFileSync(image)]);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  await clickControl('bank/edge');
  const edgeMap = () => page.evaluate(() => Array.from(window.FilterLens.getFeatureMaps()[0].data));
  const expectEdgeLikeCli = async (weights, what) => {
    const rows = weights.map(r => r.join(',')).join(';');
    const want = readNpy(path.join(runCli(image, '--kernel', rows), 'custom1.npy')).data;
    // A small edit is computed at once, but one made while the app's worker is busy (an open
    // still preparing its buffers) goes to it: its maps may then come a few frames after the Enter.
    let got = await edgeMap();
    for (const start = Date.now(); maxAbsDiff(got, want) > 1e-5 && Date.now() - start < 10000;) {
      await page.waitForTimeout(100);
      got = await edgeMap();
    }
    assert.ok(maxAbsDiff(got, want) <= 1e-5, `${what}: the edge map is not the CLI's for ${rows}`);
  };
  // The centre 8 becomes 4 and the top-left -1 becomes 2, typed into the cells.
  await typeIntoCell('weight/1,1', 4);
  await typeIntoCell('weight/0,0', 2);
  let w = [[2, -1, -1], [-1, 4, -1], [-1, -1, -1]];
  await expectEdgeLikeCli(w, 'typed weights');
  const edited = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.description]));
  assert.equal(edited[0][0], 'edge');
  assert.match(edited[0][1], /^Edited by hand; started as: Laplacian/);  // no longer the preset
  assert.doesNotMatch(edited[1][1], /^Edited/);  // sharpen was not touched
  // Flip 180 rotates the kernel (true convolution), Normalise divides by the sum (-1 here).
  await clickControl('Flip 180');
  w = w.slice().reverse().map(r => r.slice().reverse());
  await expectEdgeLikeCli(w, 'flipped');
  await clickControl('Normalise');
  const sum = w.flat().reduce((a, b) => a + b, 0);
  w = w.map(r => r.map(v => v / sum));
  await expectEdgeLikeCli(w, 'normalised');
  // A weight that is not a number is not taken: the field keeps its value.
  await typeIntoCell('weight/2,2', 'abc');
  await expectEdgeLikeCli(w, 'after typing letters');
  await screenshotAndCheckPanels('web-edited.png');
});

test('Copy as PyTorch puts code on the clipboard that reproduces the maps in PyTorch', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: ['edge', 'sobel_x', { name: 'mine', weights: [[1, 0.5], [-2, 0.25]] }],
    padding: 2, paddingMode: 'circular', stride: 2, dilation: 1 }));
  await clickControl('Copy as PyTorch');
  const code = await waitFor(() => navigator.clipboard.readText().then(t => t.includes('F.conv2d') && t), 'code on the clipboard');
  const gray = await page.evaluate(() => { const g = window.FilterLens.getGray(); return { ...g, data: Array.from(g.data) }; });
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({ ...m, data: Array.from(m.data) })));
  const files = { code: path.join(tmp, 'copied.py'), gray: path.join(tmp, 'gray.json'), maps: path.join(tmp, 'maps.json') };
  fs.writeFileSync(files.code, code);
  fs.writeFileSync(files.gray, JSON.stringify(gray));
  fs.writeFileSync(files.maps, JSON.stringify(maps));
  const worst = python(`
import json, sys
import numpy as np
import torch
gray = json.load(open(sys.argv[2]))
img = torch.tensor(gray['data'], dtype=torch.float32).reshape(1, 1, gray['height'], gray['width'])
scope = {'img': img}
exec(open(sys.argv[1]).read(), scope)  # exactly what a person pastes
worst = 0.0
for m in json.load(open(sys.argv[3])):
    t = scope['maps'][m['name']][0, 0].numpy()
    assert t.shape == (m['height'], m['width']), (m['name'], t.shape)
    worst = max(worst, float(np.abs(t.ravel() - np.array(m['data'], dtype=np.float32)).max()))
print(worst)
`, files.code, files.gray, files.maps);
  assert.ok(Number(worst) <= 1e-5, `PyTorch disagrees by ${worst}`);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 1,
                                                          paddingMode: 'zeros', stride: 1 }));
});

test('the Figure button downloads the same figure the CLI writes', async () => {
  const image = makeImage(path.join(tmp, 'figure.png'), 64, 48, 13);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'figure.png'), [...fs.readFileSync(image)]);
  const [download] = await Promise.all([page.waitForEvent('download'), clickControl('Figure (PNG)')]);
  assert.equal(download.suggestedFilename(), 'figure-figure.png');
  const file = path.join(tmp, 'downloaded-figure.png');
  await download.saveAs(file);
  const cli = path.join(runCli(image), 'figure.png');
  const same = python(`
import sys
import numpy as np
from PIL import Image
a, b = (np.asarray(Image.open(f).convert('RGB')).astype(int) for f in sys.argv[1:3])
print('same' if a.shape == b.shape and (a == b).all() else f'differ: {a.shape} {b.shape}')
`, file, cli);
  assert.equal(same.trim(), 'same');
});

test('a 24-filter bank: "All maps" is one .zip of all 49 files, the figure is a 5 x 5 grid', async () => {
  const image = makeImage(path.join(tmp, 'many.png'), 64, 48, 5);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'many.png'), [...fs.readFileSync(image)]);
  await page.evaluate(async () => {
    const filters = [];
    for (let i = 0; i < 24; ++i) filters.push({ name: `f${i}`, weights: [[1, 0, -1], [2, i % 5, -2], [1, 0, -1]] });
    await window.FilterLens.setFilters({ filters });
  });
  await page.waitForTimeout(400);
  const downloads = [];
  page.on('download', d => downloads.push(d));
  // The longer bank list pushes the export buttons below the window: the sidebar scrolled down.
  await page.mouse.move(100, 700);  // below the bank list, which scrolls on its own
  for (let i = 0; i < 10; ++i) await page.mouse.wheel(0, 300);
  await page.waitForTimeout(500);
  const button = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'All maps (PNG + .npy)'));
  assert.ok(button.y + button.height <= 800, `the button out of reach: ${JSON.stringify(button)}`);
  await clickControl('All maps (PNG + .npy)');
  const start = Date.now();
  while (downloads.length < 1 && Date.now() - start < 30000) await new Promise(r => setTimeout(r, 100));
  await new Promise(r => setTimeout(r, 500));  // and no more than that
  assert.deepEqual(downloads.map(d => d.suggestedFilename()), ['many-maps.zip']);
  const zip = path.join(tmp, 'many-maps.zip');
  await downloads[0].saveAs(zip);
  // Python's zipfile reads it and checks every CRC; the maps are the app's own floats.
  const check = JSON.parse(python(`
import io, json, sys, zipfile
import numpy as np
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({'bad': z.testzip(), 'names': z.namelist(),
                  'f23': np.load(io.BytesIO(z.read('many-f23.npy'))).ravel().tolist()}))`, zip));
  assert.equal(check.bad, null);
  assert.equal(check.names.length, 49, check.names.join(' '));
  assert.ok(check.names.includes('many-f23.npy') && check.names.includes('many-f0.png') && check.names.includes('many-gray.npy'), check.names.join(' '));
  const f23 = await page.evaluate(() => Array.from(window.FilterLens.getFeatureMaps()[23].data));
  assert.equal(maxAbsDiff(check.f23, f23), 0);
  assert.match((await page.evaluate(() => window.FilterLens.message())).status, /^49 files .*Downloaded many-maps\.zip$/);
  page.removeAllListeners('download');
  const [figure] = await Promise.all([page.waitForEvent('download'), clickControl('Figure (PNG)')]);
  const file = path.join(tmp, 'many-figure.png');
  await figure.saveAs(file);
  // 25 panels of 64 x 48 scaled to 160 px high (213 px wide), 16-px margins, 34-px titles.
  const size = python(`
import sys
from PIL import Image
print(*Image.open(sys.argv[1]).size)
`, file);
  assert.equal(size.trim(), `${16 + 5 * (213 + 16)} ${16 + 5 * (34 + 160 + 16)}`);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 1 }));
  await page.mouse.move(100, 700);
  for (let i = 0; i < 10; ++i) await page.mouse.wheel(0, -300);
  await page.waitForTimeout(300);
});

test('dragging the bar above the bottom tabs gives the maps more room', async () => {
  // Nine panels: three rows, each bound by its height, so a taller map area gives larger panels.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur', 'sobel_x', 'sobel_y',
                                                                    'scharr_x', 'scharr_y', 'emboss'] }));
  await page.waitForTimeout(200);
  const layout = () => page.evaluate(() => ({
    panel: window.FilterLens.panels().find(p => p.name === 'edge'),
    tab: window.FilterLens.controls().find(c => c.name === 'tab/How it works'),
  }));
  const drag = async dy => {
    const bar = await waitFor(() => window.FilterLens.controls().find(c => c.name === 'split'), 'the split bar');
    const x = bar.x + bar.width / 2, y = bar.y + bar.height / 2;
    await page.mouse.move(x, y);
    await page.waitForTimeout(100);
    await page.mouse.down();
    for (let i = 1; i <= 10; ++i) {  // in steps: ImGui reads the mouse once per frame
      await page.mouse.move(x, y + dy * i / 10);
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(100);
    await page.mouse.up();
    await page.waitForTimeout(200);
  };
  const before = await layout();
  await drag(+150);  // down: the tabs get shorter, the maps taller (and here larger)
  const after = await layout();
  assert.ok(Math.abs(after.tab.y - (before.tab.y + 150)) <= 4, `tabs moved from ${before.tab.y} to ${after.tab.y}`);
  assert.ok(after.panel.width > before.panel.width * 1.15, `panel ${before.panel.width} -> ${after.panel.width}`);
  await screenshotAndCheckPanels('web-split.png');
  await drag(-150);
  const restored = await layout();
  assert.ok(Math.abs(restored.tab.y - before.tab.y) <= 4);
  // Dragging far past the window's edge stops with the tab bar still on screen.
  await drag(+800);
  const low = await layout();
  assert.ok(low.tab.y < 800 - 20, `tabs at ${low.tab.y}`);
  await drag(before.tab.y - low.tab.y);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
});

test('loading from a URL: success, a 404 and a network failure each say what happened', async () => {
  await page.evaluate(url => window.FilterLensPage.fetchUrl(url), base + 'chelsea.png');
  await waitFor(() => window.FilterLens.getGray().width === 451, 'the image from the URL');
  await page.evaluate(url => window.FilterLensPage.fetchUrl(url), base + 'missing.png');
  assert.match(await waitFor(() => window.FilterLens.lastError(), 'the 404 message'), /answered 404/);
  await page.evaluate(() => window.FilterLensPage.fetchUrl('http://127.0.0.1:9/photo.png'));
  assert.match(await waitFor(() => /CORS/.test(window.FilterLens.lastError()) && window.FilterLens.lastError(),
                             'the network message'), /drop it here instead/);
  assert.equal(await page.evaluate(() => window.FilterLens.getGray().width), 451);  // kept
  // A data: address has no file name: the image is called "image", not the tail of its base64.
  const png = fs.readFileSync(makeImage(path.join(tmp, 'data-url.png'), 12, 9, 4)).toString('base64');
  await page.evaluate(url => window.FilterLensPage.fetchUrl(url), 'data:image/png;base64,' + png);
  await waitFor(() => window.FilterLens.getGray().width === 12, 'the image from the data: address');
  assert.equal((await page.evaluate(() => window.FilterLens.message())).status, 'Opened image');
  await page.evaluate(url => window.FilterLensPage.fetchUrl(url), base + 'chelsea.png');
  await waitFor(() => window.FilterLens.getGray().width === 451, 'chelsea again');
  const { stats } = await screenshotAndCheckPanels('web-ui.png');
  for (const s of stats) assert.ok(s.std > 8, `panel ${s.name} looks blank`);
});

test('a photo and a filter file dropped together are both opened, one after the other', async () => {
  const photo = makeImage(path.join(tmp, 'pair.png'), 30, 20, 6);
  const bank = path.join(tmp, 'pair-bank.npy');
  python(`
import sys
import numpy as np
np.save(sys.argv[1], (np.arange(18, dtype=np.float32).reshape(2, 1, 3, 3) - 9) / 9)`, bank);
  await page.evaluate(files => {
    const dt = new DataTransfer();
    for (const { bytes, name } of files) dt.items.add(new File([new Uint8Array(bytes)], name));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [photo, bank].map(f => ({ bytes: [...fs.readFileSync(f)], name: path.basename(f) })));
  // The file's filters join the bank (as when dropped alone), the photo replaces chelsea.
  await waitFor(() => window.FilterLens.getGray().width === 30 &&
                      window.FilterLens.getFeatureMaps().map(m => m.name).join() === 'edge,sharpen,blur,pair-bank_0,pair-bank_1',
                'the photo with the file\'s two filters');
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  await page.evaluate(url => window.FilterLensPage.fetchUrl(url), base + 'chelsea.png');
  // Chelsea's four panels drawn (the next test points at them).
  await waitFor(() => window.FilterLens.getGray().width === 451 &&
                      window.FilterLens.panels().map(p => p.name).join() === 'Original,edge,sharpen,blur', 'chelsea again');
  await page.waitForTimeout(300);
});

test('hovering inspects a pixel in every panel; the wheel zooms all panels together', async () => {
  const panels = await page.evaluate(() => window.FilterLens.panels());
  const edge = panels.find(p => p.name === 'edge');
  // Hover a quarter of the way into the edge panel: output pixel (451/4, 300/4) at zoom 1.
  await page.mouse.move(edge.x + edge.width / 4, edge.y + edge.height / 4);
  const hover = await waitFor(() => { const v = window.FilterLens.viewState(); return v.hover && v; }, 'a hover');
  assert.equal(hover.hover.filter, 0);
  assert.ok(Math.abs(hover.hover.x - 451 / 4) <= 2, JSON.stringify(hover));
  assert.ok(Math.abs(hover.hover.y - 300 / 4) <= 2, JSON.stringify(hover));
  for (let i = 0; i < 14; ++i) await page.mouse.wheel(0, -100);  // zoom in around the cursor
  const zoomed = await waitFor(() => { const v = window.FilterLens.viewState(); return v.zoom > 20 && v; }, 'zoom');
  assert.ok(Math.abs(zoomed.centerX - 0.25) < 0.02 && Math.abs(zoomed.centerY - 0.25) < 0.02, JSON.stringify(zoomed));
  const { stats } = await screenshotAndCheckPanels('web-inspector.png');
  for (const s of stats) assert.ok(s.std > 8, `panel ${s.name} looks blank when zoomed`);
  // Further in, pixels are crisp squares with a grid and their values written in them.
  for (let i = 0; i < 8; ++i) await page.mouse.wheel(0, -100);
  await waitFor(() => window.FilterLens.viewState().zoom > 100, 'zoom past 100x');
  await screenshotAndCheckPanels('web-pixels.png');
  // Dragging pans every panel together.
  const start = await page.evaluate(() => window.FilterLens.viewState());
  await page.mouse.down();
  await page.mouse.move(edge.x + edge.width / 4 + 60, edge.y + edge.height / 4 + 30, { steps: 5 });
  await page.mouse.up();
  const panned = await page.evaluate(() => window.FilterLens.viewState());
  assert.ok(panned.centerX < start.centerX && panned.centerY < start.centerY, JSON.stringify([start, panned]));
  for (let i = 0; i < 30; ++i) await page.mouse.wheel(0, 100);  // still over the edge panel
  await waitFor(() => window.FilterLens.viewState().zoom === 1, 'zoom back to 1');
  await page.mouse.move(5, 5);
});

test('the npy button of a panel downloads the same floats the page computed', async () => {
  const edge = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'edge');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    clickUi(edge.x + edge.width - 18, edge.y - 12),  // "npy", right of the panel's title
  ]);
  assert.match(download.suggestedFilename(), /-edge\.npy$/);
  const file = path.join(tmp, 'download.npy');
  await download.saveAs(file);
  const got = readNpy(file);
  const want = await page.evaluate(() => Array.from(window.FilterLens.getFeatureMaps()[0].data));
  assert.equal(maxAbsDiff(got.data, want), 0);
});

test('the canvas is sharp on HiDPI screens (backing store = CSS size x devicePixelRatio)', async () => {
  const hidpi = await browser.newPage({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 2 });
  await hidpi.goto(base);
  await hidpi.evaluate(() => window.FilterLens.ready);
  await hidpi.waitForTimeout(300);
  const size = await hidpi.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
  });
  assert.equal(size.w, size.cssW * 2);
  assert.equal(size.h, size.cssH * 2);
  await hidpi.screenshot({ path: path.join(ARTIFACTS, 'web-hidpi.png') });
  await hidpi.close();
});

test('without WebGL2 the page says so plainly instead of failing', async () => {
  const plain = await chromium.launch({ executablePath: '/usr/bin/chromium',
                                        args: [...CHROMIUM_ARGS, '--disable-webgl', '--disable-3d-apis'] });
  try {  // closed also when an assertion fails (an open browser keeps node --test waiting)
    const p = await (await plain.newContext()).newPage();
    await p.goto(base);
    const text = await p.waitForFunction(() => {
      const s = document.getElementById('status');
      return s && s.className === 'problem' && s.textContent;
    }, null, { timeout: 20000 });
    assert.match(await text.jsonValue(), /FilterLens needs WebGL2/);
  } finally {
    await plain.close();
  }
});

test('learned filters come with their closest preset; training in the page keeps the UI live', async () => {
  const chelsea = path.join(root, 'assets', 'chelsea.png');
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'chelsea.png'), [...fs.readFileSync(chelsea)]);
  const shipped = await page.evaluate(() => window.FilterLens.getLearnedFilters().map(f => ({ ...f, weights: Array.from(f.weights) })));
  assert.equal(shipped.length, 8);
  for (const f of shipped) {
    assert.equal(f.weights.length, 25);
    assert.ok(f.like.length > 0 && Math.abs(f.cosine) > 0 && Math.abs(f.cosine) <= 1, JSON.stringify(f));
  }
  // Training runs in slices between frames, so frames keep coming while it runs: counted with
  // requestAnimationFrame until train() resolves. Had it run in one go (a frozen page), no frame
  // could be drawn before it resolved. A count, not a rate: nothing here depends on the machine's
  // speed (the benchmark measures rates).
  const { result, frames } = await page.evaluate(async () => {
    let frames = 0, running = true;
    const tick = () => { if (running) { frames++; requestAnimationFrame(tick); } };
    requestAnimationFrame(tick);
    const result = await window.FilterLens.train({ epochs: 1, seed: 3 });
    running = false;
    return { result, frames };
  });
  console.log(`frames drawn while training: ${frames}; test accuracy ${result.testAccuracy}`);
  assert.ok(frames >= 10, `only ${frames} frames were drawn while the CNN trained`);
  assert.ok(result.testAccuracy > 0.6, JSON.stringify(result));  // 1 epoch on 6000 images; chance 0.1
  const trained = await page.evaluate(() => window.FilterLens.getLearnedFilters().map(f => Array.from(f.weights)));
  assert.notDeepEqual(trained, shipped.map(f => f.weights));  // the tab now shows the new network
  await clickControl('tab/Train a CNN');
  await screenshotAndCheckPanels('web-training.png');
  await clickControl('tab/Learned filters');
  // Clicking the first filter's tile applies it to the image with the same engine as the CLI.
  const [first] = await page.evaluate(() => window.FilterLens.getLearnedFilters().map(f => Array.from(f.weights)));
  await clickControl('tile/0');
  const learned = await waitFor(() => window.FilterLens.getFeatureMaps().find(m => m.name === 'learned0'), 'learned0 in the bank');
  const rows = [0, 1, 2, 3, 4].map(r => first.slice(5 * r, 5 * r + 5).join(',')).join(';');
  const out = runCli(chelsea, '--kernel', rows, '--filters', 'edge');
  assert.ok(maxAbsDiff(Array.from(Object.values(learned.data)), readNpy(path.join(out, 'custom1.npy')).data) <= 1e-5);
  await screenshotAndCheckPanels('web-learned.png');
});

test('the inspector never reads outside the maps after a smaller image', async () => {
  // Hover far into the edge panel, then load a 1 x 1 image: the inspected pixel must not stay at
  // the old coordinates (it once did, and the inspector read past the end of the 1 x 1 map).
  const errorsBefore = consoleErrors.length;  // earlier tests' deliberate 404s are not ours
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'chelsea.png'),
                      [...fs.readFileSync(path.join(root, 'assets', 'chelsea.png'))]);
  const edge = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'edge');
  await page.mouse.move(edge.x + edge.width - 3, edge.y + edge.height - 3);
  const far = await waitFor(() => { const v = window.FilterLens.viewState(); return v.hover && v.hover.x > 400 && v.hover; }, 'a hover near the corner');
  assert.ok(far.y > 250, JSON.stringify(far));
  await page.mouse.move(5, 5);  // off the panels: nothing hovers the new image's maps
  const dot = makeImage(path.join(tmp, 'dot.png'), 1, 1, 3);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'dot.png'), [...fs.readFileSync(dot)]);
  await page.waitForTimeout(300);  // frames with the inspector tab drawn
  assert.equal((await page.evaluate(() => window.FilterLens.viewState())).hover, null);
  // Pointing at the new map inspects its one pixel.
  const small = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'edge');
  await page.mouse.move(small.x + small.width / 2, small.y + small.height / 2);
  const hover = await waitFor(() => window.FilterLens.viewState().hover, 'a hover on the 1 x 1 map');
  assert.deepEqual([hover.filter, hover.x, hover.y], [0, 0, 0]);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  assert.deepEqual(consoleErrors.slice(errorsBefore), []);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'chelsea.png'),
                      [...fs.readFileSync(path.join(root, 'assets', 'chelsea.png'))]);
  await page.mouse.move(5, 5);
});
