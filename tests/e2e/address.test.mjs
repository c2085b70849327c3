// Shareable, persistent state (issue 10, point 6): the bank, parameters and colours live in the
// address's `#` part; opening that address, or reloading, gives the same maps; a bad address
// gives a message and the default bank; "Share" copies the address.
// Run: node --test tests/e2e/address.test.mjs (after the wasm build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');

let server, base, browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

async function open(url, context = browser) {
  // Tall enough for the whole sidebar (the Export section's buttons) without scrolling.
  const page = await context.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(url);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(300);  // frames: the address follows the maps on the next one
  return { page, errors };
}

// The address once it matches `pattern` (a RegExp, or a string to equal): the page rewrites it
// at most twice a second. Asserts on the last one seen after 5 s.
async function waitForHash(page, pattern) {
  const matches = h => (typeof pattern === 'string' ? h === pattern : pattern.test(h));
  let hash = '';
  for (let i = 0; i < 50 && !matches(hash); ++i) {
    if (i) await page.waitForTimeout(100);
    hash = await page.evaluate(() => location.hash);
  }
  if (typeof pattern === 'string') assert.equal(hash, pattern);
  else assert.match(hash, pattern);
  return hash;
}

const maps = page => page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => ({
  name: m.name, width: m.width, height: m.height, data: Array.from(m.data) })));

const DEFAULT = '#v=1&f=edge&f=sharpen&f=blur&padding=1&mode=zeros&stride=1&dilation=1&flip=0' +
                '&input=gray&cmap=gray&scale=each';

