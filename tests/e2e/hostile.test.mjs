// The hostile-file catalogue (tests/hostile/make_hostile.py) through the page: every image-class
// file goes to FilterLens.loadImage, one after another on one page. An "ok" file must resolve with
// the right size and gray (PIL's convert('L')); a "refuse" file must reject with a message naming
// it, leave the previous feature maps exactly as they were, and raise no uncaught error. The
// page's wasm heap must stay under 2 GB (where the JS glue's signed addresses break, issue 9).
//
//   FILTERLENS_WEB=<dir> node --test tests/e2e/hostile.test.mjs
// Optional: FILTERLENS_HOSTILE_DIR (a generated catalogue), FILTERLENS_HOSTILE_ONLY (a regular
// expression on names), FILTERLENS_HOSTILE_RESULTS (per-file results as JSON, for summary.py).
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
const LOAD_TIMEOUT_MS = 60000;
const HEAP_LIMIT = 2 ** 31;

let server, base, browser, page, catalogue;
let pageErrors = [];
const results = [];

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString('latin1');
  const [h, w] = header.match(/'shape': \((\d+), (\d+)\)/).slice(1).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
  return { width: w, height: h, data };
}

async function openPage() {
  if (page) await page.close().catch(() => {});
  // A small window: SwiftShader draws every frame on the CPU, and the loads compete with it.
  page = await browser.newPage({ viewport: { width: 640, height: 400 }, screen: { width: 1920, height: 1080 } });
  page.on('pageerror', e => pageErrors.push(e.message));
  page.on('console', m => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
}

// The maps as a fingerprint (name, size, FNV-1a of the float bits) and the wasm heap size.
function snapshot() {
  return page.evaluate(() => {
    const maps = window.FilterLens.getFeatureMaps().map(m => {
      const u = new Uint32Array(m.data.buffer, m.data.byteOffset, m.data.length);
      let h = 0x811c9dc5;
      for (let i = 0; i < u.length; ++i) h = Math.imul(h ^ u[i], 16777619) >>> 0;
      return [m.name, m.width, m.height, h];
    });
    return { maps, heap: window.Module.HEAPU8.buffer.byteLength };
  });
}

// Loads one file; resolves {ok, info | message, gray (base64 of round(v * 255))} or throws when
// the page hangs or dies.
async function load(file, name) {
  const b64 = fs.readFileSync(file).toString('base64');
  const attempt = page.evaluate(async ({ b64, name }) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    try {
      const info = await window.FilterLens.loadImage(bytes, name);
      const g = window.FilterLens.getGray();
      const u8 = new Uint8Array(g.data.length);
      for (let i = 0; i < u8.length; ++i) u8[i] = Math.round(g.data[i] * 255);
      let s = '';
      for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192));
      return { ok: true, info, gray: btoa(s) };
    } catch (e) {
      return { ok: false, message: String((e && e.message) || e) };
    }
  }, { b64, name });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkGray(e, got) {
  if (got.width !== e.width || got.height !== e.height)
    return `loaded as ${got.width} x ${got.height}, expected ${e.width} x ${e.height}`;
  if (!e.gray) return null;
  const want = readNpy(path.join(catalogue, e.gray)).data;
  const ours = Buffer.from(got.gray, 'base64');
  if (ours.length !== want.length) return `gray has ${ours.length} values, expected ${want.length}`;
  let max = 0, sum = 0;
  for (let i = 0; i < want.length; ++i) {
    const d = Math.abs(ours[i] - Math.round(want[i] * 255));
    max = Math.max(max, d);
    sum += d;
  }
  const tol = e.tolerance || { max: 0, mean: 0 };
  if (max > tol.max * 255 + 1e-6 || sum / want.length > tol.mean * 255 + 1e-6)
    return `gray differs from PIL's convert('L'): max ${max}/255, mean ${(sum / want.length).toFixed(2)}/255`;
  return null;
}

before(async () => {
  assert.ok(fs.existsSync(path.join(WEB, 'filterlens.js')), `build the web app first (${WEB})`);
  catalogue = process.env.FILTERLENS_HOSTILE_DIR;
  if (!catalogue || !fs.existsSync(path.join(catalogue, 'manifest.json'))) {
    catalogue = catalogue || path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'filterlens-hostile-page-')), 'catalogue');
    execFileSync(PYTHON, [path.join(root, 'tests', 'hostile', 'make_hostile.py'), catalogue]);
  }
  ({ server, base } = await startServer(root, WEB));
  browser = await launchChromium();
  await openPage();
});

after(async () => {
  if (process.env.FILTERLENS_HOSTILE_RESULTS && results.length) {
    fs.writeFileSync(process.env.FILTERLENS_HOSTILE_RESULTS,
                     JSON.stringify({ surface: 'page', results }, null, 1));
  }
  if (browser) await browser.close();
  if (server) server.kill();
});

