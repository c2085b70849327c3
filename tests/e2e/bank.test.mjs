// End-to-end tests of banks from files and the RGB input in the web app (Debian's Chromium,
// headless SwiftShader WebGL2, playwright-core): a .safetensors file with two 4-D tensors dropped
// through a real DataTransfer opens the chooser, the picked tensor's maps equal PyTorch's
// F.conv2d on ToTensor() of convert('RGB'); setFilters runs file filters with any parameters; the
// input switch swaps the gray and RGB banks; hovering shows the three channel windows; "Copy as
// PyTorch" code loads the weights from the file and reproduces the maps; loadBank's errors keep
// the maps. Expected maps are written by /usr/bin/python3 + torch in the setup.
//
//   FILTERLENS_WEB=<dir> FILTERLENS_ARTIFACTS=<dir> node --test tests/e2e/bank.test.mjs
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
const ARTIFACTS = process.env.FILTERLENS_ARTIFACTS || path.join(root, 'build', 'test-artifacts');

let server, base, browser, page;
const consoleErrors = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filterlens-bank-e2e-'));

function python(code, ...args) {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', cwd: tmp, maxBuffer: 1 << 28 });
}

// The fixtures: an RGB photo stand-in, a .safetensors file holding two conv layers (C = 3 and
// C = 1) and a bias, a float16 .npy, damaged and wrong-shaped files; all written by numpy.
const FIXTURES = `
import json, struct, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(path.join(root, 'tests', 'oracle'))})
from common import synthetic_rgb
from PIL import Image
Image.fromarray(synthetic_rgb(61, 43, 21)).save('photo.png')
rng = np.random.default_rng(12)
tensors = {
    'encoder.conv1.weight': rng.normal(0, 0.3, (5, 3, 7, 7)).astype(np.float32),
    'encoder.conv1.bias': rng.normal(0, 0.1, (5,)).astype(np.float32),
    'encoder.conv0.weight': rng.normal(0, 0.5, (3, 1, 3, 3)).astype(np.float32),
}
header, blobs, offset = {}, [], 0
for name, t in tensors.items():
    raw = t.tobytes()
    header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
header['__metadata__'] = {'format': 'pt'}
text = json.dumps(header).encode()
with open('model.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
data = open('model.safetensors', 'rb').read()
open('cut.safetensors', 'wb').write(data[:len(data) - 300])
np.save('c2.npy', rng.normal(0, 1, (2, 2, 3, 3)).astype(np.float32))
np.save('half.npy', rng.normal(0, 0.4, (2, 3, 5, 5)).astype(np.float16))
for name, t in tensors.items():
    np.save(name + '.npy', t)
`;

// F.conv2d of the photo (ToTensor() of convert('RGB'), or convert('L')) with filters picked from
// a fixture tensor; the maps as JSON lists. pad_mode != 'zeros': F.pad first, as nn.Conv2d does.
function torchMaps({ weights, indices, input, padding = 1, paddingMode = 'zeros', stride = 1, dilation = 1 }) {
  return JSON.parse(python(`
import json, sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
a = json.loads(sys.argv[1])
pil = Image.open('photo.png')
img = torch.from_numpy(np.asarray(pil.convert('RGB' if a['input'] == 'rgb' else 'L'), dtype=np.float32) / np.float32(255))
img = img.permute(2, 0, 1)[None] if a['input'] == 'rgb' else img[None, None]
w = torch.from_numpy(np.load(a['weights']).astype(np.float32))[a['indices']]
p = a['padding']
if a['paddingMode'] != 'zeros' and p > 0:
    out = F.conv2d(F.pad(img, (p, p, p, p), mode=a['paddingMode']), w, stride=a['stride'], dilation=a['dilation'])
else:
    out = F.conv2d(img, w, padding=p, stride=a['stride'], dilation=a['dilation'])
print(json.dumps([{'height': m.shape[0], 'width': m.shape[1], 'data': m.ravel().tolist()} for m in out[0].numpy()]))
`, JSON.stringify({ weights, indices, input, padding, paddingMode, stride, dilation })));
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function pageMaps() {
  return page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({ ...m, data: Array.from(m.data) })));
}

