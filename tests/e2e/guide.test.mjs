// The guide (issue 10 point 9) in Chromium, as a newcomer meets it: a first visit opens it at
// step 1 on the default image; Next walks the six steps, each checked on the real UI through the
// page API (the zoom, the sliding window, the inspector, the fitted maps, the kernel editor, the
// learned filters tab); Back, the keys (Right, Left, Esc); a reload after closing does not open it
// again; the sidebar's button does; a tap on Next works on a touch screen. Screenshots of every
// step: build/test-artifacts/guide-<n>.png (1280 x 800).
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
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium({ firstVisit: true });  // no "guide seen" flag set for us
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

async function waitFor(page, fn, what, arg = undefined, timeout = 20000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for ' + what);
}

async function openPage(context, errors) {
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready.then(() => true));
  return page;
}

async function control(page, id) {
  return waitFor(page, i => window.FilterLens.controls().find(c => c.name === i), `control ${id}`, id);
}

// A click as a person makes it: move, press, release, each seen by a frame.
async function clickControl(page, id) {
  const r = await control(page, id);
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2);
  await page.waitForTimeout(100);
  await page.mouse.down();
  await page.waitForTimeout(150);
  await page.mouse.up();
  await page.waitForTimeout(150);
}

// A key held for a few frames, as a finger does: Dear ImGui 1.86 reads key state once a frame,
// so a press and release inside one frame (page.keyboard.press) would never be seen.
async function pressKey(page, key) {
  await page.keyboard.down(key);
  await page.waitForTimeout(120);
  await page.keyboard.up(key);
}

