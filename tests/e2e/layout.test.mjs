// The page on people's screens (issue 10, points 1 and 2): the UI is laid out in CSS pixels at
// any devicePixelRatio, with a backing store of CSS size x ratio, and the canvas follows the
// window without Emscripten GLFW's window-size path (which asks for fullscreen when the size
// equals the screen's). Run: node --test tests/e2e/layout.test.mjs (after the wasm build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, startServer, launchChromium } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');
const ARTIFACTS = process.env.FILTERLENS_ARTIFACTS || path.join(root, 'build', 'test-artifacts');

let server, base, browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

// Opens the page at a window size and pixel ratio; resolves once the default maps are drawn.
async function open(width, height, ratio) {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: ratio });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForFunction(() => window.FilterLens.getFeatureMaps().length === 3 &&
                                   window.FilterLens.controls().length > 0, null, { timeout: 30000 });
  await page.waitForTimeout(400);  // a few frames at the final size
  return { page, errors };
}

async function layout(page) {
  return page.evaluate(() => ({
    canvas: (() => {
      const c = document.getElementById('canvas');
      return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
    })(),
    controls: window.FilterLens.controls(),
    panels: window.FilterLens.panels(),
    wrappers: document.body.querySelectorAll('div > canvas').length,
  }));
}

function inside(r, width, height) {
  return r.x >= -1 && r.y >= -1 && r.x + r.width <= width + 1 && r.y + r.height <= height + 1;
}

// Nothing the app drew is cut off: panels lie inside the window, and so does every control,
// either as the page opens or once the sidebar (the one part that scrolls, as a short window
// needs) is scrolled to its end with the mouse wheel.
async function assertReachable(page, got, width, height, where) {
  for (const r of got.panels) assert.ok(inside(r, width, height), `${where}: panel '${r.name}' at ${JSON.stringify(r)}`);
  const below = got.controls.filter(r => !inside(r, width, height));
  if (below.length === 0) return;
  const sidebar = got.controls.reduce((w, r) => Math.max(w, r.x + r.width), 0);
  for (const r of below)
    assert.ok(r.x >= -1 && r.x + r.width <= sidebar + 1 && r.y > 0, `${where}: control '${r.name}' at ${JSON.stringify(r)} is cut off`);
  // The sidebar and the bottom tabs each scroll (the wheel over each).
  const bottom = got.panels.reduce((x, p) => Math.min(x, p.x), width) + 20;
  for (const [x, y] of [[20, height / 2], [bottom, height - 12]]) {
    await page.mouse.move(x, y);
    for (let i = 0; i < 20; ++i) await page.mouse.wheel(0, 200);
  }
  await page.waitForTimeout(400);
  const scrolled = await page.evaluate(() => window.FilterLens.controls());
  for (const r of below) {
    const now = scrolled.find(c => c.name === r.name);
    assert.ok(now && inside(now, width, height), `${where}: control '${r.name}' out of reach even scrolled: ${JSON.stringify(now)}`);
  }
  for (const [x, y] of [[20, height / 2], [bottom, height - 12]]) {  // back to the top
    await page.mouse.move(x, y);
    for (let i = 0; i < 20; ++i) await page.mouse.wheel(0, -200);
  }
  await page.waitForTimeout(400);
}

const SIZES = [[1280, 800, 1], [1280, 800, 2], [1366, 768, 1.5], [1440, 900, 2], [1920, 1080, 1]];