function expectMapsEqual(got, want, what) {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; ++i) {
    assert.equal(got[i].width, want[i].width, `${what}: map ${i} width`);
    assert.equal(got[i].height, want[i].height, `${what}: map ${i} height`);
    const d = maxAbsDiff(got[i].data, want[i].data);
    assert.ok(d <= 1e-5, `${what}: map ${got[i].name} differs from F.conv2d by ${d}`);
  }
}

// Drops a file on the page through a real DataTransfer and drop event, as a person would.
async function dropFile(file, name) {
  const bytes = [...fs.readFileSync(file)];
  await page.evaluate(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' }));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { bytes, name });
}

async function waitFor(fn, what, timeout = 20000, arg = undefined) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  // What the page shows, so that a failure says more than that it waited.
  const state = await page.evaluate(() => ({ error: window.FilterLens.lastError(), input: window.FilterLens.input(),
    maps: window.FilterLens.getFeatureMaps().map(m => m.name) })).catch(e => e.message);
  throw new Error('timed out waiting for ' + what + '; the page: ' + JSON.stringify(state));
}

// ImGui 1.86 samples the mouse once per frame: press and release each last a frame or two.
async function clickUi(x, y) {
  await page.mouse.move(x, y);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(150);
}

// Clicks a control by its id in FilterLens.controls(); one below the fold of its window (the
// sidebar grows with a 7x7 colour kernel's editor) is scrolled into view first, as a person would.
async function clickControl(id) {
  const find = () => waitFor(i => window.FilterLens.controls().find(c => c.name === i), `control ${id}`, 8000, id);
  let rect = await find();
  const height = page.viewportSize().height;
  let scrolled = false;
  for (let i = 0; i < 20 && (rect.y < 0 || rect.y + rect.height > height); ++i) {
    await page.mouse.move(rect.x + rect.width / 2, height / 2);
    await page.mouse.wheel(0, rect.y < 0 ? -100 : 100);
    await page.waitForTimeout(150);
    rect = await find();
    scrolled = true;
  }
  // The rects are those of the last frame drawn, and the app draws only when woken: after an
  // action that moves the layout (a scroll lands a frame or two after the wheel; a new bank
  // resizes the sidebar) they can be a frame old. Click where a frame drawn after the read (the
  // read woke the loop) shows the control again. Without this a click on input/gray after the
  // RGB bank came in missed (1 run in 4 here, once in CI).
  for (let i = 0; i < 20; ++i) {
    if (scrolled) await page.waitForTimeout(200);
    const n = await page.evaluate(() => window.FilterLens.framesDrawn());
    await waitFor(k => window.FilterLens.framesDrawn() > k, 'a frame', 5000, n);
    const now = await find();
    if (now.x === rect.x && now.y === rect.y) break;
    rect = now;
  }
  await clickUi(rect.x + rect.width / 2, rect.y + rect.height / 2);
}

async function screenshot(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(300);
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}

const names = maps => maps.map(m => m.name);
const conv1 = [0, 1, 2, 3, 4].map(i => 'encoder_conv1_weight_' + i);

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  python(FIXTURES);
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  const info = await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'photo.png'),
                                   [...fs.readFileSync(path.join(tmp, 'photo.png'))]);
  assert.deepEqual(info, { width: 61, height: 43, maps: 3 });
  assert.equal(await page.evaluate(() => window.FilterLens.input()), 'gray');
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