// Waits until the guide shows `step` (1-based) and has outlined what that step talks about.
async function atStep(page, step, highlight) {
  return waitFor(page, ([s, h]) => {
    const g = window.FilterLens.guide();
    return g.open && g.step === s && g.highlight && g.highlight.name === h && g.highlight.width > 0 && g;
  }, `guide step ${step} outlining ${highlight}`, [step, highlight]);
}

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('a first visit opens the guide; Next walks the six steps, each driving the real UI', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context, errors);

  // Step 1: zoomed into the original around one spot, far enough that values are written in the
  // pixels (the panels do so from 46 screen pixels per image pixel).
  let g = await atStep(page, 1, 'panel/Original');
  assert.equal(g.steps, 6);
  assert.match(g.title, /grid of numbers/);
  // The zoom follows the panel's width, which the first frames are still laying out: two more
  // frames, and it is the zoom of the panel as drawn.
  const seen = await page.evaluate(() => window.FilterLens.framesDrawn());
  await waitFor(page, n => window.FilterLens.framesDrawn() >= n + 2, 'two more frames', seen);
  const view = await page.evaluate(() => window.FilterLens.viewState());
  const original = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'Original');
  assert.ok(view.zoom > 1, `zoomed in (zoom ${view.zoom})`);
  assert.ok(original.width * view.zoom / 451 >= 46, `pixels drawn ${original.width * view.zoom / 451} px wide`);
  // The strip covers nothing: every panel starts below it, every sidebar control left of it.
  const next = await control(page, 'guide/next');
  const strip = { x: next.x - 200, y: 0, width: 2000, height: next.y + next.height };
  for (const p of await page.evaluate(() => window.FilterLens.panels()))
    assert.ok(p.y >= next.y + next.height, `panel ${p.name} at y ${p.y} is under the guide`);
  for (const c of await page.evaluate(() => window.FilterLens.controls()))
    if (!c.name.startsWith('guide/') && !c.name.startsWith('tab')) assert.ok(!overlaps(c, { ...strip, x: next.x }), `control ${c.name} under the guide`);
  for (const id of ['guide/back', 'guide/next', 'guide/close']) {
    const b = await control(page, id);
    assert.ok(b.height >= 32 && b.width >= 32, `${id} is ${b.width} x ${b.height}: too small to tap`);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-1.png') });

  // Step 2: the sliding window plays on the edge map, the kernel outlined in the inspector.
  await clickControl(page, 'guide/next');
  g = await atStep(page, 2, 'inspector/kernel');
  let ui = await page.evaluate(() => window.FilterLens.uiState());
  assert.equal(ui.animation.active, true);
  assert.equal(ui.animation.playing, true);
  assert.equal(ui.animation.filter, 0);  // edge
  assert.equal(ui.tab, 'How it works');
  await waitFor(page, () => window.FilterLens.uiState().animation.step > 1, 'the window to move');
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-2.png') });

  // Step 3: the walk stops on one spot of the edge map; the inspector explains it.
  await clickControl(page, 'guide/next');
  g = await atStep(page, 3, 'inspector/products');
  ui = await page.evaluate(() => window.FilterLens.uiState());
  assert.equal(ui.animation.active, false);
  const spot = await page.evaluate(() => window.FilterLens.viewState());
  assert.ok(spot.hover, 'the inspector has a pixel');
  assert.equal(spot.hover.filter, 0);
  const reading = await page.evaluate(() => window.FilterLens.inspector());
  assert.ok(reading && Math.abs(reading.sum) > 0.05, `a spot on an edge: sum ${reading && reading.sum}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-3.png') });

  // Step 4: the three maps side by side, whole.
  await clickControl(page, 'guide/next');
  g = await atStep(page, 4, 'panels');
  assert.equal((await page.evaluate(() => window.FilterLens.viewState())).zoom, 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-4.png') });

  // Step 5: edge in the kernel editor, its centre weight outlined.
  await clickControl(page, 'guide/next');
  g = await atStep(page, 5, 'weight/1,1');
  ui = await page.evaluate(() => window.FilterLens.uiState());
  assert.equal(ui.selected, 'edge');
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-5.png') });

  // Step 6: the learned filters tab in front.
  await clickControl(page, 'guide/next');
  g = await atStep(page, 6, 'tab/Learned filters');
  await waitFor(page, () => window.FilterLens.uiState().tab === 'Learned filters', 'the Learned filters tab');
  await page.screenshot({ path: path.join(ARTIFACTS, 'guide-6.png') });

  // Back, then the keys: Right and Left step, Esc closes.
  await clickControl(page, 'guide/back');
  await atStep(page, 5, 'weight/1,1');
  await pressKey(page, 'ArrowRight');
  await atStep(page, 6, 'tab/Learned filters');
  await pressKey(page, 'ArrowLeft');
  await atStep(page, 5, 'weight/1,1');
  await pressKey(page, 'Escape');
  await waitFor(page, () => !window.FilterLens.guide().open, 'Esc to close the guide');
  assert.equal(await page.evaluate(() => localStorage.getItem('filterlens.guideSeen')), '1');

  // A reload does not open it again (give it frames to do so if it were going to).
  await page.reload();
  await page.evaluate(() => window.FilterLens.ready.then(() => true));
  await waitFor(page, () => window.FilterLens.panels().length === 4, 'the panels after the reload');
  await page.waitForTimeout(500);
  assert.equal((await page.evaluate(() => window.FilterLens.guide())).open, false);
  assert.ok(!(await page.evaluate(() => window.FilterLens.controls())).some(c => c.name.startsWith('guide/')));

  // The sidebar's button opens it again, at step 1; Enter steps, Done on the last step closes.
  await clickControl(page, 'Guide');
  await atStep(page, 1, 'panel/Original');
  await pressKey(page, 'Enter');
  await atStep(page, 2, 'inspector/kernel');
  await page.evaluate(() => window.FilterLens.guideStep(6));
  await atStep(page, 6, 'tab/Learned filters');
  await clickControl(page, 'guide/next');  // "Done"
  await waitFor(page, () => !window.FilterLens.guide().open, 'Done to close the guide');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page API opens, moves and closes the guide, with steps clamped', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context, errors);
  await atStep(page, 1, 'panel/Original');
  const g = await page.evaluate(() => window.FilterLens.guideStep(99));
  assert.equal(g.step, 6);
  assert.equal((await page.evaluate(() => window.FilterLens.guideStep(-3))).step, 1);
  // Integers past an int's range too (1e300 wrapped to step 1 when the app clamped it).
  assert.equal((await page.evaluate(() => window.FilterLens.guideStep(1e300))).step, 6);
  assert.equal((await page.evaluate(() => window.FilterLens.guideStep(-1e300))).step, 1);
  assert.equal((await page.evaluate(() => window.FilterLens.guideStep(2 ** 32 + 2))).step, 6);
  await assert.rejects(page.evaluate(() => window.FilterLens.guideStep('2')), /integer from 1 to 6/);
  const closed = await page.evaluate(() => window.FilterLens.closeGuide());
  assert.equal(closed.open, false);
  assert.equal(await page.evaluate(() => localStorage.getItem('filterlens.guideSeen')), '1');
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a touch screen a tap on Next moves the guide on', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const page = await openPage(context, errors);
  await atStep(page, 1, 'panel/Original');
  const next = await control(page, 'guide/next');
  await page.touchscreen.tap(next.x + next.width / 2, next.y + next.height / 2);
  await atStep(page, 2, 'inspector/kernel');
  await page.waitForTimeout(500);  // one tap, one step (not a second click from the mouse events)
  assert.equal((await page.evaluate(() => window.FilterLens.guide())).step, 2);
  // A tap somewhere else acts there, not where the last tap was.
  const back = await control(page, 'guide/back');
  await page.touchscreen.tap(back.x + back.width / 2, back.y + back.height / 2);
  await atStep(page, 1, 'panel/Original');
  await page.waitForTimeout(500);
  assert.equal((await page.evaluate(() => window.FilterLens.guide())).step, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a phone held sideways (667 x 375): each step scrolls what it outlines into view', async () => {
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 667, height: 375 }, deviceScaleFactor: 2 });
  const page = await openPage(context, errors);
  const steps = [[1, 'panel/Original'], [2, 'inspector/kernel'], [3, 'inspector/products'], [4, 'panels'],
    [5, 'weight/1,1'], [6, 'tab/Learned filters']];
  for (const [step, target] of steps) {
    if (step > 1) await pressKey(page, 'ArrowRight');
    await atStep(page, step, target);
    await page.waitForTimeout(400);  // the scroll lands in the next frame
    const g = await page.evaluate(() => window.FilterLens.guide());
    const r = g.highlight;
    if (target.startsWith('panel')) {  // the maps window shows at least a strip of them
      assert.ok(r.y < 375 && r.y + r.height > 0, `step ${step}: ${JSON.stringify(r)}`);
    } else {  // a control: whole inside the window
      assert.ok(r.y >= 0 && r.y + r.height <= 375 && r.x >= 0 && r.x + r.width <= 667,
                `step ${step}: '${target}' out of view at ${JSON.stringify(r)}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, `guide-phone-sideways-${step}.png`) });
  }
  // The sidebar scrolled to its top at step 6, then Back: step 5 brings its kernel into view
  // again. Then the person scrolls the sidebar up: the step scrolled once, on arrival; it does
  // not pull the kernel back every frame.
  await page.mouse.move(300, 300);
  for (let i = 0; i < 10; ++i) await page.mouse.wheel(0, -200);
  await page.waitForTimeout(600);
  const away = await control(page, 'weight/1,1');
  assert.ok(away.y > 375, `the sidebar did not scroll away from the kernel: ${JSON.stringify(away)}`);
  await pressKey(page, 'ArrowLeft');
  await atStep(page, 5, 'weight/1,1');
  await page.waitForTimeout(400);
  const before = await control(page, 'weight/1,1');
  assert.ok(before.y >= 0 && before.y + before.height <= 375, `back at step 5, the kernel out of view: ${JSON.stringify(before)}`);
  await page.mouse.move(300, 300);
  for (let i = 0; i < 10; ++i) await page.mouse.wheel(0, -200);
  await page.waitForTimeout(800);
  const after = await control(page, 'weight/1,1');
  assert.ok(after.y > before.y + 100, `the sidebar did not stay where it was scrolled: ${before.y} -> ${after.y}`);
  assert.deepEqual(errors, []);
  await context.close();
});
