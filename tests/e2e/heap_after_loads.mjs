// "The heap after 300 page loads" (issue 9): opens 300 files through FilterLens.loadImage in one
// page, good and bad mixed (PNG, JPEG, GIF, BMP and WebP of several sizes; truncated, garbage,
// lying headers, an image too large for the memory budget), and prints the wasm heap's size
// (HEAPU8.length) and the bytes in use before, every 50 loads and after, to show that memory
// does not grow with the number of files. Not part of the test suite (it takes minutes); run by
// hand after building the web app and installing the e2e packages:
//
//   node tests/e2e/heap_after_loads.mjs [count]
//
// Exits non-zero if the heap grew by more than the largest single document needs (64 MB here)
// or a load left an uncaught error in the page.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = process.env.FILTERLENS_WEB || path.join(root, 'build', 'wasm', 'web');
const COUNT = Number(process.argv[2] || 300);
const CHROMIUM_ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filterlens-heap-'));
execFileSync('/usr/bin/python3', ['-c', `
import io, struct, sys, zlib
import numpy as np
from PIL import Image
out = sys.argv[1]
def pattern(w, h, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), (x * 7 + y * 3) % 256], -1)
    return np.clip(img + rng.normal(0, 10, img.shape), 0, 255).astype(np.uint8)
good = []
for i, (w, h, fmt) in enumerate([(640, 480, 'PNG'), (1024, 768, 'JPEG'), (300, 200, 'GIF'),
                                 (257, 129, 'BMP'), (800, 600, 'WEBP'), (97, 61, 'PNG'),
                                 (1500, 1000, 'PNG'), (33, 1200, 'JPEG')]):
    name = f'good{i}.{fmt.lower()}'
    Image.fromarray(pattern(w, h, i)).save(f'{out}/{name}', fmt)
    good.append(name)
png = open(f'{out}/good0.png', 'rb').read()
open(f'{out}/bad_truncated.png', 'wb').write(png[:len(png) // 2])
open(f'{out}/bad_garbage.bin', 'wb').write(bytes(range(256)) * 40)
open(f'{out}/bad_empty.png', 'wb').write(b'')
jpg = open(f'{out}/good1.jpeg', 'rb').read()
open(f'{out}/bad_truncated.jpeg', 'wb').write(jpg[:3000])
# A PNG header claiming 30000 x 30000 with one tiny IDAT: refused before decoding.
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
liar = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 30000, 30000, 8, 2, 0, 0, 0)) + \\
       chunk(b'IDAT', zlib.compress(b'\\x00' * 100)) + chunk(b'IEND', b'')
open(f'{out}/bad_liar.png', 'wb').write(liar)
`, dir]);
const files = fs.readdirSync(dir).sort();
console.log(`${files.length} files in ${dir}: ${files.join(', ')}`);

const server = spawn('/usr/bin/python3', [path.join(root, 'scripts', 'serve.py'), '--port', '0', '--dir', WEB]);
const base = await new Promise((resolve, reject) => {
  server.stdout.on('data', d => {
    const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) resolve(m[0]);
  });
  server.on('exit', code => reject(new Error('serve.py exited with ' + code)));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageErrors = [];
page.on('pageerror', e => pageErrors.push(e.message));
await page.route('**/heap-files/*', route =>
  route.fulfill({ path: path.join(dir, decodeURIComponent(route.request().url().split('/').pop())) }));
await page.goto(base);
await page.evaluate(() => window.FilterLens.ready);

const heap = () => page.evaluate(() => ({
  size: window.Module.HEAPU8.length,
  inUse: window.Module._fl_heap_in_use(),
  available: window.Module._fl_heap_available(),
}));
const mb = n => (n / 1048576).toFixed(1) + ' MB';
const start = await heap();
console.log(`before: heap ${mb(start.size)}, in use ${mb(start.inUse)}, available to new documents ${mb(start.available)}`);
let ok = 0, refused = 0;
const rows = [];
for (let i = 0; i < COUNT; ++i) {
  const file = files[i % files.length];
  const result = await page.evaluate(async name => {
    const bytes = await (await fetch('heap-files/' + encodeURIComponent(name))).arrayBuffer();
    return window.FilterLens.loadImage(bytes, name).then(() => 'ok', e => e.message);
  }, file);
  if (result === 'ok') ++ok; else ++refused;
  if (i < files.length) console.log(`  ${file}: ${result === 'ok' ? 'opened' : result.slice(0, 140)}`);
  await page.waitForTimeout(30);  // a frame, so textures are uploaded as a person would see them
  if ((i + 1) % 50 === 0) {
    const h = await heap();
    rows.push(h);
    console.log(`after ${i + 1} loads: heap ${mb(h.size)}, in use ${mb(h.inUse)}, available ${mb(h.available)}`);
  }
}
const end = await heap();
console.log(`after ${COUNT} loads (${ok} opened, ${refused} refused): heap ${mb(start.size)} -> ${mb(end.size)}; ` +
            `in use ${mb(start.inUse)} -> ${mb(end.inUse)}; uncaught page errors: ${pageErrors.length}`);
await browser.close();
server.kill();
fs.rmSync(dir, { recursive: true, force: true });
const grewAfterFirstRound = rows.length > 1 ? rows[rows.length - 1].size - rows[0].size : 0;
if (grewAfterFirstRound > 64 * 1048576 || pageErrors.length) {
  console.log(`FAILED: the heap grew by ${mb(grewAfterFirstRound)} after the first 50 loads, or the page threw`);
  process.exit(1);
}
