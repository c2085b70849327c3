// Where the start-up time goes (issue 11 point 5): loads the page in headless Chromium under the
// benchmark's network emulation (10 Mbit/s, 20 ms latency, a first visit: an empty cache that
// keeps what it fetches; scripts/bench-web.mjs "Start-up") and prints one timeline per build, in ms from navigation: every request (Resource
// Timing in the page and in each worker), the page's own marks (wasm response, downloaded,
// compiled; main() start and return; default image handed to the app; first maps), WebGL2
// context creation and shader compile/link time (SwiftShader's share), and the app's first frames
// (the requestAnimationFrame callbacks that drew one). A profile prints numbers; it asserts
// nothing.
//
//   node scripts/startup-profile.mjs [--runs N] [--site build/wasm/web] [--only mt|st] [--fast]
//                                    [--cache-disabled]
//
// mt: the default server (cross-origin isolated, filterlens-mt.js); st: serve.py --no-isolation
// (filterlens.js). --fast: no network emulation (what is left is CPU). --cache-disabled: as
// DevTools' "Disable cache" (every worker downloads the app's script again). With --runs N > 1 the
// timeline of the median run (by first maps) is printed, with every run's first-maps time.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');
const { startServer, CHROMIUM_ARGS } = await import(path.join(root, 'tests', 'e2e', 'harness.mjs'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(arg('--runs', '1')) || 1);
const SITE = path.resolve(arg('--site', path.join(root, 'build', 'wasm', 'web')));
const ONLY = arg('--only', '');
const FAST = process.argv.includes('--fast');
const CACHE_DISABLED = process.argv.includes('--cache-disabled');

// Runs in the page before its scripts: times what the page cannot mark itself (WebGL2 context
// creation and shader work go to SwiftShader's GPU process; each frame is a rAF callback).
function instrument() {
  const log = window.__startup = { gl: {}, frames: [], context: null };
  const timeGl = (proto, name) => {
    const original = proto[name];
    proto[name] = function (...args) {
      const t0 = performance.now();
      try { return original.apply(this, args); } finally {
        const entry = log.gl[name] = log.gl[name] || { calls: 0, ms: 0, first: t0, last: 0 };
        entry.calls += 1;
        entry.ms += performance.now() - t0;
        entry.last = performance.now();
      }
    };
  };
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const t0 = performance.now();
    const context = getContext.call(this, type, ...rest);
    if (type === 'webgl2' && this.id === 'canvas' && !log.context) log.context = [t0, performance.now()];
    return context;
  };
  for (const name of ['compileShader', 'linkProgram', 'getShaderParameter', 'getProgramParameter',
    'texImage2D', 'texSubImage2D', 'drawElements', 'bufferData', 'readPixels'])
    timeGl(WebGL2RenderingContext.prototype, name);
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = callback => raf(time => {
    const t0 = performance.now();
    const drawn = () => (window.Module && window.Module._fl_frames_drawn && window.Module.calledRun
      ? window.Module._fl_frames_drawn() : 0);
    const before = drawn();
    try { callback(time); } finally {
      const after = drawn();
      if (after > before && log.frames.length < 12) log.frames.push([t0, performance.now()]);
    }
  });
}

function resources(perf, offset, where) {
  return perf.map(e => ({ what: `${where}${e.name.replace(/^.*\//, '')}`, start: e.startTime + offset,
    responseStart: e.responseStart + offset, end: e.responseEnd + offset, bytes: e.transferSize }));
}

async function profileOnce(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  // Every request the browser made, workers' included (the page's Resource Timing has only its own).
  const requests = [];
  context.on('requestfinished', async q => {
    const t = q.timing();
    const sizes = await q.sizes().catch(() => null);
    requests.push({ url: q.url(), start: t.startTime, responseStart: t.responseStart, end: t.responseEnd,
                    bytes: sizes ? sizes.responseHeadersSize + sizes.responseBodySize : 0 });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: CACHE_DISABLED });
  if (!FAST) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 20, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 });
  }
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForTimeout(300);  // a few frames after the first maps
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const marks = performance.getEntriesByType('mark').filter(m => m.name.startsWith('filterlens-'))
      .map(m => ({ what: m.name, at: m.startTime }));
    const res = performance.getEntriesByType('resource').map(e => e.toJSON());
    const build = window.FilterLens.build();
    return { timeOrigin: performance.timeOrigin, nav: nav.toJSON(), marks, res, log: window.__startup, build };
  });
  // Requests missing from the page's own Resource Timing: the pthreads pool's workers' (each
  // fetches its own copy of the app's script). Playwright's times: ms from the request's start.
  const left = {};
  for (const e of r.res) left[e.name] = (left[e.name] || 0) + 1;
  const workerRes = [];
  for (const q of requests.sort((a, b) => a.start - b.start)) {
    if (left[q.url]) { --left[q.url]; continue; }
    if (q.url === base) continue;
    const at = q.start - r.timeOrigin;
    workerRes.push({ what: 'worker: ' + q.url.replace(/^.*\//, ''), start: at, responseStart: at + q.responseStart,
                     end: at + q.end, bytes: q.bytes });
  }
  await context.close().catch(() => {});
  const firstMaps = r.marks.find(m => m.what === 'filterlens-first-maps').at;
  const bytes = r.nav.transferSize + r.res.filter(e => e.startTime < firstMaps).reduce((a, e) => a + e.transferSize, 0);
  return { ...r, workerRes, firstMaps, bytes };
}