test('a dropped .safetensors file with two conv layers opens the chooser; the picked one gives F.conv2d\'s RGB maps', async () => {
  await dropFile(path.join(tmp, 'model.safetensors'), 'model.safetensors');
  // The chooser lists both 4-D tensors (the bias is not a candidate); nothing changed yet.
  await waitFor(() => window.FilterLens.controls().some(c => c.name === 'tensor/encoder.conv1.weight'), 'the chooser');
  const listed = await page.evaluate(() => window.FilterLens.controls().filter(c => c.name.startsWith('tensor/')).map(c => c.name));
  assert.deepEqual(listed.sort(), ['tensor/encoder.conv0.weight', 'tensor/encoder.conv1.weight']);
  assert.deepEqual(names(await pageMaps()), ['edge', 'sharpen', 'blur']);
  await screenshot('bank-chooser.png');
  await clickControl('tensor/encoder.conv1.weight');
  await waitFor(() => window.FilterLens.getFeatureMaps().length === 5, 'the file\'s five maps');
  const maps = await pageMaps();
  assert.deepEqual(names(maps), conv1);
  assert.ok(maps.every(m => m.channels === 3));
  // The C = 3 filters replaced the gray bank and switched the input to RGB (default padding 1).
  expectMapsEqual(maps, torchMaps({ weights: 'encoder.conv1.weight.npy', indices: [0, 1, 2, 3, 4], input: 'rgb' }),
                  'picked from the chooser');
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
  assert.equal(await page.evaluate(() => window.FilterLens.controls().some(c => c.name.startsWith('tensor/'))), false,
               'the chooser closed');
});

test('setFilters runs file filters on the RGB input with any padding mode, stride and dilation', async () => {
  for (const spec of [
    { padding: 3, paddingMode: 'reflect', stride: 2, dilation: 1 },
    { padding: 4, paddingMode: 'circular', stride: 1, dilation: 2 },
    { padding: 0, paddingMode: 'zeros', stride: 2, dilation: 2 },
    { padding: 2, paddingMode: 'replicate', stride: 1, dilation: 1 },
  ]) {
    await page.evaluate(s => window.FilterLens.setFilters(
      { filters: ['encoder_conv1_weight_3', 'encoder_conv1_weight_1'], input: 'rgb', ...s }), spec);
    assert.equal(await page.evaluate(() => window.FilterLens.input()), 'rgb');
    expectMapsEqual(await pageMaps(),
                    torchMaps({ weights: 'encoder.conv1.weight.npy', indices: [3, 1], input: 'rgb', ...spec }),
                    JSON.stringify(spec));
  }
  // A colour filter written out as [C][kh][kw] weights, with the input left out (taken as RGB).
  const w = [[[1, 0], [0, -1]], [[0.5, 0.5], [0.5, 0.5]], [[0, -2], [2, 0]]];
  fs.writeFileSync(path.join(tmp, 'typed.json'), JSON.stringify(w));
  python("import json, numpy as np; np.save('typed.npy', np.array([json.load(open('typed.json'))], dtype=np.float32))");
  await page.evaluate(w => window.FilterLens.setFilters({ filters: [{ name: 'mine', weights: w }], padding: 1 }), w);
  assert.equal(await page.evaluate(() => window.FilterLens.input()), 'rgb');
  expectMapsEqual(await pageMaps(), torchMaps({ weights: 'typed.npy', indices: [0], input: 'rgb' }), 'typed C = 3');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['encoder_conv1_weight_0', 'encoder_conv1_weight_1',
    'encoder_conv1_weight_2', 'encoder_conv1_weight_3', 'encoder_conv1_weight_4'], padding: 1 }));
});

