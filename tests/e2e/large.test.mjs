// Large images without freezing (issue 11 point 3), behaviours only: in the pthreads build (the
// page picks it under the run command's cross-origin isolated server) a 24 MP JPEG is decoded,
// converted and filtered on the app's worker thread while the page keeps drawing frames and shows
// what it is doing; loadImage and setFilters answer with Promises once the maps exist; settings
// that arrive while a large image is being computed supersede it (only the newest are computed to
// the end). The frame gaps themselves are figures of scripts/bench-web.sh; here a gap of a second
// counts as the freeze it would have been (2.8-5.2 s before this worked).
//
//   FILTERLENS_WEB=<dir> node --test tests/e2e/large.test.mjs
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
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  // A 6000 x 4000 JPEG (24 MP) made in the page: gradients and shapes, so the maps are not flat.
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(6000, 4000);
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 6000, 4000);
    grad.addColorStop(0, '#203040');
    grad.addColorStop(1, '#e0c090');
    g.fillStyle = grad;
    g.fillRect(0, 0, 6000, 4000);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 400; ++i) {
      g.fillStyle = `rgb(${rnd() * 255 | 0},${rnd() * 255 | 0},${rnd() * 255 | 0})`;
      g.beginPath();
      g.arc(rnd() * 6000, rnd() * 4000, 20 + rnd() * 300, 0, 2 * Math.PI);
      g.fill();
    }
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    window.bigJpeg = new Uint8Array(await blob.arrayBuffer());
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test('the page runs the pthreads build, which computes on a worker thread', async () => {
  const build = await page.evaluate(() => window.FilterLens.build());
  assert.equal(build.script, 'filterlens-mt.js', JSON.stringify(build));
});

test('a 24 MP JPEG loads while the page keeps drawing and says what it is doing', async () => {
  const r = await page.evaluate(async () => {
    const M = window.Module;
    const gaps = [];
    const progress = new Set();
    let last = performance.now(), watching = true, framesWhileBusy = 0;
    const frames0 = window.FilterLens.framesDrawn();
    const watch = now => {
      gaps.push(now - last);
      last = now;
      const p = M.UTF8ToString(M._fl_progress());
      if (p) progress.add(p.replace(/ \S+\.jpg$/, ' <name>'));
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    const promise = window.FilterLens.loadImage(window.bigJpeg, 'big.jpg');
    const isPromise = promise instanceof Promise;
    const info = await promise;
    watching = false;
    framesWhileBusy = window.FilterLens.framesDrawn() - frames0;
    return { info, isPromise, maxGap: Math.max(...gaps), frames: gaps.length, framesWhileBusy,
             progress: [...progress] };
  });
  console.log(`24 MP load: ${r.frames} animation frames, longest gap ${r.maxGap.toFixed(0)} ms, ` +
              `${r.framesWhileBusy} app frames; progress seen: ${r.progress.join(' | ')}`);
  assert.equal(r.isPromise, true);
  assert.deepEqual(r.info, { width: 6000, height: 4000, maps: 3 });
  assert.ok(r.frames >= 5, `only ${r.frames} animation frames while loading`);
  assert.ok(r.framesWhileBusy >= 3, `the app drew ${r.framesWhileBusy} frames while loading`);
  assert.ok(r.maxGap < 1000, `the page froze for ${r.maxGap.toFixed(0)} ms`);
  assert.ok(r.progress.some(p => p.startsWith('Decoding')), `progress seen: ${r.progress}`);
  const shown = await page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => [m.name, m.width, m.height]));
  assert.deepEqual(shown, [['edge', 6000, 4000], ['sharpen', 6000, 4000], ['blur', 6000, 4000]]);
});