test('every hostile image loads correctly or is refused, and the page keeps its maps', async t => {
  const manifest = JSON.parse(fs.readFileSync(path.join(catalogue, 'manifest.json'), 'utf8')).files;
  const only = process.env.FILTERLENS_HOSTILE_ONLY ? new RegExp(process.env.FILTERLENS_HOSTILE_ONLY) : null;
  const entries = manifest.filter(e => e.kind === 'image' && e.surfaces.includes('page') &&
                                       (!only || only.test(e.name)));
  let maxHeap = 0;
  let previous = null;  // the page's maps after the last file: what the next refusal must keep
  for (const e of entries) {
    await t.test(e.name, async () => {
      const result = { name: e.name, class: e.class, kind: e.kind, expect: e.expect, outcome: null,
                       problem: null, heap: 0 };
      results.push(result);
      let beforeLoad, got;
      pageErrors = [];
      try {
        beforeLoad = previous || await snapshot();
        got = await load(path.join(catalogue, e.name), e.name);
      } catch (err) {
        result.outcome = 'crash';
        result.problem = `the page hung or died: ${err.message.split('\n')[0]}`;
        await openPage();  // the next file gets a fresh page
        previous = null;
        assert.fail(result.problem);
      }
      result.outcome = got.ok ? 'ok' : 'refuse';
      const afterLoad = await snapshot();
      result.heap = afterLoad.heap;
      maxHeap = Math.max(maxHeap, afterLoad.heap);
      if (!e.expect.includes(result.outcome)) {
        result.problem = got.ok ? `loaded as ${got.info.width} x ${got.info.height}, expected a refusal`
                                : `refused (${got.message}), expected a result`;
      } else if (got.ok) {
        result.problem = checkGray(e, { width: got.info.width, height: got.info.height, gray: got.gray });
      } else if (!got.message || !got.message.includes(e.name)) {
        result.problem = `the rejection does not name the file: '${got.message}'`;
      } else if (JSON.stringify(afterLoad.maps) !== JSON.stringify(beforeLoad.maps)) {
        result.problem = 'the previous feature maps changed after a refusal';
      }
      result.message = got.ok ? '' : got.message;
      if (!result.problem && pageErrors.length) result.problem = `page errors: ${pageErrors.join(' | ').slice(0, 300)}`;
      if (!result.problem && afterLoad.heap > HEAP_LIMIT)
        result.problem = `wasm heap ${Math.round(afterLoad.heap / 2 ** 20)} MB > 2048 MB`;
      // Comparing maps of millions of values before and after every later file costs seconds
      // each: after a big image, a small one becomes the "previous maps" the next files must keep.
      previous = afterLoad;
      if (got.ok && got.info.width * got.info.height > 250000) {
        await load(path.join(catalogue, 'valid_rgb.png'), 'valid_rgb.png');
        previous = null;
      }
      assert.equal(result.problem, null, `${e.name} (${e.why})`);
    });
  }
  t.diagnostic(`${entries.length} files; largest wasm heap ${Math.round(maxHeap / 2 ** 20)} MB`);
  const failed = results.filter(r => r.problem);
  assert.equal(failed.length, 0, failed.map(r => `${r.name}: ${r.problem}`).join('\n'));
});

test('hostile banks through setFilters are refused and change nothing', async t => {
  const manifest = JSON.parse(fs.readFileSync(path.join(catalogue, 'manifest.json'), 'utf8')).files;
  const only = process.env.FILTERLENS_HOSTILE_ONLY ? new RegExp(process.env.FILTERLENS_HOSTILE_ONLY) : null;
  const entries = manifest.filter(e => e.kind === 'bank' && (!only || only.test(e.name)));
  for (const e of entries) {
    await t.test(e.name, async () => {
      const result = { name: e.name, class: e.class, kind: e.kind, expect: e.expect, outcome: null,
                       problem: null };
      results.push(result);
      pageErrors = [];
      let beforeSet, got;
      try {
        beforeSet = await snapshot();
        // The catalogue's bank text (preset / kernel / key value lines), turned into the
        // structured spec the page's only bank entry point, FilterLens.setFilters, takes.
        got = await page.evaluate(async text => {
          const spec = { filters: [] };
          for (const line of text.split('\n')) {
            if (!line) continue;
            const [key, ...rest] = line.split(' ');
            if (key === 'preset') spec.filters.push(rest.join(' '));
            else if (key === 'kernel')
              spec.filters.push({ name: rest[0],
                                  weights: rest.slice(1).join(' ').split(';').map(r => r.split(',').map(Number)) });
            else if (key === 'padding_mode') spec.paddingMode = rest[0];
            else spec[key] = Number(rest[0]);
          }
          try {
            await window.FilterLens.setFilters(spec);
            return { code: 0, message: '' };
          } catch (err) {
            return { code: 1, message: String((err && err.message) || err) };
          }
        }, e.text);
      } catch (err) {
        result.outcome = 'crash';
        result.problem = `the page hung or died: ${err.message.split('\n')[0]}`;
        await openPage();
        assert.fail(result.problem);
      }
      result.outcome = got.code === 0 ? 'ok' : 'refuse';
      result.message = got.message;
      const afterSet = await snapshot();
      if (!e.expect.includes(result.outcome)) result.problem = `accepted, expected a refusal`;
      else if (result.outcome === 'refuse' && !got.message) result.problem = 'refused with no message';
      else if (result.outcome === 'refuse' && JSON.stringify(afterSet.maps) !== JSON.stringify(beforeSet.maps))
        result.problem = 'the maps changed after a refused bank';
      else if (pageErrors.length) result.problem = `page errors: ${pageErrors.join(' | ').slice(0, 300)}`;
      if (result.outcome === 'ok') await openPage();  // a wrongly accepted bank must not spoil the next
      assert.equal(result.problem, null, `${e.name} (${e.why})`);
    });
  }
});