test('the input switch swaps the gray and RGB banks; hovering shows the three channel windows and their sum', async () => {
  await clickControl('input/gray');
  await waitFor(() => window.FilterLens.getFeatureMaps()[0].name === 'edge', 'the gray bank back');
  assert.deepEqual(names(await pageMaps()), ['edge', 'sharpen', 'blur']);
  await clickControl('input/rgb');
  await waitFor(() => window.FilterLens.getFeatureMaps()[0].name === 'encoder_conv1_weight_0', 'the RGB bank back');
  assert.deepEqual(names(await pageMaps()), conv1);

  // Hover the middle of the third map's panel.
  const panel = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'encoder_conv1_weight_2');
  assert.ok(panel, 'the panel of encoder_conv1_weight_2');
  await page.mouse.move(panel.x + panel.width * 0.55, panel.y + panel.height * 0.45);
  const r = await waitFor(() => { const i = window.FilterLens.inspector(); return i && i.filter === 2 && i; }, 'the inspector');
  assert.equal(r.name, 'encoder_conv1_weight_2');
  assert.equal(r.channels, 3);
  assert.equal(r.windows.length, 3);
  assert.equal(r.windows[0].length, 7);
  // Each channel's window is that channel of the photo (ToTensor()), zero outside (zeros padding).
  const rgb = JSON.parse(python(`
import json, numpy as np
from PIL import Image
print(json.dumps((np.asarray(Image.open('photo.png').convert('RGB'), dtype=np.float32) / np.float32(255)).tolist()))`));
  for (let c = 0; c < 3; ++c)
    for (let ky = 0; ky < 7; ++ky)
      for (let kx = 0; kx < 7; ++kx) {
        const x = r.inputX + kx, y = r.inputY + ky;
        const want = x < 0 || y < 0 || x >= 61 || y >= 43 ? 0 : rgb[y][x][c];
        assert.ok(Math.abs(r.windows[c][ky][kx] - want) < 1e-7, `channel ${c} window (${kx}, ${ky})`);
      }
  assert.ok(Math.abs(r.channelSums.reduce((a, b) => a + b, 0) - r.sum) < 1e-9);
  assert.ok(Math.abs(r.sum - r.mapValue) < 1e-5, `sum ${r.sum} vs map ${r.mapValue}`);
  const maps = await pageMaps();
  assert.ok(Math.abs(maps[2].data[r.y * maps[2].width + r.x] - r.mapValue) < 1e-7);
  // The three channels' windows, kernels and products are on screen.
  const grids = await page.evaluate(() => window.FilterLens.controls().filter(c => c.name.startsWith('inspector/')).map(c => c.name));
  for (const c of ['R', 'G', 'B'])
    for (const g of ['window', 'kernel', 'products']) assert.ok(grids.includes(`inspector/${g}/${c}`), `${g} ${c} shown`);
  await screenshot('bank-rgb-inspector.png');

  // The tiles: one per filter; a click selects that filter's map.
  await clickControl('tab/Filters as tiles');
  const tiles = await waitFor(() => { const t = window.FilterLens.controls().filter(c => c.name.startsWith('maptile/')); return t.length && t; }, 'the tiles');
  assert.equal(tiles.length, 5);
  await clickControl('maptile/4');
  await waitFor(() => { const v = window.FilterLens.viewState(); return v.hover && v.hover.filter === 4; }, 'map 4 selected');
  await screenshot('bank-tiles.png');
  await clickControl('tab/How it works');
});

test('Copy as PyTorch loads the file\'s weights by name and reproduces the RGB maps', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['encoder_conv1_weight_4', 'encoder_conv1_weight_0'],
    padding: 2, paddingMode: 'reflect', stride: 2 }));
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await clickControl('Copy as PyTorch');
  const code = await waitFor(() => navigator.clipboard.readText().then(t => t.includes('F.conv2d') && t), 'code on the clipboard');
  assert.match(code, /load_safetensors\('model\.safetensors', 'encoder\.conv1\.weight'\)/);
  assert.ok(code.length < 3000, 'the 245 weights of each filter are not inlined');
  fs.writeFileSync(path.join(tmp, 'copied.py'), code);
  fs.writeFileSync(path.join(tmp, 'maps.json'), JSON.stringify(await pageMaps()));
  const worst = python(`
import json
import numpy as np
import torch
from PIL import Image
img = torch.from_numpy(np.asarray(Image.open('photo.png').convert('RGB'), dtype=np.float32) / np.float32(255)).permute(2, 0, 1)[None]
scope = {'img': img}
exec(open('copied.py').read(), scope)  # exactly what a person pastes, next to model.safetensors
worst = 0.0
for m in json.load(open('maps.json')):
    t = scope['maps'][m['name']][0, 0].numpy()
    assert t.shape == (m['height'], m['width']), (m['name'], t.shape)
    worst = max(worst, float(np.abs(t.ravel() - np.array(m['data'], dtype=np.float32)).max()))
print(worst)
`);
  assert.ok(Number(worst) <= 1e-5, `PyTorch disagrees by ${worst}`);
});

