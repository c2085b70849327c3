// Keyboard, text and touch (issue 10 point 7) and the UI font (point 8) in Chromium: typed and
// pasted non-ASCII text reaches ImGui's fields (read back as the filter's new name), Ctrl+O opens
// the file chooser, + - 0 zoom, the arrow keys move the inspected pixel, Esc clears the message,
// a pinch zooms and a tap inspects (a page with touch, CDP touch events), and a glyph the font
// lacks is drawn as a box (the font's fallback character). Screenshots at DPR 1 and 2 go to
// build/test-artifacts.
// Run: node --test tests/e2e/text_input.test.mjs (after the wasm build).
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
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

async function open(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(300);
  return { context, page, errors };
}

async function waitFor(page, fn, what, arg = undefined, timeout = 10000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

// ImGui 1.86 samples the mouse once a frame: press and release each last a frame or two.
async function clickUi(page, x, y) {
  await page.mouse.move(x, y);
  await page.waitForTimeout(80);
  await page.mouse.down();
  await page.waitForTimeout(120);
  await page.mouse.up();
  await page.waitForTimeout(120);
}

async function control(page, id) {
  return waitFor(page, i => window.FilterLens.controls().find(c => c.name === i), 'control ' + id, id);
}

async function clickControl(page, id) {
  const r = await control(page, id);
  await clickUi(page, r.x + r.width / 2, r.y + r.height / 2);
}

// Selects the edge filter and puts the keyboard in its name field, all of it selected.
async function editEdgeName(page) {
  await clickControl(page, 'bank/edge');
  await clickControl(page, 'name');
  await waitFor(page, () => window.FilterLens.textInputActive(), 'the name field to take the keyboard');
  await page.keyboard.press('Control+A');
  await page.waitForTimeout(100);
}

const mapNames = page => page.evaluate(() => window.FilterLens.getFeatureMaps().map(m => m.name));

test('typed non-ASCII text reaches the field, Unicode letters intact', async () => {
  const { context, page, errors } = await open();
  await editEdgeName(page);
  const typed = 'Kante ä حافة Ωμέγα Кошка';
  await page.keyboard.type(typed, { delay: 40 });
  // Applied when the field is left (not at every keystroke): Enter, and the keyboard goes back
  // to the app.
  await page.waitForTimeout(300);
  assert.deepEqual(await mapNames(page), ['edge', 'sharpen', 'blur']);
  await page.keyboard.press('Enter');
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the field to let go');
  await waitFor(page, t => window.FilterLens.getFeatureMaps()[0].name === t, 'the typed name', typed);
  assert.deepEqual(await mapNames(page), [typed, 'sharpen', 'blur']);
  assert.deepEqual(errors, []);
  await context.close();
});

// Keys and text reach ImGui in the order they were typed, however many arrive between two frames:
// here Ctrl+A and then "Zed", all in one task of the page (no frame can run in between). ImGui
// drops text typed while Control is down, so the text must wait for the frame after Control's
// release; it used to go straight in and was lost (the name stayed "edge"). Without the Ctrl+A
// applied first the name would be "edgeZed".
test('text typed right after Ctrl+A, before any frame, replaces the selection', async () => {
  const { context, page, errors } = await open();
  await editEdgeName(page);
  await page.keyboard.press('End');  // nothing selected: only this test's Ctrl+A selects "edge"
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    const key = (type, keyCode, key, ctrlKey) => {
      const e = new KeyboardEvent(type, { key, ctrlKey, bubbles: true, cancelable: true });
      Object.defineProperty(e, 'keyCode', { get: () => keyCode });
      Object.defineProperty(e, 'which', { get: () => keyCode });
      window.dispatchEvent(e);
    };
    key('keydown', 17, 'Control', true);
    key('keydown', 65, 'a', true);
    key('keyup', 65, 'a', true);
    key('keyup', 17, 'Control', false);
    document.activeElement.dispatchEvent(
      new InputEvent('input', { data: 'Zed', inputType: 'insertText', bubbles: true }));
  });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');  // the name applies when the field is left
  await waitFor(page, () => window.FilterLens.getFeatureMaps()[0].name === 'Zed', 'the name typed after Ctrl+A');
  assert.deepEqual(await mapNames(page), ['Zed', 'sharpen', 'blur']);
  assert.deepEqual(errors, []);
  await context.close();
});