test('every control and panel inside the window, the same CSS layout at every pixel ratio', async () => {
  const reference = new Map();  // "WxH" -> the layout at ratio 1, where there is one
  for (const [width, height, ratio] of SIZES) {
    const { page, errors } = await open(width, height, ratio);
    const got = await layout(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `web-layout-${width}x${height}@${ratio}.png`) });
    const where = `${width}x${height}@${ratio}`;
    await assertReachable(page, got, width, height, where);
    await page.close();
    assert.deepEqual(errors, [], `console errors at ${where}`);
    // Sharp: one backing-store pixel per device pixel.
    assert.equal(got.canvas.cssW, width, where);
    assert.equal(got.canvas.cssH, height, where);
    assert.ok(Math.abs(got.canvas.w - width * ratio) <= 1 && Math.abs(got.canvas.h - height * ratio) <= 1,
              `${where}: backing store ${got.canvas.w}x${got.canvas.h}`);
    assert.ok(got.controls.length >= 10, `${where}: only ${got.controls.length} controls`);
    // Same CSS layout whatever the ratio (fonts are rasterised at the ratio, sized in CSS px).
    const key = `${width}x${height}`;
    if (!reference.has(key)) {
      reference.set(key, got);
    } else {
      const ref = reference.get(key);
      assert.equal(got.controls.length, ref.controls.length, `${where}: controls differ from ratio 1`);
      for (let i = 0; i < ref.controls.length; ++i) {
        const a = ref.controls[i], b = got.controls[i];
        assert.equal(b.name, a.name);
        for (const k of ['x', 'y', 'width', 'height'])
          assert.ok(Math.abs(a[k] - b[k]) <= 2, `${where}: ${a.name}.${k} ${b[k]} vs ${a[k]} at ratio 1`);
      }
    }
  }
});

test('a window the size of the screen: no fullscreen request, no console error, canvas = window', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, screen: { width: 1280, height: 720 } });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(1500);  // what used to log one error per frame
  const got = await layout(page);
  const fullscreen = await page.evaluate(() => !!document.fullscreenElement);
  await page.close();
  assert.deepEqual(errors, []);
  assert.equal(fullscreen, false);
  assert.equal(got.wrappers, 0, 'the canvas was wrapped in a fullscreen <div>');
  assert.deepEqual([got.canvas.cssW, got.canvas.cssH, got.canvas.w, got.canvas.h], [1280, 720, 1280, 720]);
});

test('the backing store follows a window resize and a pixel-ratio change', async () => {
  const { page } = await open(1000, 700, 1);
  await page.setViewportSize({ width: 800, height: 600 });
  await page.waitForTimeout(400);
  let got = await layout(page);
  assert.deepEqual([got.canvas.w, got.canvas.h], [800, 600]);
  await assertReachable(page, got, 800, 600, 'after resize');
  // Browser zoom / another monitor: the ratio changes, the CSS size stays.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 800, height: 600, deviceScaleFactor: 2, mobile: false });
  await page.waitForTimeout(600);
  got = await layout(page);
  assert.deepEqual([got.canvas.cssW, got.canvas.cssH, got.canvas.w, got.canvas.h], [800, 600, 1600, 1200]);
  await assertReachable(page, got, 800, 600, 'after the ratio change');
  await page.close();
});

// A PNG of w x h pixels (a gradient), written by PIL.
function png(w, h) {
  const out = execFileSync(PYTHON, ['-c', `
import io, sys
from PIL import Image
im = Image.new('L', (${w}, ${h}))
im.putdata([(x * 7 + y * 3) % 256 for y in range(${h}) for x in range(${w})])
b = io.BytesIO(); im.save(b, 'PNG'); sys.stdout.buffer.write(b.getvalue())`]);
  return [...out];
}

const coverage = page => page.evaluate(() =>
  window.FilterLens.panels().reduce((a, p) => a + p.width * p.height, 0) / (innerWidth * innerHeight));