test('on the RGB input "All maps" saves the (3, H, W) input the filters saw, beside each map', async () => {
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['encoder_conv1_weight_4', 'encoder_conv1_weight_0'], padding: 1 }));
  const downloads = [];
  page.on('download', d => downloads.push(d));
  await clickControl('All maps (PNG + .npy)');
  const start = Date.now();
  while (downloads.length < 1 && Date.now() - start < 20000) await new Promise(r => setTimeout(r, 100));
  page.removeAllListeners('download');
  assert.deepEqual(downloads.map(d => d.suggestedFilename()), ['photo-maps.zip']);
  await downloads[0].saveAs(path.join(tmp, 'photo-maps.zip'));
  const check = python(`
import io, zipfile
import numpy as np
from PIL import Image
z = zipfile.ZipFile('photo-maps.zip')
assert z.testzip() is None
print(*sorted(z.namelist()))
a = np.load(io.BytesIO(z.read('photo-rgb.npy')))
want = (np.asarray(Image.open('photo.png').convert('RGB'), dtype=np.float32) / np.float32(255)).transpose(2, 0, 1)
print(a.dtype, a.shape, bool((a == want).all()))`);
  assert.equal(check.trim(), 'photo-encoder_conv1_weight_0.npy photo-encoder_conv1_weight_0.png ' +
    'photo-encoder_conv1_weight_4.npy photo-encoder_conv1_weight_4.png photo-rgb.npy\nfloat32 (3, 43, 61) True');
});