// A press and a move before the next frame (one task of the page here): the press is seen where it
// happened, so the split bar takes the drag. It used to be seen where the mouse had gone, off the
// bar, and nothing moved.
// The keyboard moves between the hidden text sink and the canvas a frame after a field opens or
// closes. Emscripten's GLFW used to take that blur for the window's and release every held key:
// a Control held for a Control + click on a weight cell was let go while the frame that closed
// the last field came in, the click became a drag and the value typed next went nowhere.
test('keys held while the keyboard moves between the text field and the canvas stay held', async () => {
  const { context, page, errors } = await open();
  await clickControl(page, 'bank/edge');
  const cell = await control(page, 'weight/0,0');
  await page.keyboard.down('Control');
  // The focus moves as the app moves it, with Control down all along.
  await page.evaluate(() => document.getElementById('text-sink').focus());
  await page.evaluate(() => document.getElementById('canvas').focus());
  await clickUi(page, cell.x + cell.width / 2, cell.y + cell.height / 2);
  await page.keyboard.up('Control');
  // Control + click on a drag field types into it.
  await waitFor(page, () => window.FilterLens.textInputActive(), 'the cell to take the keyboard');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3', { delay: 40 });
  await page.keyboard.press('Enter');
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cell to let go');
  const edge = await page.evaluate(() => window.FilterLens.getFeatureMaps()[0].description);
  assert.match(edge, /^Edited by hand/);
  assert.deepEqual(errors, []);
  await context.close();
});

// The sidebar's padding takes what the address and setFilters take (0 to 1000; it stopped at
// 64, and its + button lowered a padding of 100 from a link to 64), and a padding whose maps would
// not fit in the page's memory is refused with the reason, the maps kept.
test('a typed padding up to 1000 applies; one whose maps would not fit is refused', async () => {
  const { context, page, errors } = await open();
  const padding = () => page.evaluate(() => decodeURIComponent(location.hash).match(/padding=(\d+)/)[1]);
  const typeInto = async (text) => {
    const field = await control(page, 'padding');
    await clickUi(page, field.x + field.width * 0.3, field.y + field.height / 2);
    await waitFor(page, () => window.FilterLens.textInputActive(), 'the field to take the keyboard');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text, { delay: 60 });
    await page.keyboard.press('Enter');
    await waitFor(page, () => !window.FilterLens.textInputActive(), 'the field to let go');
  };
  await typeInto('100');
  await waitFor(page, () => window.FilterLens.getFeatureMaps()[0].width === 451 + 2 * 100 - 2, 'padding 100');
  assert.equal(await padding(), '100');
  // 256 filters with padding 1000: 256 maps of 2451 x 2300 floats, 5.4 GB, past the 4 GB heap.
  await page.evaluate(() => window.FilterLens.setFilters({ filters: Array.from({ length: 256 }, (_, i) => ({ name: `f${i}`, weights: [[i / 256]] })), padding: 100 }));
  await typeInto('1000');
  await waitFor(page, () => /The settings were not changed: with padding 1000, stride 1 and dilation 1, 256 filters/.test(window.FilterLens.message().error), 'the refusal');
  assert.equal(await page.evaluate(() => window.FilterLens.getFeatureMaps()[0].width), 451 + 200);
  assert.deepEqual(errors, []);
  await context.close();
});

// Control + click on the weight cell `id` types into it: resolves once the cell has the
// keyboard, its text selected.
async function startTypingInCell(page, id) {
  const cell = await control(page, id);
  await page.keyboard.down('Control');
  await clickUi(page, cell.x + cell.width / 2, cell.y + cell.height / 2);
  await page.keyboard.up('Control');
  await waitFor(page, () => window.FilterLens.textInputActive(), 'the cell to take the keyboard');
  await page.keyboard.press('Control+A');
}

