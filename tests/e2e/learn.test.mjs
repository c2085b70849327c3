// End-to-end tests of "watch a kernel being learned" (issue 12 point 5) in Debian's Chromium:
// FilterLens.learnKernel recovers edge, sharpen and blur on the default image with cosine >= 0.99
// within 300 steps, refuses bad arguments with a message and leaves the maps as they were, and the
// How-it-works panel learns live (clicked through as a person would, screenshots kept).
//
//   FILTERLENS_WEB=<dir> FILTERLENS_ARTIFACTS=<dir> node --test tests/e2e/learn.test.mjs
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

let server, base, browser, page;
const consoleErrors = [];

async function waitFor(fn, what, timeout = 20000, arg = undefined) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

// ImGui samples the mouse once per frame: press and release must each last a frame or two.
async function clickUi(x, y) {
  await page.mouse.move(x, y);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(150);
}

const control = id => page.evaluate(i => window.FilterLens.controls().find(c => c.name === i), id);

async function clickControl(id) {
  const r = await waitFor(i => window.FilterLens.controls().find(c => c.name === i), `control ${id}`,
                          5000, id);
  await clickUi(r.x + r.width / 2, r.y + r.height / 2);
}

// Drags the bar above the bottom tabs by dy CSS pixels (up: the tabs get taller).
async function dragSplit(dy) {
  const bar = await waitFor(() => window.FilterLens.controls().find(c => c.name === 'split'), 'the split bar');
  const x = bar.x + bar.width / 2, y = bar.y + bar.height / 2;
  await page.mouse.move(x, y);
  await page.waitForTimeout(100);
  await page.mouse.down();
  for (let i = 1; i <= 10; ++i) {
    await page.mouse.move(x, y + dy * i / 10);
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(100);
  await page.mouse.up();
  await page.waitForTimeout(200);
}

// The maps as names, sizes and a hash of their exact float bits (FNV-1a), computed in the page:
// equal hashes mean the maps were left as they were, without shipping 400,000 numbers around.
function mapsNow() {
  return page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => {
    const bytes = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; ++i) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return { name: m.name, width: m.width, height: m.height, hash: h };
  }));
}

// Mean absolute difference (0..255 gray) between two rectangles of a screenshot, and each one's
// standard deviation (so a blank rectangle cannot pass as "equal").
function compareCrops(file, a, b) {
  return JSON.parse(execFileSync(PYTHON, ['-c', `
import json, sys
import numpy as np
from PIL import Image
img = np.asarray(Image.open(sys.argv[1]).convert('L')).astype(float)
def crop(r):
    x, y, w, h = (int(round(r[k])) for k in ('x', 'y', 'width', 'height'))
    return img[y + 2:y + h - 2, x + 2:x + w - 2]
a, b = crop(json.loads(sys.argv[2])), crop(json.loads(sys.argv[3]))
h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
print(json.dumps({'diff': float(np.abs(a[:h, :w] - b[:h, :w]).mean()), 'stdA': float(a.std()),
                  'stdB': float(b.std())}))
`, file, JSON.stringify(a), JSON.stringify(b)], { encoding: 'utf8' }));
}

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
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

test('learnKernel recovers edge, sharpen and blur on the default image within 300 steps', async () => {
  const before = await mapsNow();
  for (const target of ['edge', 'sharpen', 'blur']) {
    const r = await page.evaluate(t => window.FilterLens.learnKernel({ target: t, steps: 300, seed: 1 }), target);
    assert.equal(r.size, 3, target);
    assert.equal(r.weights.length, 3);
    assert.equal(r.weights[0].length, 3);
    assert.equal(r.loss.length, 301, 'the start and one loss per step');
    assert.ok(r.cosine >= 0.99, `${target}: cosine ${r.cosine}`);
    assert.ok(r.loss[300] < 1e-3 * r.loss[0], `${target}: loss ${r.loss[0]} -> ${r.loss[300]}`);
    // The cosine the app reports is the one of the weights it returns.
    const w = r.weights.flat(), t = r.targetWeights.flat();
    const dot = w.reduce((s, v, i) => s + v * t[i], 0);
    const norm = v => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(dot / (norm(w) * norm(t)) - r.cosine) < 1e-6, target);
  }
  const edge = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'edge' }));
  assert.deepEqual(edge.targetWeights, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]);
  assert.equal(edge.steps, 300);  // the defaults: edge, 300 steps, lr 0.1, seed 1
  // Same seed, same run; another seed, another start.
  const again = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'edge', seed: 1 }));
  assert.deepEqual(again.weights, edge.weights);
  assert.deepEqual(again.loss, edge.loss);
  const other = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'edge', seed: 2, steps: 1 }));
  assert.notDeepEqual(other.loss[0], edge.loss[0]);
  // A 5x5 preset is learned as 5x5 unless told otherwise; a hidden kernel is revealed at the end.
  const outline = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'outline' }));
  assert.equal(outline.size, 5);
  assert.ok(outline.cosine >= 0.99, `outline: ${outline.cosine}`);
  const hidden = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'hidden', seed: 7 }));
  assert.equal(hidden.targetWeights.length, 3);
  assert.ok(hidden.cosine >= 0.99, `hidden: ${hidden.cosine}`);
  // None of it touched the app's maps.
  assert.deepEqual(await mapsNow(), before);
  assert.equal(await page.evaluate(() => window.FilterLens.lastError()), '');
});