test('loadBank: errors keep the maps; a C = 1 tensor replaces the RGB bank; float16 .npy loads', async () => {
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['encoder_conv1_weight_4', 'encoder_conv1_weight_0'],
    padding: 2, paddingMode: 'reflect', stride: 2 }));
  const before = await pageMaps();
  const load = (file, options) => page.evaluate(({ bytes, options }) =>
    window.FilterLens.loadBank(new Uint8Array(bytes), options), { bytes: [...fs.readFileSync(path.join(tmp, file))], options });
  const unchanged = async what => {
    const now = await pageMaps();
    assert.deepEqual(names(now), names(before), what);
    for (let i = 0; i < now.length; ++i) assert.equal(maxAbsDiff(now[i].data, before[i].data), 0, what);
  };
  await assert.rejects(load('cut.safetensors', { name: 'cut.safetensors', tensor: 'encoder.conv0.weight' }),
                       /Could not load filters from cut\.safetensors/);
  await unchanged('damaged file');
  assert.match(await page.evaluate(() => window.FilterLens.lastError()), /cut\.safetensors/);
  await assert.rejects(load('c2.npy', { name: 'c2.npy' }), /\[2, 2, 3, 3\]/);
  await unchanged('C = 2');
  await assert.rejects(load('model.safetensors', { name: 'model.safetensors' }), /encoder\.conv0\.weight[\s\S]*encoder\.conv1\.weight|encoder\.conv1\.weight[\s\S]*encoder\.conv0\.weight/);
  await unchanged('two tensors, none named');
  await assert.rejects(load('model.safetensors', { tensor: 'nope' }), /nope/);
  await unchanged('unknown tensor');
  await assert.rejects(page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge'], input: 'rgb' })),
                       /filter 'edge' has 1 channel but the RGB input has 3/);
  await assert.rejects(page.evaluate(() => window.FilterLens.loadBank(new Uint8Array(4), { tensr: 'x' })), /unknown option/);
  await unchanged('setFilters mismatch');

  // The C = 1 layer replaces the RGB bank and switches the input to gray.
  const loaded = await load('model.safetensors', { name: 'model.safetensors', tensor: 'encoder.conv0.weight' });
  assert.deepEqual(loaded, { names: ['encoder_conv0_weight_0', 'encoder_conv0_weight_1', 'encoder_conv0_weight_2'], shape: [3, 1, 3, 3] });
  const gray = await pageMaps();
  assert.deepEqual(names(gray), loaded.names);
  assert.equal(await page.evaluate(() => window.FilterLens.input()), 'gray');
  expectMapsEqual(gray, torchMaps({ weights: 'encoder.conv0.weight.npy', indices: [0, 1, 2], input: 'gray', padding: 2,
                                    paddingMode: 'reflect', stride: 2 }), 'C = 1 on gray');
  // A float16 C = 3 .npy: RGB again, named after the file.
  const half = await load('half.npy', { name: 'half.npy' });
  assert.deepEqual(half, { names: ['half_0', 'half_1'], shape: [2, 3, 5, 5] });
  expectMapsEqual(await pageMaps(), torchMaps({ weights: 'half.npy', indices: [0, 1], input: 'rgb', padding: 2,
                                               paddingMode: 'reflect', stride: 2 }), 'float16 .npy');
  assert.deepEqual(consoleErrors, []);
});

test('every hostile bank file of the catalogue loads as described or is refused, keeping the maps', async () => {
  // tests/hostile/make_hostile.py's bank files (bank's catalogue); CLI-only cases (--input) skipped.
  let catalogue = process.env.FILTERLENS_HOSTILE_DIR;
  if (!catalogue || !fs.existsSync(path.join(catalogue, 'manifest.json'))) {
    catalogue = path.join(tmp, 'hostile');
    execFileSync(PYTHON, [path.join(root, 'tests', 'hostile', 'make_hostile.py'), catalogue]);
  }
  const entries = JSON.parse(fs.readFileSync(path.join(catalogue, 'manifest.json'), 'utf8')).files
    .filter(e => e.kind === 'bankfile' && e.surfaces.includes('page') && e.argv.length === 0);
  assert.ok(entries.length >= 40, `only ${entries.length} bank files in the catalogue`);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'valid_rgb.png'),
                      [...fs.readFileSync(path.join(catalogue, 'valid_rgb.png'))]);
  const reset = () => page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'] }));
  await reset();
  const before = await pageMaps();
  const problems = [];
  for (const e of entries) {
    const bytes = [...fs.readFileSync(path.join(catalogue, e.name))];
    const got = await page.evaluate(({ bytes, name }) => window.FilterLens.loadBank(new Uint8Array(bytes), { name })
      .then(r => ({ ok: r }), err => ({ error: err.message })), { bytes, name: e.name });
    if (e.expect.includes('ok')) {
      const want = Array.from({ length: e.filters }, (_, i) => `${e.stem}_${i}`);
      const input = await page.evaluate(() => window.FilterLens.input());
      if (!got.ok) problems.push(`${e.name}: refused (${got.error})`);
      else if (JSON.stringify(got.ok.names) !== JSON.stringify(want)) problems.push(`${e.name}: names ${got.ok.names}`);
      else if (input !== (e.rgb ? 'rgb' : 'gray')) problems.push(`${e.name}: input ${input}`);
      await reset();
      continue;
    }
    if (got.ok) {
      problems.push(`${e.name}: accepted (${e.why})`);
      await reset();
      continue;
    }
    if (!got.error.startsWith('Could not load filters from ' + e.name + ': ') || got.error.includes('\n'))
      problems.push(`${e.name}: message ${JSON.stringify(got.error.slice(0, 200))}`);
    const now = await pageMaps();
    if (JSON.stringify(names(now)) !== JSON.stringify(names(before)) || now.some((m, i) => maxAbsDiff(m.data, before[i].data) !== 0))
      problems.push(`${e.name}: the maps changed`);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(consoleErrors, []);
});