// A typed weight is the number typed: a fraction, a decimal comma, a leading '+'; text that is
// no number is refused with a message (ImGui's own reading took "1/9" as 1, "1,5" as 15 and
// "+7" as the old value plus 7, silently).
test('typed weights: fractions, decimal commas and signs read as typed; text refused', async () => {
  const { context, page, errors } = await open();
  await clickControl(page, 'bank/blur');
  const corner = () => page.evaluate(() => {
    const m = decodeURIComponent(location.hash).match(/f=blur(:[^&]*)?/);
    return m && m[1] ? Math.fround(Number(m[1].slice(1).split(':')[1].split(',')[0])) : 'preset';
  });
  const typeWeight = async text => {
    await startTypingInCell(page, 'weight/0,0');
    await page.keyboard.type(text, { delay: 60 });
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cell to let go');
    await page.waitForTimeout(400);
  };
  for (const [text, want] of [['1/3', Math.fround(1 / 3)], ['1,5', 1.5], ['+7', 7], ['-1/8', -0.125]]) {
    await typeWeight(text);
    assert.equal(await corner(), want, text);
  }
  // Typed and entered at once (one frame may take both): the text of that frame counts.
  await startTypingInCell(page, 'weight/0,0');
  await page.keyboard.type('0.5');
  await page.keyboard.press('Enter');
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cell to let go');
  await page.waitForTimeout(400);
  assert.equal(await corner(), 0.5, '0.5 and Enter at once');
  // Shift+Tab to the cell before: the one left applies its own text.
  await startTypingInCell(page, 'weight/1,0');
  await page.keyboard.type('1/4', { delay: 60 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Shift+Tab');
  await page.waitForTimeout(400);
  await page.keyboard.press('Escape');  // the cell before: left as it was
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cells to let go');
  await page.waitForTimeout(400);
  const weights = await page.evaluate(() => decodeURIComponent(location.hash).match(/f=blur:[^:&]*:([^&]*)/)[1].split(',').map(Number));
  assert.deepEqual([weights[0], weights[1]], [0.5, 0.25]);
  // (Letters never reach the cell: ImGui's number field takes digits, signs, '.', 'e', '*', '/'.)
  await typeWeight('1/');
  assert.match(await page.evaluate(() => window.FilterLens.message().error), /'1\/' is not a number/);
  assert.equal(await corner(), 0.5, 'kept');
  assert.deepEqual(errors, []);
  await context.close();
});

// A value typed into the kernel editor applies once, when its field is left: a width typed "15"
// used to crop the kernel to one column at the "1" (its weights lost), a weight typed "1e39" left
// the prefix "1e3" applied under the refusal, and the refusal's message stayed after the next
// edit. Escape leaves the kernel as it was.
test('typed kernel sizes and weights apply when the field is left; refused ones change nothing', async () => {
  const { context, page, errors } = await open();
  const edge = () => page.evaluate(() => {
    const m = decodeURIComponent(location.hash).match(/f=edge(:[^&]*)?/);
    return m && m[1] ? m[1].slice(1) : 'preset';
  });
  const message = () => page.evaluate(() => window.FilterLens.message().error);
  await clickControl(page, 'bank/edge');
  const typeInto = async (x, y, text, key) => {
    await clickUi(page, x, y);
    await waitFor(page, () => window.FilterLens.textInputActive(), 'the field to take the keyboard');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text, { delay: 60 });
    await page.waitForTimeout(300);
    await page.keyboard.press(key);
    await waitFor(page, () => !window.FilterLens.textInputActive(), 'the field to let go');
    await page.waitForTimeout(300);
  };
  const size = await control(page, 'size');
  const w = [size.x + size.width * 0.2, size.y + size.height / 2];
  // Escape: nothing changes.
  await typeInto(...w, '15', 'Escape');
  assert.equal(await edge(), 'preset');
  // Enter: 15 x 3, the edge weights centred in it (columns 6-8), none lost.
  await typeInto(...w, '15', 'Enter');
  const [shape, weights] = (await edge()).split(':');
  assert.equal(shape, '3x15');
  const v = weights.split(',').map(Number);
  const expected = Array(45).fill(0);
  [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]].forEach((row, y) => row.forEach((a, x) => { expected[y * 15 + 6 + x] = a; }));
  assert.deepEqual(v, expected);
  // A weight typed beyond float32 is refused as a whole: the centre stays 8, the message says why.
  await startTypingInCell(page, 'weight/7,1');
  await page.keyboard.type('1e39', { delay: 60 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cell to let go');
  await waitFor(page, () => /float32's range/.test(window.FilterLens.message().error), 'the refusal');
  assert.equal((await edge()).split(':')[1].split(',').map(Number)[22], 8);
  // The next edit that applies clears the message.
  await startTypingInCell(page, 'weight/7,1');
  await page.keyboard.type('4', { delay: 60 });
  await page.keyboard.press('Enter');
  await waitFor(page, () => !window.FilterLens.textInputActive(), 'the cell to let go');
  await waitFor(page, () => (decodeURIComponent(location.hash).match(/f=edge:[^&]*/) || [''])[0].split(',')[22] === '4',
                'the centre weight 4');
  assert.equal(await message(), '');
  // Left for a field drawn before it (the name): the typed value applies too.
  await startTypingInCell(page, 'weight/7,1');
  await page.keyboard.type('6', { delay: 60 });
  await page.waitForTimeout(300);
  await clickControl(page, 'name');
  await waitFor(page, () => (decodeURIComponent(location.hash).match(/f=edge:[^&]*/) || [''])[0].split(',')[22] === '6',
                'the centre weight 6');
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a press and a move before the next frame still drag the split bar', async () => {
  const { context, page, errors } = await open();
  const bar = await control(page, 'split');
  const tabY = async () => (await control(page, 'tab/How it works')).y;
  const before = await tabY();
  const x = bar.x + bar.width / 2, y = bar.y + bar.height / 2;
  await page.mouse.move(x, y);
  await page.waitForTimeout(300);
  // [type, clientY, buttons] events on the canvas at x, all in one task of the page.
  const mouseEvents = events => page.evaluate(([x, events]) => {
    const canvas = document.getElementById('canvas');
    for (const [type, clientY, buttons] of events)
      canvas.dispatchEvent(new MouseEvent(type, {
        clientX: x, clientY, button: 0, buttons, bubbles: true, cancelable: true }));
  }, [x, events]);
  await mouseEvents([['mousedown', y, 1], ['mousemove', y + 100, 1]]);
  await page.waitForTimeout(400);
  await mouseEvents([['mouseup', y + 100, 0]]);
  const after = await waitFor(page, b => {
    const t = window.FilterLens.controls().find(c => c.name === 'tab/How it works');
    return t && t.y !== b && t.y;
  }, 'the tabs to move', before);
  assert.ok(Math.abs(after - (before + 100)) <= 4, `tabs moved from ${before} to ${after}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// Pastes `text` into the field that has the keyboard and leaves it with Enter. The paste is
// pressed as Ctrl+V in the app's next frame; an Enter in that same frame would win (ImGui takes
// one of them a frame). Three frames drawn, then Enter (a loaded machine with the software GPU
// draws a few frames a second: a fixed 300 ms wait was not always one frame).
async function pasteAndEnter(page, text) {
  await page.evaluate(text => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    document.activeElement.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
  await page.evaluate(async () => {
    const n = window.FilterLens.framesDrawn();
    const end = performance.now() + 10000;
    while (window.FilterLens.framesDrawn() < n + 3 && performance.now() < end)
      await new Promise(r => setTimeout(r, 20));
  });
  await page.keyboard.press('Enter');  // the name applies when the field is left
}

test('pasted text (a paste event into the field) replaces the selection', async () => {
  const { context, page, errors } = await open();
  await editEdgeName(page);
  const pasted = 'Ωμέγα Кошка 猫 café';
  await pasteAndEnter(page, pasted);
  await waitFor(page, t => window.FilterLens.getFeatureMaps()[0].name === t, 'the pasted name', pasted);
  // Pasting text into a field is not an image load: the image stays.
  assert.equal(await page.evaluate(() => window.FilterLens.getGray().width), 451);
  // '猫' is not in the font: it stays in the text and is drawn as the fallback box.
  const font = await page.evaluate(() => window.FilterLens.fontInfo());
  assert.equal(font.fallbackChar, 0x25A1);
  assert.ok(font.size >= 14, `UI font ${font.size} px`);
  assert.ok(font.glyphs > 900, `${font.glyphs} glyphs: Latin, Greek, Cyrillic and symbols`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-text-pasted-name.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Ctrl+O opens the file chooser; the chosen image opens', async () => {
  const { context, page, errors } = await open();
  // Playwright intercepts the chooser once its listener is set up (asynchronously); on a loaded
  // machine the first press may come before the page is ready for it, so up to three presses.
  let chooser = null;
  for (let attempt = 0; attempt < 3 && !chooser; ++attempt) {
    const choosing = page.waitForEvent('filechooser', { timeout: 8000 }).catch(() => null);
    await page.waitForTimeout(300);
    await page.mouse.click(900, 450);  // the page (the maps) has the keyboard, as after any click
    await page.waitForTimeout(200);
    await page.keyboard.press('Control+O');
    chooser = await choosing;
  }
  assert.ok(chooser, 'Ctrl+O opened no file chooser');
  await chooser.setFiles(path.join(root, 'assets', 'chelsea.png'));
  await waitFor(page, () => /^Opened chelsea\.png$/.test(window.FilterLens.message().status),
                'the chosen file to open');
  // While a text field has the keyboard, Ctrl+O is not a shortcut.
  await editEdgeName(page);
  let opened = false;
  page.once('filechooser', () => { opened = true; });
  await page.waitForTimeout(300);
  await page.keyboard.press('Control+O');
  await page.waitForTimeout(400);
  assert.equal(opened, false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('+ - 0 zoom, the arrow keys move the inspected pixel, Esc clears the message', async () => {
  const { context, page, errors } = await open();
  const zoom = () => page.evaluate(() => window.FilterLens.viewState().zoom);
  await page.keyboard.press('+');
  await waitFor(page, () => Math.abs(window.FilterLens.viewState().zoom - 1.25) < 1e-4, 'zoom 1.25');
  await page.keyboard.press('+');
  await waitFor(page, () => Math.abs(window.FilterLens.viewState().zoom - 1.5625) < 1e-4, 'zoom 1.5625');
  await page.keyboard.press('-');
  await waitFor(page, () => Math.abs(window.FilterLens.viewState().zoom - 1.25) < 1e-4, 'zoom back to 1.25');
  await page.keyboard.press('0');
  await waitFor(page, () => window.FilterLens.viewState().zoom === 1, 'fit');
  assert.equal(await zoom(), 1);

  // Point at a pixel of the edge map, then take the mouse off the maps: the arrows move it. No
  // click needed, even after one in the sidebar (whose keyboard navigation took the arrows).
  const edge = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'edge');
  await clickUi(page, 200, 140);
  await page.mouse.move(edge.x + edge.width * 0.3, edge.y + edge.height * 0.4);
  await page.waitForTimeout(300);
  await page.mouse.move(edge.x + 10, 5);  // the header line: no panel under the mouse
  await page.waitForTimeout(100);
  const start = (await page.evaluate(() => window.FilterLens.viewState())).hover;
  assert.equal(start.filter, 0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await waitFor(page, s => {
    const h = window.FilterLens.viewState().hover;
    return h && h.x === s.x + 1 && h.y === s.y + 1;
  }, 'the inspected pixel one right and one down', start);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await waitFor(page, s => window.FilterLens.viewState().hover.x === s.x - 1, 'two left', start);

  // A message, then Esc.
  await page.evaluate(() => window.FilterLens.loadImage(new Uint8Array([1, 2, 3, 4]), 'broken.png')
    .catch(() => {}));
  await waitFor(page, () => window.FilterLens.message().error !== '', 'the error');
  assert.match((await page.evaluate(() => window.FilterLens.message())).error, /broken\.png/);
  await page.keyboard.press('Escape');
  await waitFor(page, () => window.FilterLens.message().error === '', 'Esc to clear the error');
  // An error clears itself with the next success.
  await page.evaluate(() => window.FilterLens.loadImage(new Uint8Array([1, 2, 3, 4]), 'broken.png')
    .catch(() => {}));
  await waitFor(page, () => window.FilterLens.message().error !== '', 'the error again');
  await page.evaluate(() => window.FilterLens.setFilters({ filters: ['edge', 'blur'] }));
  await waitFor(page, () => window.FilterLens.message().error === '', 'the next success to clear it');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a touch pinch zooms about the fingers, one finger pans, a tap inspects', async () => {
  const { context, page, errors } = await open({ hasTouch: true });
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  const edge = (await page.evaluate(() => window.FilterLens.panels())).find(p => p.name === 'edge');
  const cx = edge.x + edge.width / 2, cy = edge.y + edge.height / 2;

  // Two fingers 40 px apart spreading to 120 px: 3x.
  await touch('touchStart', [{ x: cx - 20, y: cy, id: 1 }, { x: cx + 20, y: cy, id: 2 }]);
  for (let d = 25; d <= 60; d += 5)
    await touch('touchMove', [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }]);
  await touch('touchEnd', []);
  const pinched = await page.evaluate(() => window.FilterLens.viewState());
  assert.ok(Math.abs(pinched.zoom - 3) < 0.01, `zoom after the pinch: ${pinched.zoom}`);
  // About the middle (the panel's centre): the centre of the view did not move.
  assert.ok(Math.abs(pinched.centerX - 0.5) < 1e-3 && Math.abs(pinched.centerY - 0.5) < 1e-3,
            JSON.stringify(pinched));

  // One finger dragged 60 px left: the image follows it.
  await touch('touchStart', [{ x: cx, y: cy, id: 3 }]);
  for (let d = 15; d <= 60; d += 15) await touch('touchMove', [{ x: cx - d, y: cy, id: 3 }]);
  await touch('touchEnd', []);
  const panned = await page.evaluate(() => window.FilterLens.viewState());
  assert.ok(Math.abs(panned.centerX - (0.5 + 60 / edge.width / 3)) < 1e-3, JSON.stringify(panned));
  assert.equal(panned.hover, null);  // a drag is no tap

  // A tap inspects the pixel under it.
  const tx = edge.x + edge.width * 0.25, ty = edge.y + edge.height * 0.75;
  await touch('touchStart', [{ x: tx, y: ty, id: 4 }]);
  await touch('touchEnd', []);
  const v = await page.evaluate(() => window.FilterLens.viewState());
  const map = await page.evaluate(() => { const m = window.FilterLens.getFeatureMaps()[0]; return { w: m.width, h: m.height }; });
  const u = v.centerX + (0.25 - 0.5) / v.zoom, w = v.centerY + (0.75 - 0.5) / v.zoom;
  // (Chromium may round a touch point to a whole CSS pixel: one map pixel of slack.)
  assert.equal(v.hover.filter, 0);
  assert.ok(Math.abs(v.hover.x - Math.floor(u * map.w)) <= 1 &&
            Math.abs(v.hover.y - Math.floor(w * map.h)) <= 1, JSON.stringify(v.hover));
  // The zoom stayed where the pinch left it (the tap did not move the view).
  assert.ok(Math.abs(v.zoom - 3) < 0.01);
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshots with the UI font at pixel ratio 1 and 2', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const ratio of [1, 2]) {
    const { context, page, errors } = await open({ viewport: { width: 1280, height: 800 },
                                                   deviceScaleFactor: ratio });
    await page.screenshot({ path: path.join(ARTIFACTS, `web-font-dpr${ratio}.png`) });
    const font = await page.evaluate(() => window.FilterLens.fontInfo());
    assert.equal(font.size, 14);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a long pasted name: 64 Cyrillic letters (128 bytes) apply whole, 200 letters are refused with a message', async () => {
  const { context, page, errors } = await open();
  await editEdgeName(page);
  const longest = 'Ж'.repeat(64);
  await pasteAndEnter(page, longest);
  await waitFor(page, t => window.FilterLens.getFeatureMaps()[0].name === t, 'the 64-letter name', longest);
  // Still the filter in the editor: into its name field again, all of it selected.
  await clickControl(page, 'name');
  await waitFor(page, () => window.FilterLens.textInputActive(), 'the name field to take the keyboard');
  await page.keyboard.press('Control+A');
  await page.waitForTimeout(100);
  const tooLong = 'x'.repeat(200);
  await pasteAndEnter(page, tooLong);
  await waitFor(page, () => /longer than 64 characters/.test(window.FilterLens.lastError()), 'the message');
  assert.deepEqual((await mapNames(page))[0], longest, 'the name before the refused paste stays');
  assert.deepEqual(errors, []);
  await context.close();
});