function print(label, r) {
  const f = v => v.toFixed(0).padStart(6);
  console.log(`\n## ${label}: ${r.build.script}, ${r.build.threads} thread(s); first maps at ${r.firstMaps.toFixed(0)} ms, ` +
              `${(r.bytes / 1e6).toFixed(2)} MB fetched before them`);
  console.log('\n    start    resp     end   bytes  what');
  const rows = [{ what: 'document', start: 0, responseStart: r.nav.responseStart, end: r.nav.responseEnd, bytes: r.nav.transferSize },
    ...resources(r.res, 0, ''), ...r.workerRes];
  rows.sort((a, b) => a.start - b.start);
  for (const e of rows) console.log(`  ${f(e.start)}  ${f(e.responseStart)}  ${f(e.end)}  ${String(e.bytes).padStart(6)}  ${e.what}`);
  const events = [...r.marks,
    { what: 'DOMContentLoaded', at: r.nav.domContentLoadedEventEnd }];
  if (r.log.context) events.push({ what: `WebGL2 context created (${(r.log.context[1] - r.log.context[0]).toFixed(0)} ms in getContext)`, at: r.log.context[1] });
  r.log.frames.slice(0, 4).forEach(([t0, t1], i) => events.push({ what: `frame ${i + 1} drawn (rAF callback ${(t1 - t0).toFixed(0)} ms)`, at: t1 }));
  events.sort((a, b) => a.at - b.at);
  console.log('\n      at  event');
  for (const e of events) console.log(`  ${f(e.at)}  ${e.what}`);
  // The mark says the maps exist; they are on screen once a frame ends at or after it (in the
  // pthreads build the frame that adopts them is the one that draws them).
  const shown = r.log.frames.find(([, t1]) => t1 >= r.firstMaps - 1);
  console.log(`\n  maps on screen (first frame ending at or after the mark): ${shown ? shown[1].toFixed(0) + ' ms' : 'not within the profile'}`);
  const gl = Object.entries(r.log.gl).map(([name, e]) => `${name} ${e.calls}x ${e.ms.toFixed(0)} ms`).join(', ');
  console.log(`\n  WebGL calls on the main thread (their blocking time, SwiftShader): ${gl}`);
}

const builds = [['pthreads build (cross-origin isolated)', [], 'mt'], ['single-thread build (--no-isolation)', ['--no-isolation'], 'st']]
  .filter(([, , key]) => !ONLY || key === ONLY);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
console.log(`FilterLens start-up profile: Chromium ${browser.version()} headless, ${os.cpus().length} x ${os.cpus()[0].model}, ` +
            `load average ${os.loadavg()[0].toFixed(1)}; ${FAST ? 'no network emulation' : '10 Mbit/s, 20 ms latency'}, ${CACHE_DISABLED ? 'cache disabled' : 'first visit (empty cache)'}; ${SITE}`);
try {
  for (const [label, args] of builds) {
    const { server, base } = await startServer(root, SITE, args);
    try {
      const runs = [];
      for (let i = 0; i < RUNS; ++i) runs.push(await profileOnce(browser, base));
      const sorted = [...runs].sort((a, b) => a.firstMaps - b.firstMaps);
      print(label, sorted[Math.floor(sorted.length / 2)]);
      if (RUNS > 1) console.log(`\n  first maps, every run: ${runs.map(x => x.firstMaps.toFixed(0)).join(', ')} ms ` +
                                '(the first run of a browser also starts its GPU process)');
    } finally {
      server.kill();
    }
  }
} finally {
  await browser.close();
}