test('a first layer learned from data (PCA of the photo\'s 7x7 RGB patches) on the default image: maps, tiles, inspector', async () => {
  // The principal components of chelsea.png's colour patches are what a CNN's first layer tends
  // to learn (luminance edges at several orientations, colour-opponent blobs): a stand-in for a
  // trained model that needs no download. Saved as conv1.weight [8, 3, 7, 7] in a .safetensors.
  python(`
import json, struct
import numpy as np
from PIL import Image
img = np.asarray(Image.open(${JSON.stringify(path.join(root, 'assets', 'chelsea.png'))}).convert('RGB'), dtype=np.float64) / 255
k = 7
rng = np.random.default_rng(3)
ys, xs = rng.integers(0, img.shape[0] - k, 20000), rng.integers(0, img.shape[1] - k, 20000)
patches = np.stack([img[y:y + k, x:x + k].transpose(2, 0, 1).ravel() for y, x in zip(ys, xs)])
patches -= patches.mean(axis=0)
_, _, vt = np.linalg.svd(patches, full_matrices=False)
w = vt[:8].reshape(8, 3, k, k).astype(np.float32)
raw = w.tobytes()
text = json.dumps({'conv1.weight': {'dtype': 'F32', 'shape': [8, 3, k, k], 'data_offsets': [0, len(raw)]}}).encode()
open('pca.safetensors', 'wb').write(struct.pack('<Q', len(text)) + text + raw)
np.save('pca.npy', w)
`);
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'chelsea.png'),
                      [...fs.readFileSync(path.join(root, 'assets', 'chelsea.png'))]);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'sharpen', 'blur'], padding: 3 }));
  await dropFile(path.join(tmp, 'pca.safetensors'), 'pca.safetensors');
  await waitFor(() => window.FilterLens.getFeatureMaps().length === 8, 'the eight PCA maps');
  assert.equal(await page.evaluate(() => window.FilterLens.input()), 'rgb');
  const pca = [0, 1, 2, 3, 4, 5, 6, 7];
  const photo = path.join(tmp, 'photo.png');
  fs.copyFileSync(photo, path.join(tmp, 'photo-kept.png'));
  fs.copyFileSync(path.join(root, 'assets', 'chelsea.png'), photo);  // torchMaps reads photo.png
  try {
    expectMapsEqual(await pageMaps(), torchMaps({ weights: 'pca.npy', indices: pca, input: 'rgb', padding: 3 }), 'PCA bank');
  } finally {
    fs.copyFileSync(path.join(tmp, 'photo-kept.png'), photo);
  }
  // Hover the cat's eye on the second component's map: three channel windows in the inspector.
  const panel = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'conv1_weight_1');
  await page.mouse.move(panel.x + panel.width * 0.30, panel.y + panel.height * 0.36);
  const r = await waitFor(() => { const i = window.FilterLens.inspector(); return i && i.filter === 1 && i; }, 'the inspector');
  assert.equal(r.channels, 3);
  assert.ok(Math.abs(r.sum - r.mapValue) < 1e-5);
  await screenshot('web-bank.png');
  await clickControl('tab/Filters as tiles');
  await waitFor(() => window.FilterLens.controls().filter(c => c.name.startsWith('maptile/')).length === 8, 'eight tiles');
  await page.mouse.move(5, 790);
  await screenshot('web-bank-tiles.png');
  await clickControl('tab/How it works');
});
