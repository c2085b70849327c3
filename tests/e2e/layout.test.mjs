// The page on people's screens (issue 10, points 1 and 2): the UI is laid out in CSS pixels at
// any devicePixelRatio, with a backing store of CSS size x ratio, and the canvas follows the
// window without Emscripten GLFW's window-size path (which asks for fullscreen when the size
// equals the screen's). Run: node --test tests/e2e/layout.test.mjs (after the wasm build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';

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
  await page.mouse.move(20, height / 2);
  for (let i = 0; i < 20; ++i) await page.mouse.wheel(0, 200);
  await page.waitForTimeout(400);
  const scrolled = await page.evaluate(() => window.FilterLens.controls());
  for (const r of below) {
    const now = scrolled.find(c => c.name === r.name);
    assert.ok(now && inside(now, width, height), `${where}: control '${r.name}' out of reach even scrolled: ${JSON.stringify(now)}`);
  }
  for (let i = 0; i < 20; ++i) await page.mouse.wheel(0, -200);  // back to the top
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