test('learnKernel refuses bad arguments with a message, and the maps stay', async () => {
  const before = await mapsNow();
  const cases = [
    [{ size: 4 }, /size must be 3 or 5 \(got 4\)/],
    [{ size: 0 }, /size must be 3 or 5/],
    [{ size: '3' }, /size must be 3 or 5/],
    [{ steps: 0 }, /steps must be an integer from 1 to 10000 \(got 0\)/],
    [{ steps: 2.5 }, /steps must be an integer/],
    [{ steps: 1e9 }, /steps must be an integer from 1 to 10000/],
    [{ lr: -1 }, /lr must be a number above 0/],
    [{ lr: NaN }, /lr must be a number above 0/],
    [{ lr: '0.1' }, /lr must be a number/],
    [{ seed: -1 }, /seed must be an integer from 0 to 4294967295/],
    [{ seed: 2 ** 32 }, /seed must be an integer/],
    [{ target: 'nope' }, /unknown target 'nope' \(known: edge, .*hidden\)/],
    [{ target: '' }, /target must be a preset name or 'hidden'/],
    [{ target: 'bad\nname' }, /target must be/],
    [{ target: 'outline', size: 3 }, /'outline' is 5x5: learn it with size 5/],
    [{ target: 'edge', stride: 2 }, /unknown option "stride"/],
    [null, /options must be an object/],
    ['edge', /options must be an object/],
  ];
  for (const [options, want] of cases) {
    const message = await page.evaluate(o => {
      try { window.FilterLens.learnKernel(o); return 'no error'; } catch (e) { return e instanceof Error ? e.message : 'not an Error: ' + e; }
    }, options);
    assert.match(message, /^learnKernel: /, JSON.stringify(options));
    assert.match(message, want, JSON.stringify(options));
  }
  assert.deepEqual(await mapsNow(), before);
  // The app shows the last refusal; a good call afterwards still works.
  assert.match(await page.evaluate(() => window.FilterLens.lastError()), /learnKernel: /);
  const ok = await page.evaluate(() => window.FilterLens.learnKernel({ target: 'blur', steps: 5 }));
  assert.equal(ok.loss.length, 6);
});

test('the How-it-works panel learns a kernel live and ends with the maps alike', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await dragSplit(-260);  // taller tabs: room for the panel under the inspector
  await clickControl('tab/How it works');
  await clickControl('learn/target');
  await clickControl('learn/target/sharpen');
  await clickControl('learn/Start');
  // Running: a Stop button, the weights and both maps drawn.
  await waitFor(() => window.FilterLens.controls().some(c => c.name === 'learn/Stop'), 'the run to start');
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-learn-running.png') });
  for (const id of ['learn/weights', 'learn/target weights', 'learn/map', 'learn/target map', 'learn/loss'])
    assert.ok(await control(id), id);
  // Stop and continue.
  await clickControl('learn/Stop');
  await waitFor(() => window.FilterLens.controls().some(c => c.name === 'learn/Continue'), 'the run to stop');
  await clickControl('learn/Continue');
  // A step per frame: 300 frames.
  await waitFor(() => {
    const names = window.FilterLens.controls().map(c => c.name);
    return names.includes('learn/Reset') && !names.includes('learn/Stop') && !names.includes('learn/Continue');
  }, 'the run to end', 120000);
  await page.waitForTimeout(300);
  const file = path.join(ARTIFACTS, 'web-learn-done.png');
  await page.screenshot({ path: file });
  const [map, target] = [await control('learn/map'), await control('learn/target map')];
  const c = compareCrops(file, map, target);
  assert.ok(c.stdA > 10 && c.stdB > 10, `the maps look blank: ${JSON.stringify(c)}`);
  assert.ok(c.diff < 2, `the learned map differs from the target's: ${JSON.stringify(c)}`);
  await clickControl('learn/Reset');
  await waitFor(() => !window.FilterLens.controls().some(c => c.name === 'learn/map'), 'the reset');
  await dragSplit(260);
  assert.deepEqual(consoleErrors, []);
});