test('maps fill the window: the grid picks the largest panels, the tabs fold away, thin images fit', async () => {
  const { page, errors } = await open(1280, 800, 1);
  const withTabs = await coverage(page);
  const fold = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'tabs/collapse'));
  await page.mouse.move(fold.x + fold.width / 2, fold.y + fold.height / 2);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(400);
  const folded = await coverage(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-layout-tabs-folded.png') });
  console.log(`original + 3 maps cover ${(100 * withTabs).toFixed(1)}% of 1280x800 with the tabs, ${(100 * folded).toFixed(1)}% with them folded`);
  assert.ok(withTabs >= 0.25, `the panels cover ${withTabs} of the window with the tabs open`);
  assert.ok(folded >= 0.25, `the panels cover ${folded} of the window with the tabs folded`);
  assert.ok(folded > withTabs * 1.3);
  await assertReachable(page, await layout(page), 1280, 800, 'tabs folded');
  for (const [w, h] of [[1, 2000], [2000, 1], [3000, 2]]) {
    await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'thin.png'), png(w, h));
    await page.waitForTimeout(300);
    const got = await layout(page);
    assert.equal(got.panels.length, 4, `${w}x${h}`);
    await assertReachable(page, got, 1280, 800, `a ${w}x${h} image`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
// Standard deviation and mean of the gray levels in a screenshot file (PIL).
function levels(file) {
  return JSON.parse(execFileSync(PYTHON, ['-c', `
import json, sys
from PIL import Image, ImageStat
s = ImageStat.Stat(Image.open(sys.argv[1]).convert('L'))
print(json.dumps({'mean': s.mean[0], 'std': s.stddev[0]}))`, file], { encoding: 'utf8' }));
}

test('minified maps are smooth (display levels averaged, like antialiased imshow), magnified ones crisp pixels', async () => {
  const { page, errors } = await open(1280, 800, 1);
  // A 1-pixel checkerboard: shrunk to a third, sampling one texel in three gives a pattern of 0s
  // and 255s; averaging gives an even mid gray. Its sharpen map is a checkerboard too.
  const checker = [...execFileSync(PYTHON, ['-c', `
import io, sys
from PIL import Image
im = Image.new('L', (1200, 900))
im.putdata([255 * ((x + y) % 2) for y in range(900) for x in range(1200)])
b = io.BytesIO(); im.save(b, 'PNG'); sys.stdout.buffer.write(b.getvalue())`])];
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'checker.png'), checker);
  await page.waitForTimeout(500);
  const panels = await page.evaluate(() => window.FilterLens.panels());
  for (const name of ['Original', 'sharpen']) {
    const p = panels.find(q => q.name === name);
    assert.ok(p && p.width < 600, `${name}: ${JSON.stringify(p)}`);  // minified (1200 px wide)
    const file = path.join(ARTIFACTS, `web-minified-${name}.png`);
    await page.screenshot({ path: file, clip: { x: p.x + 4, y: p.y + 4, width: p.width - 8, height: p.height - 8 } });
    const l = levels(file);
    assert.ok(l.std < 25 && l.mean > 90 && l.mean < 165, `${name} minified: ${JSON.stringify(l)}`);
  }
  // Zoomed in far (the wheel over the original), pixels are crisp: 0s and 255s again.
  const o = panels.find(q => q.name === 'Original');
  await page.mouse.move(o.x + o.width / 2, o.y + o.height / 2);
  for (let i = 0; i < 40; ++i) await page.mouse.wheel(0, -100);
  await page.waitForTimeout(500);
  const zoomed = path.join(ARTIFACTS, 'web-magnified-Original.png');
  await page.screenshot({ path: zoomed, clip: { x: o.x + 4, y: o.y + 4, width: o.width - 8, height: o.height - 8 } });
  const z = levels(zoomed);
  assert.ok(z.std > 80, `magnified: ${JSON.stringify(z)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

// Clicks a control by its id (FilterLens.controls()) as a person would.
async function clickControl(page, name) {
  const c = await page.evaluate(n => window.FilterLens.controls().find(c => c.name === n), name);
  assert.ok(c, `no control ${name}`);
  await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.up();
  await page.waitForTimeout(400);
}

test('"keep contours when shrunk": a 1-pixel line stays bright in a shrunk map instead of averaging away', async () => {
  const { page, errors } = await open(1280, 800, 1);
  // 2400 x 1600 black with one white column: the map of a 1 x 1 weight of 1 is the image itself,
  // shown at about a seventh (display level 2 or 3).
  const line = [...execFileSync(PYTHON, ['-c', `
import io, sys
from PIL import Image
im = Image.new('L', (2400, 1600))
im.paste(255, (1201, 0, 1202, 1600))
b = io.BytesIO(); im.save(b, 'PNG'); sys.stdout.buffer.write(b.getvalue())`])];
  await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'line.png'), line);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: [{ name: 'same', weights: [[1]] }] }));
  await page.waitForTimeout(500);
  const brightest = async mode => {
    const p = (await page.evaluate(() => window.FilterLens.panels())).find(q => q.name === 'same');
    assert.ok(p && p.width < 600, JSON.stringify(p));
    const file = path.join(ARTIFACTS, `web-shrunk-line-${mode}.png`);
    await page.screenshot({ path: file, clip: { x: p.x + 4, y: p.y + 4, width: p.width - 8, height: p.height - 8 } });
    return Number(execFileSync(PYTHON, ['-c', `
import sys
from PIL import Image
print(max(Image.open(sys.argv[1]).convert('L').getdata()))`, file], { encoding: 'utf8' }));
  };
  const mean = await brightest('mean');
  await clickControl(page, 'shrink/contours');
  const kept = await brightest('contours');
  console.log(`a 1-px line shrunk about 7x: brightest ${mean} averaged, ${kept} with contours kept`);
  assert.ok(mean < 160, `averaged: ${mean}`);
  assert.ok(kept > 240, `contours kept: ${kept}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the focus view shows one map large next to the original, and goes back', async () => {
  const { page, errors } = await open(1280, 800, 1);
  const before = await page.evaluate(() => window.FilterLens.panels());
  assert.deepEqual(before.map(p => p.name), ['Original', 'edge', 'sharpen', 'blur']);
  await clickControl(page, 'focus/sharpen');
  const focused = await page.evaluate(() => window.FilterLens.panels());
  assert.deepEqual(focused.map(p => p.name), ['Original', 'sharpen']);
  assert.ok(focused[1].width * focused[1].height > 1.5 * before[2].width * before[2].height,
            `${JSON.stringify(focused[1])} vs ${JSON.stringify(before[2])}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-focus-view.png') });
  await assertReachable(page, await layout(page), 1280, 800, 'focus view');
  await clickControl(page, 'focus/sharpen');
  assert.deepEqual((await page.evaluate(() => window.FilterLens.panels())).map(p => p.name),
                   ['Original', 'edge', 'sharpen', 'blur']);
  // Focused on a map that a new bank no longer has: the grid again.
  await clickControl(page, 'focus/blur');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge'] }));
  await page.waitForTimeout(300);
  assert.deepEqual((await page.evaluate(() => window.FilterLens.panels())).map(p => p.name), ['Original', 'edge']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone held upright: the maps across the top, the controls under them', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3,
                                       hasTouch: true, isMobile: true });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForFunction(() => window.FilterLens.getFeatureMaps().length === 3 &&
                                   window.FilterLens.controls().length > 0, null, { timeout: 30000 });
  await page.waitForTimeout(400);
  const got = await layout(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-layout-390x844@3.png') });
  assert.deepEqual(got.panels.map(p => p.name), ['Original', 'edge', 'sharpen', 'blur']);
  for (const p of got.panels) {
    assert.ok(inside(p, 390, 844), `panel ${JSON.stringify(p)}`);
    assert.ok(p.width >= 150, `panel ${p.name} only ${p.width} px wide`);  // was ~50 beside the sidebar
  }
  const open = got.controls.find(c => c.name === 'bank/edge');
  const lowestPanel = Math.max(...got.panels.map(p => p.y + p.height));
  assert.ok(open && inside(open, 390, 844) && open.y > lowestPanel, `controls under the maps: ${JSON.stringify(open)}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bank of 24 or 64 filters is a grid of readable tiles inside the window, scrolled, with each map\'s actions', async () => {
  const { page, errors } = await open(1280, 800, 1);
  for (const count of [24, 64]) {
    await page.evaluate(async count => {
      const filters = [];
      for (let i = 0; i < count; ++i) filters.push({ name: `conv1.weight_${i}`, weights: [[1, 0, -1], [2, i % 7, -2], [1, 0, -1]] });
      await window.FilterLens.setFilters({ filters });
    }, count);
    await page.waitForTimeout(600);
    const got = await layout(page);
    const where = `${count} filters`;
    assert.equal(got.panels.length, count + 1, where);
    const left = got.panels[0].x;
    for (const p of got.panels) {
      assert.ok(p.x >= left - 1 && p.x + p.width <= 1280 + 1, `${where}: panel '${p.name}' leaves the window sideways: ${JSON.stringify(p)}`);
      assert.ok(p.width >= 140, `${where}: panel '${p.name}' is a ${p.width}-px stamp`);
    }
    for (let i = 0; i < got.panels.length; ++i)
      for (let j = i + 1; j < got.panels.length; ++j) {
        const a = got.panels[i], b = got.panels[j];
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        assert.ok(!overlap, `${where}: '${a.name}' and '${b.name}' overlap`);
      }
    // Every map's actions (focus, png, npy) behind one button inside its column.
    for (const p of got.panels.slice(1)) {
      const c = got.controls.find(c => c.name === `actions/${p.name}`);
      assert.ok(c, `${where}: no actions button for '${p.name}'`);
      assert.ok(c.x >= p.x - 1 && c.x + c.width <= 1280 + 1, `${where}: '${p.name}' actions at ${JSON.stringify(c)}`);
    }
    // The grid scrolls to its last map.
    await page.mouse.move(900, 300);  // over the grid (wherever the last layout left it scrolled)
    for (let i = 0; i < 40; ++i) await page.mouse.wheel(0, 300);
    await page.waitForTimeout(500);
    const last = (await page.evaluate(() => window.FilterLens.panels())).at(-1);
    assert.ok(last.y >= 0 && last.y + last.height <= 800, `${where}: the last map out of reach: ${JSON.stringify(last)}`);
    // Its menu's "focus" shows it large next to the original.
    await clickControl(page, `actions/${last.name}`);
    await clickControl(page, `focus/${last.name}`);
    const focused = await page.evaluate(() => window.FilterLens.panels());
    assert.deepEqual(focused.map(p => p.name), ['Original', last.name], where);
    await page.screenshot({ path: path.join(ARTIFACTS, `web-layout-${count}-focus.png`) });
    await clickControl(page, `focus/${last.name}`);  // large, its buttons are shown: " all "
    const back = await page.evaluate(() => window.FilterLens.panels());
    assert.equal(back.length, count + 1, where);
    const again = back.at(-1);  // back in the grid where it was, not at the top
    assert.ok(again.y >= 0 && again.y + again.height <= 800, `${where}: after "all" the map is at ${JSON.stringify(again)}`);
    // A touchpad's pinch over it (a wheel event with ctrlKey and no Control key) zooms the maps
    // and leaves the grid where it is.
    await page.mouse.move(again.x + again.width / 2, again.y + again.height / 2);
    await page.waitForTimeout(200);
    await page.evaluate(([x, y]) => document.getElementById('canvas').dispatchEvent(new WheelEvent('wheel',
      { deltaY: -100, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true })),
    [again.x + again.width / 2, again.y + again.height / 2]);
    await page.waitForTimeout(400);
    const pinched = await page.evaluate(() => window.FilterLens.viewState().zoom);
    assert.ok(pinched > 1, `${where}: the pinch did not zoom (zoom ${pinched})`);
    assert.equal((await page.evaluate(() => window.FilterLens.panels())).at(-1).y, again.y, `${where}: the pinch scrolled the grid`);
    await page.keyboard.press('0');  // fit again
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-layout-64-filters.png') });
  // A file's filters join at the end of the 64-row bank list and the first is selected: the list
  // scrolls to it.
  const top = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'bank/conv1.weight_0'));
  const npy = execFileSync(PYTHON, ['-c', `
import io, sys
import numpy as np
b = io.BytesIO(); np.save(b, np.ones((2, 1, 3, 3), np.float32)); sys.stdout.buffer.write(b.getvalue())`]);
  await page.evaluate(b => window.FilterLens.loadBank(new Uint8Array(b), { name: 'extra.npy' }), [...npy]);
  await page.waitForTimeout(600);
  const row = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'bank/extra_0'));
  assert.ok(row && row.y >= top.y - 2 && row.y + row.height <= top.y + 10 * 26,
            `the selected file filter is not shown in the list: ${JSON.stringify(row)} (top row at ${top.y})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 31 x 31 kernel in the editor scrolls sideways to its last column, the wheel still scrolls the sidebar', async () => {
  const { page, errors } = await open(1280, 800, 1);
  await page.evaluate(async () => {
    const weights = Array.from({ length: 31 }, (_, y) => Array.from({ length: 31 }, (_, x) => (x === 30 ? 1 : 0)));
    await window.FilterLens.setFilters({ filters: ['edge', { name: 'wide', weights }], padding: 15 });
  });
  await page.waitForTimeout(400);  // the bank list drawn with the new filter
  await clickControl(page, 'bank/wide');
  const sidebarRight = (await page.evaluate(() => window.FilterLens.panels()))[0].x;
  const first = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'weight/0,0'));
  let last = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'weight/30,0'));
  assert.ok(first && last, 'the 31 x 31 grid is drawn');
  assert.ok(last.x > sidebarRight, `the last column starts in view: ${JSON.stringify(last)}`);
  // Sideways over the grid: the last column comes into the sidebar.
  await page.mouse.move(first.x + 10, first.y + 5);
  for (let i = 0; i < 10; ++i) await page.mouse.wheel(400, 0);
  await page.waitForTimeout(600);
  last = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'weight/30,0'));
  assert.ok(last.x >= 0 && last.x + last.width <= sidebarRight, `the last column out of reach: ${JSON.stringify(last)}`);
  // Up and down over the grid scrolls the sidebar (the grid has no vertical scroll of its own).
  const before = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'weight/0,30'));
  for (let i = 0; i < 5; ++i) await page.mouse.wheel(0, 200);
  await page.waitForTimeout(600);
  const after = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'weight/0,30'));
  assert.ok(after.y < before.y - 100, `the sidebar did not scroll: ${before.y} -> ${after.y}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-layout-31x31-kernel.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('touch on a phone with 64 maps: a finger drags the grid, a tap on a control under the scrolled grid acts on the control, not on a hidden map', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForFunction(() => window.FilterLens.getFeatureMaps().length === 3, null, { timeout: 30000 });
  await page.evaluate(async () => {
    const filters = [];
    for (let i = 0; i < 64; ++i) filters.push({ name: `conv1.weight_${i}`, weights: [[1, 0, -1], [2, i % 7, -2], [1, 0, -1]] });
    await window.FilterLens.setFilters({ filters });
  });
  await page.waitForTimeout(800);
  // A finger dragged up over the maps (zoom 1: nothing to pan) scrolls the grid with it.
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  const before = (await page.evaluate(() => window.FilterLens.panels()))[2];  // first row
  const x = before.x + before.width / 2, y = before.y + before.height / 2;
  await touch('touchStart', [{ x, y, id: 1 }]);
  for (let d = 20; d <= 200; d += 20) {
    await touch('touchMove', [{ x, y: y - d, id: 1 }]);
    await page.waitForTimeout(30);
  }
  await touch('touchEnd', []);
  await page.waitForTimeout(400);
  const after = (await page.evaluate(() => window.FilterLens.panels()))[2];
  assert.ok(Math.abs(after.y - (before.y - 200)) < 25, `the grid moved from ${before.y} to ${after.y}, the finger 200 px`);
  assert.equal(await page.evaluate(() => window.FilterLens.viewState().hover), null, 'a drag is no tap');
  assert.equal(await page.evaluate(() => window.FilterLens.viewState().zoom), 1);
  const guide = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'Guide'));
  assert.ok(guide, 'the Guide button is drawn');
  const hidden = await page.evaluate(([x, y]) => window.FilterLens.panels().find(p =>
    x >= p.x && y >= p.y && x < p.x + p.width && y < p.y + p.height), [guide.x + guide.width / 2, guide.y + guide.height / 2]);
  assert.ok(hidden, 'a map scrolled out of the grid lies under the button (what the test is about)');
  await page.touchscreen.tap(guide.x + guide.width / 2, guide.y + guide.height / 2);
  await page.waitForFunction(() => window.FilterLens.guide().open, null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.FilterLens.viewState().hover), null, 'no hidden map was inspected');
  assert.deepEqual(errors, []);
  await context.close();
});
