// The live camera (issue 11 point 7) with Chromium's fake camera (--use-fake-device-for-media-
// stream --use-fake-ui-for-media-stream: a moving colour test pattern, permission granted):
// startCamera resolves with 1280 x 720 maps, frames keep coming, a frame's gray is PIL's integer
// luma of the RGBA the page got, the zoom set on the video survives new frames, Freeze (the app's
// button) and stopCamera keep a still image, and without a camera startCamera rejects with a
// message while the image shown stays. Asserts behaviour only; the frame rate and compute times
// are scripts/bench-web.sh's. Needs the wasm and wasm-threads builds (the server is isolated, so
// the page runs filterlens-mt.js).
// Run: node --test tests/e2e/camera.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');
const FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

let server, base, camera, noCamera;

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  ({ server, base } = await startServer(root, WEB));
  camera = await launchChromium({ args: FAKE_CAMERA });
  noCamera = await launchChromium();
});

after(async () => {
  for (const b of [camera, noCamera]) if (b) await b.close();
  if (server) server.kill();
});

async function open(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  return { page, errors };
}

const stats = page => page.evaluate(() => window.FilterLens.cameraStats());
// Waits until the camera has computed more than `n` frames (no time limit of its own: the test
// runner's applies); returns the count.
async function framesAbove(page, n) {
  await page.waitForFunction(k => window.FilterLens.cameraStats().frames > k, n, { timeout: 60000 });
  return (await stats(page)).frames;
}
const statusLine = page => page.evaluate(() => window.Module.UTF8ToString(window.Module._fl_message(1)));

// Clicks a control by its id (FilterLens.controls()) as a person would: once it is drawn.
async function clickControl(page, name) {
  const c = await (await page.waitForFunction(n => window.FilterLens.controls().find(c => c.name === n),
                                              name, { timeout: 30000 })).jsonValue();
  assert.ok(c, `no control ${name}`);
  await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await page.mouse.down();
  await page.mouse.up();
}