test('the address holds the settings, and opening it or reloading gives the same maps', async () => {
  const { page, errors } = await open(base);
  await waitForHash(page, DEFAULT);
  await page.evaluate(() => window.FilterLens.setFilters({
    filters: ['blur', { name: 'mine ä,&#', weights: [[1, 2], [3, -4.5]] }, 'sharpen'],
    padding: 2, paddingMode: 'reflect', stride: 2, dilation: 1, flip: true }));
  // Written within half a second of the last rewrite (the page's first, just before).
  const hash = await waitForHash(page, /^#v=1&f=blur&f=mine%20%C3%A4%2C%26%23:2x2:1,2,3,-4\.5&f=sharpen&padding=2&mode=reflect&stride=2&dilation=1&flip=1&/);
  const want = await maps(page);
  assert.equal(want.length, 3);

  // The same address in a new page: the same maps, bit for bit.
  const copy = await open(base + hash);
  assert.deepEqual(await maps(copy.page), want);
  assert.equal(await copy.page.evaluate(() => window.FilterLens.lastError()), '');
  await copy.page.close();

  // A reload keeps them.
  await page.reload();
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(300);
  assert.deepEqual(await maps(page), want);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bad or hand-edited address gives a message and the default bank, never a broken page', async () => {
  const reference = await open(base);
  const defaults = await maps(reference.page);
  await reference.page.close();
  for (const [hash, why] of [['#v=1&f=nosuchfilter', /nosuchfilter/],
                             ['#v=1&f=k:3x3:1,2', /has 2 weights; 3x3 needs 9/],
                             ['#v=9&f=edge', /version/],
                             ['#garbage%zz', /not key=value|percent/],
                             ['#v=1&f=edge&stride=0', /stride must be 1 to 1000/]]) {
    const { page, errors } = await open(base + hash);
    assert.match(await page.evaluate(() => window.FilterLens.lastError()), why, hash);
    assert.deepEqual(await maps(page), defaults, hash);
    assert.deepEqual(errors, [], hash);
    // The refused link stays in the address bar (to be mended), after the default maps are drawn.
    await page.waitForTimeout(1200);
    assert.equal(await page.evaluate(() => location.hash), hash, `${hash} was replaced`);
    await page.close();
  }
  // The person's first change replaces the refused link with the settings shown, and so does
  // another refused address typed into the bar.
  {
    const { page } = await open(base + '#v=1&f=nosuchfilter');
    await page.evaluate(() => window.FilterLens.setFilters({ filters: ['sharpen'] }));
    await waitForHash(page, /^#v=1&f=sharpen&padding=1&/);
    await page.close();
  }
  {
    const { page } = await open(base + '#v=1&f=nosuchfilter');
    await page.evaluate(() => { location.hash = '#v=1&f=edge&mode=mirror'; });
    await waitForHash(page, /^#v=1&f=edge&f=sharpen&f=blur&padding=1&/);
    await page.close();
  }
  // Edited in the address bar of an open page: the message, and the maps stay. The address then
  // holds the settings shown again: Share used to copy the refused one.
  const { page } = await open(base);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['blur'], padding: 2 }));
  await page.waitForTimeout(1000);
  const shown = await page.evaluate(() => location.hash);
  assert.match(shown, /^#v=1&f=blur&padding=2&/);
  await page.evaluate(() => { location.hash = '#v=1&f=edge&mode=mirror'; });
  await page.waitForTimeout(300);
  assert.match(await page.evaluate(() => window.FilterLens.lastError()), /mirror/);
  assert.deepEqual((await maps(page)).map(m => m.name), ['blur']);
  // (Written from what Share copies: the app's settings as the page last heard them.)
  await page.waitForFunction(h => location.hash === h, shown, { timeout: 5000 });
  await page.close();
});

test('a weight dragged for seconds: the address ends at the last kernel, rewritten at most twice a second', async () => {
  // A small canvas: frames come fast enough for 220 edits, one a frame, within Chromium's 10 s
  // window (past 200 rewrites in it, Chromium ignores the rest and the address keeps an old kernel).
  const page = await browser.newPage({ viewport: { width: 480, height: 360 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(600);
  const kernel = i => [[0, -1, 0], [-1, 5 + i / 4, -1], [0, -1, 0]];  // exact in binary
  const edits = 220;
  const run = await page.evaluate(async ({ edits, kernels }) => {
    const FL = window.FilterLens;
    let writes = 0;
    const replace = history.replaceState.bind(history);
    history.replaceState = (...args) => { ++writes; return replace(...args); };
    const t0 = performance.now();
    for (let i = 0; i < edits; ++i) {
      await FL.setFilters({ filters: ['edge', { name: 'drag', weights: kernels[i] }] });
      const n = FL.framesDrawn();  // the app publishes the address in the frame after an edit
      while (FL.framesDrawn() === n) await new Promise(r => setTimeout(r, 1));
    }
    return { writes, ms: performance.now() - t0 };
  }, { edits, kernels: Array.from({ length: edits }, (_, i) => kernel(i)) });
  assert.ok(run.writes <= Math.ceil(run.ms / 500) + 2,
            `${run.writes} rewrites of the address in ${Math.round(run.ms)} ms (${edits} edits)`);
  const last = '&f=drag:3x3:0,-1,0,-1,59.75,-1,0,-1,0&';
  await page.waitForTimeout(700);  // the newest settings are written within half a second
  assert.ok((await page.evaluate(() => location.hash)).includes(last),
            `${await page.evaluate(() => location.hash)} after ${run.writes} rewrites in ${Math.round(run.ms)} ms`);

  // An edit half a second after the last rewrite is in the address as soon as its frame is drawn,
  // and a reload then keeps it.
  await page.waitForTimeout(600);
  const hash = await page.evaluate(async () => {
    const FL = window.FilterLens;
    await FL.setFilters({ filters: ['blur', 'edge'] });
    const n = FL.framesDrawn();
    while (FL.framesDrawn() === n) await new Promise(r => setTimeout(r, 1));
    return location.hash;
  });
  assert.match(hash, /^#v=1&f=blur&f=edge&padding=/);
  await page.reload();
  await page.evaluate(() => window.FilterLens.ready);
  assert.match(await page.evaluate(() => location.hash), /^#v=1&f=blur&f=edge&padding=/);
  assert.deepEqual(await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => m.name)),
                   ['blur', 'edge']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Share" copies the address to the clipboard', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const { page } = await open(base, context);
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['outline'] }));
  await page.waitForTimeout(300);
  const rect = await page.evaluate(() => window.FilterLens.controls().find(c => c.name === 'Share'));
  assert.ok(rect && rect.y + rect.height < 1100, `no Share button on screen: ${JSON.stringify(rect)}`);
  await page.mouse.move(rect.x + rect.width / 2, rect.y + rect.height / 2);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  let copied = '';
  for (let i = 0; i < 30 && !copied; ++i) {
    await page.waitForTimeout(100);
    copied = await page.evaluate(() => navigator.clipboard.readText());
  }
  assert.equal(copied, await page.evaluate(() => location.href),
               `clipboard empty; last error: ${await page.evaluate(() => window.FilterLens.lastError())}`);
  assert.match(copied, /#v=1&f=outline&/);
  await context.close();
});

test('an address asking for maps that do not fit in memory is refused like setFilters, and the app stays', async () => {
  // The address went to the model without the memory check setFilters makes: 60 filters on a
  // 24 MP photo (5.4 GB of maps) aborted the app. Now its settings are not used, with the reason.
  const { page, errors } = await open(base);
  const aborted = [];
  page.on('console', m => { if (/Aborted|RuntimeError/.test(m.text())) aborted.push(m.text()); });
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(6000, 4000);
    const g = c.getContext('2d');
    g.fillStyle = '#4a7';
    g.fillRect(0, 0, 6000, 4000);
    g.fillStyle = '#d52';
    g.fillRect(1000, 1000, 2500, 1500);
    const jpeg = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    await window.FilterLens.loadImage(jpeg, 'big.jpg');
  });
  const names = () => page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => `${m.name} ${m.width}`));
  const before = await names();
  await page.evaluate(() => {
    location.hash = '#v=1&' + Array.from({ length: 60 }, (_, i) => `f=a${i}:1x1:1`).join('&');
  });
  const why = await (await page.waitForFunction(() => window.FilterLens.lastError(), null,
                                                { timeout: 30000 })).jsonValue();
  assert.match(why, /^The address's settings were not used: 60 filters on this 6000 x 4000 image needs about [\d.]+ GB of memory/);
  assert.deepEqual(await names(), before);
  // Still working: an edit that fits is computed.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['blur'] }));
  assert.deepEqual(await names(), ['blur 6000']);
  assert.deepEqual(aborted, []);
  assert.deepEqual(errors, []);
  await page.close();
});