test('zoomed in on 24 MP, a panel holds a window of the full resolution, not all of it', async () => {
  const windowOf = panel => page.evaluate(p => {
    const M = window.Module, out = M._malloc(40);
    M._fl_texture_window(p, out);
    const v = Array.from(new Float64Array(M.wasmMemory ? M.wasmMemory.buffer : M.HEAPU8.buffer, out >>> 0, 5));
    M._free(out);
    return { level: v[0], x0: v[1], y0: v[2], width: v[3], height: v[4] };
  }, panel);
  const fit = await windowOf(1);
  assert.ok(fit.level >= 2 && fit.width <= 1500, `fitted: ${JSON.stringify(fit)}`);
  const edge = await page.evaluate(() => window.FilterLens.panels().find(p => p.name === 'edge'));
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  for (let i = 0; i < 16; ++i) {
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(500);
  const zoom = (await page.evaluate(() => window.FilterLens.viewState())).zoom;
  const near = await windowOf(1);
  // Past 1:1: level 0, but only around what the panel shows (its width / zoom, plus margins).
  assert.ok(zoom > 20, `zoom ${zoom}`);
  assert.equal(near.level, 0, JSON.stringify(near));
  // The window is made when level 0 is first wanted (the view under twice the panel's width),
  // with half the view again on each side, and kept while the view stays inside it: at most
  // four panels wide whatever the zoom, far from the whole 6000 x 4000.
  assert.ok(near.width > 0 && near.width <= 4 * edge.width + 4 && near.height <= 4 * edge.height + 4,
            `zoomed ${zoom.toFixed(1)}x, panel ${edge.width} x ${edge.height}: ${JSON.stringify(near)}`);
  // The original panel draws the right part of its window: its mean brightness is the mean of
  // the gray pixels the view covers (a wrong texture offset would show another part of the
  // picture, or the window's clamped edge). The pixel grid and values drawn over it shift the
  // mean by a few levels.
  const original = await page.evaluate(() => window.FilterLens.panels().find(p => p.name === 'Original'));
  const shot = await page.screenshot({ clip: { x: original.x, y: original.y, width: original.width, height: original.height } });
  const r = await page.evaluate(async b64 => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = c.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const px = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let shown = 0;
    for (let i = 0; i < px.length; i += 4) shown += px[i];
    const gray = window.FilterLens.getGray(), v = window.FilterLens.viewState();
    const half = 0.5 / v.zoom;
    const x0 = Math.floor((v.centerX - half) * gray.width), x1 = Math.ceil((v.centerX + half) * gray.width);
    const y0 = Math.floor((v.centerY - half) * gray.height), y1 = Math.ceil((v.centerY + half) * gray.height);
    let want = 0, n = 0;
    for (let y = y0; y < y1; ++y) for (let x = x0; x < x1; ++x) { want += gray.data[y * gray.width + x] * 255; ++n; }
    return { shown: shown / (px.length / 4), want: want / n };
  }, shot.toString('base64'));
  assert.ok(Math.abs(r.shown - r.want) < 20, `the zoomed original shows mean ${r.shown.toFixed(1)}, its pixels ${r.want.toFixed(1)}`);
  await page.keyboard.press('0');  // fit again
});

test('settings given while a large image is computed supersede it: only the newest are computed', async () => {
  const r = await page.evaluate(async () => {
    const M = window.Module, FL = window.FilterLens;
    const before = M._fl_completed();
    // An image, then two banks before its maps exist: the worker decodes the image and computes
    // the maps of the second bank only.
    const loading = FL.loadImage(window.bigJpeg, 'big again.jpg');
    const first = FL.setFilters({ filters: ['edge'] });
    const second = FL.setFilters({ filters: ['blur', 'sharpen'], padding: 0 });
    const answers = await Promise.all([loading, first, second]);
    const afterOpen = M._fl_completed();
    // A bank while another bank's maps are being computed on the 24 MP image.
    const third = FL.setFilters({ filters: ['edge', 'edge2'].map((n, i) => ({ name: n, weights: [[i, 1], [1, 0]] })) });
    await new Promise(r => setTimeout(r, 20));
    const fourth = FL.setFilters({ filters: ['sharpen'] });
    await Promise.all([third, fourth]);
    return { answers, opened: afterOpen - before, edited: M._fl_completed() - afterOpen,
             maps: FL.getFeatureMaps().map(m => [m.name, m.width, m.height]) };
  });
  // Every promise answers with what is shown once the newest maps exist.
  for (const a of r.answers) assert.deepEqual(a, { width: 6000, height: 4000, maps: 2 });
  assert.equal(r.opened, 1, 'the image and the newest bank: one computation to the end');
  assert.ok(r.edited >= 1 && r.edited <= 2, `${r.edited} computations for two quick edits`);
  assert.deepEqual(r.maps, [['sharpen', 6000, 4000]]);
});

test('a file that fails in the background rejects its Promise and keeps the image shown', async () => {
  const r = await page.evaluate(async () => {
    const FL = window.FilterLens;
    const cut = window.bigJpeg.slice(0, 2000);  // the header and a little of the first scan
    let error = null;
    try { await FL.loadImage(cut, 'cut.jpg'); } catch (e) { error = e.message; }
    return { error, maps: FL.getFeatureMaps().map(m => [m.name, m.width]) };
  });
  assert.match(r.error, /^Could not open cut\.jpg: /);
  assert.deepEqual(r.maps, [['sharpen', 6000]]);
});

test('no errors in the console', () => {
  assert.deepEqual(consoleErrors, []);
});
