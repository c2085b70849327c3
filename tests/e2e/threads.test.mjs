// The page picks its build (issue 11 point 2): served cross-origin isolated (serve.py's default
// COOP/COEP) it runs the pthreads build, filterlens-mt.js, and computes on more than one thread;
// served without those headers (--no-isolation) it runs the single-thread filterlens.js. Both
// give the same maps, bit for bit. Needs the wasm and wasm-threads presets built.
// Run: node --test tests/e2e/threads.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');

let isolated, plain, browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens-mt.js')),
    `build the pthreads app first: cmake --build --preset wasm-threads (${WEB})`);
  isolated = await startServer(root, WEB);
  plain = await startServer(root, WEB, ['--no-isolation']);
  // Two cores at least, whatever the machine has: the pthreads build sizes its pool by it.
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  for (const s of [isolated, plain]) if (s) s.server.kill();
});

async function open(base) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 4 });
  });
  const page = await context.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  return { page, errors, context };
}

// A bank that takes every path of the kernel (symmetric 3x3s, a 5x5, stride 2 is the phased one).
const SETTINGS = { filters: ['edge', 'sharpen', 'blur',
  { name: 'odd', weights: [[1, -2, 0, 3, 1], [0, 1, 1, 0, -1], [2, 0, -1, 1, 0], [0, 0, 1, 0, 0], [1, 1, 1, 1, -5]] }],
  padding: 2, paddingMode: 'reflect', stride: 2, dilation: 1 };

async function mapsOf(page) {
  await page.evaluate(s => window.FilterLens.setFilters(s), SETTINGS);
  return page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({
    name: m.name, width: m.width, height: m.height, data: Array.from(m.data) })));
}

test('isolated: the pthreads build on several threads; plain: the single-thread build; same maps', async () => {
  const a = await open(isolated.base);
  const threaded = await a.page.evaluate(() => window.FilterLens.build());
  assert.equal(threaded.crossOriginIsolated, true);
  assert.equal(threaded.script, 'filterlens-mt.js');
  assert.ok(threaded.threads > 1, `threads: ${threaded.threads}`);
  const threadedMaps = await mapsOf(a.page);

  const b = await open(plain.base);
  const single = await b.page.evaluate(() => window.FilterLens.build());
  assert.deepEqual(single, { threads: 1, script: 'filterlens.js', crossOriginIsolated: false });
  const singleMaps = await mapsOf(b.page);

  assert.equal(threadedMaps.length, 4);
  assert.deepEqual(threadedMaps, singleMaps);
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.context.close();
  await b.context.close();
});