test('startCamera: 1280 x 720 maps, frames keep coming, gray is PIL luma of the RGBA, zoom stays, stopCamera keeps a still', async () => {
  const { page, errors } = await open(camera);
  const started = await page.evaluate(() => window.FilterLens.startCamera({ width: 1280, height: 720 }));
  assert.deepEqual(started, { width: 1280, height: 720 });
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.width, m.height]));
  assert.deepEqual(maps, [['edge', 1280, 720], ['sharpen', 1280, 720], ['blur', 1280, 720]]);
  let s = await stats(page);
  assert.equal(s.running, true);
  assert.equal(s.width, 1280);
  assert.equal(s.height, 720);
  assert.ok(s.frames >= 1);
  assert.ok(s.computeMs > 0, `computeMs ${s.computeMs}`);
  const later = await framesAbove(page, s.frames + 2);
  assert.ok(later >= s.frames + 3);

  // The gray of the frame on screen, against PIL's convert('L') of the RGBA the page read.
  const luma = await page.evaluate(() => {
    const frame = window.FilterLensCamera.lastFrame();
    const gray = window.FilterLens.getGray();
    let mismatches = 0, first = null, colourful = 0;
    const values = new Set();
    for (let i = 0; i < frame.width * frame.height; ++i) {
      const r = frame.data[4 * i], g = frame.data[4 * i + 1], b = frame.data[4 * i + 2];
      const L = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
      if (Math.fround(L / 255) !== gray.data[i]) {
        ++mismatches;
        if (first === null) first = { i, r, g, b, got: gray.data[i] };
      }
      if (r !== g || g !== b) ++colourful;
      values.add(L);
    }
    return { mismatches, first, colourful, distinct: values.size, size: [frame.width, frame.height],
             gray: [gray.width, gray.height] };
  });
  assert.deepEqual(luma.size, [1280, 720]);
  assert.deepEqual(luma.gray, [1280, 720]);
  assert.equal(luma.mismatches, 0, JSON.stringify(luma.first));
  // A test that could fail: the frame has colour (the weights matter) and more than a few levels.
  assert.ok(luma.colourful > 1000, `only ${luma.colourful} coloured pixels`);
  assert.ok(luma.distinct > 10, `only ${luma.distinct} gray levels`);

  // Zoom in on the Original panel with the wheel; new frames keep the view.
  const original = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'Original');
  assert.ok(original, 'no Original panel');
  await page.mouse.move(original.x + original.width * 0.3, original.y + original.height * 0.4);
  for (let i = 0; i < 3; ++i) await page.mouse.wheel(0, -100);
  await page.waitForFunction(() => window.FilterLens.viewState().zoom > 1.5, null, { timeout: 30000 });
  const view = await page.evaluate(() => window.FilterLens.viewState());
  await page.mouse.move(1270, 790);  // off the panels: no more wheel, no hover
  const n = (await stats(page)).frames;
  await framesAbove(page, n + 3);
  const after = await page.evaluate(() => window.FilterLens.viewState());
  assert.equal(after.zoom, view.zoom);
  assert.equal(after.centerX, view.centerX);
  assert.equal(after.centerY, view.centerY);

  // stopCamera: no more frames; the last frame stays as a still image with a name of its own.
  await page.evaluate(() => window.FilterLens.stopCamera());
  s = await stats(page);
  assert.equal(s.running, false);
  const gray = await page.evaluate(() => Array.from(window.FilterLens.getGray().data.subarray(0, 4096)));
  await page.waitForTimeout(1500);  // the fake camera would have sent ~30 frames by now
  assert.equal((await stats(page)).frames, s.frames);
  assert.deepEqual(await page.evaluate(() => Array.from(window.FilterLens.getGray().data.subarray(0, 4096))), gray);
  assert.match(await statusLine(page), /^Kept the camera frame as an image: camera frame \d\d:\d\d:\d\d$/);
  assert.equal((await page.evaluate(() => window.FilterLens.viewState())).zoom, view.zoom);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the app\'s Camera button starts it, its Freeze button keeps the frame', async () => {
  const { page, errors } = await open(camera);
  await clickControl(page, 'Camera');
  await framesAbove(page, 1);
  await page.waitForFunction(() => window.FilterLens.controls().some(c => c.name === 'Freeze'), null, { timeout: 30000 });
  await clickControl(page, 'Freeze');
  await page.waitForFunction(() => !window.FilterLens.cameraStats().running, null, { timeout: 30000 });
  const frames = (await stats(page)).frames;
  const gray = await page.evaluate(() => window.FilterLens.getGray());
  assert.deepEqual([gray.width, gray.height], [1280, 720]);
  await page.waitForTimeout(1000);
  assert.equal((await stats(page)).frames, frames);
  assert.match(await statusLine(page), /camera frame \d\d:\d\d:\d\d/);
  // The still is an image like any other: setFilters recomputes on it.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['sobel_x'] }));
  const maps = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.width]));
  assert.deepEqual(maps, [['sobel_x', 1280]]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('opening an image while the camera runs stops the camera and keeps the image', async () => {
  const { page, errors } = await open(camera);
  await page.evaluate(() => window.FilterLens.startCamera({ width: 640, height: 480 }));
  const png = fs.readFileSync(path.join(root, 'assets', 'chelsea.png'));
  await page.evaluate(bytes => window.FilterLens.loadImage(new Uint8Array(bytes), 'cat.png'), [...png]);
  await page.waitForFunction(() => !window.FilterLens.cameraStats().running, null, { timeout: 30000 });
  const gray = await page.evaluate(() => [window.FilterLens.getGray().width, window.FilterLens.getGray().height]);
  assert.notDeepEqual(gray, [640, 480]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a size the camera does not have (Chromium crops and scales) gives frames of that size', async () => {
  // The fake camera has no 100 x 100 or 48 x 36 mode: Chromium's frames then carry the size asked
  // for as their display size and the camera's pixels as their visible size. Those frames were all
  // dropped ("the camera sent no picture for 10 seconds").
  const { page, errors } = await open(camera);
  for (const [width, height] of [[100, 100], [48, 36]]) {
    const started = await page.evaluate(size => window.FilterLens.startCamera(size), { width, height });
    // The sides asked for ("ideal" constraints: the fake camera turns 48 x 36 into 36 x 48).
    assert.deepEqual([started.width, started.height].sort(), [width, height].sort());
    await framesAbove(page, 2);
    const s = await stats(page);
    assert.deepEqual([s.width, s.height], [started.width, started.height]);
    const gray = await page.evaluate(() => window.FilterLens.getGray());
    assert.deepEqual([gray.width, gray.height], [started.width, started.height]);
    // The fake camera's picture, scaled: more than one gray level (not a blank buffer).
    const values = new Set(Array.from(gray.data, v => Math.round(v * 255)));
    assert.ok(values.size > 1, `a picture, not one flat colour (${[...values]})`);
    await page.evaluate(() => window.FilterLens.stopCamera());
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('without a camera startCamera rejects with a message and the image stays', async () => {
  const { page, errors } = await open(noCamera);
  const before = await page.evaluate(() => {
    const g = window.FilterLens.getGray();
    return { width: g.width, height: g.height, head: Array.from(g.data.subarray(0, 2048)) };
  });
  const result = await page.evaluate(() => window.FilterLens.startCamera({ width: 1280, height: 720 })
    .then(() => ({ ok: true }), e => ({ ok: false, message: e.message })));
  assert.equal(result.ok, false);
  assert.match(result.message, /camera/i);
  assert.ok(result.message.length > 30, result.message);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), result.message);
  const after = await page.evaluate(() => {
    const g = window.FilterLens.getGray();
    return { width: g.width, height: g.height, head: Array.from(g.data.subarray(0, 2048)) };
  });
  assert.deepEqual(after, before);
  assert.equal((await stats(page)).running, false);
  // Bad options are refused before anything is asked of the browser.
  const bad = await page.evaluate(() => window.FilterLens.startCamera({ width: 5 }).then(() => 'ok', e => e.message));
  assert.match(bad, /width must be an integer from 16/);
  assert.deepEqual(errors, []);
  await page.close();
});
