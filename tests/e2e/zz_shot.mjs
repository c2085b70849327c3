import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchChromium } from './harness.mjs';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = path.join(root, 'build', 'wasm', 'web');
const { server, base } = await startServer(root, WEB);
const browser = await launchChromium({ firstVisit: process.env.FIRST === '1' });
const sizes = JSON.parse(process.argv[2]);
for (const [w, h, r, tag, filters] of sizes) {
  const page = await browser.newPage({ viewport: { width: w, height: h }, deviceScaleFactor: r });
  await page.goto(base);
  await page.evaluate(() => window.FilterLens.ready);
  await page.waitForFunction(() => window.FilterLens.getFeatureMaps().length >= 3, null, { timeout: 30000 });
  if (tag.includes('tall')) {
    const b = [...(await import('node:fs')).readFileSync('/tmp/lead/tall.png')];
    await page.evaluate(b => window.FilterLens.loadImage(new Uint8Array(b), 'tall.png'), b);
  }
  if (filters) {
    await page.evaluate(n => window.FilterLens.setFilters({ filters: Array.from({ length: n }, (_, i) => ({ name: 'f' + i, weights: [[0, 1, 0], [1, -4 + i % 3, 1], [0, 1, 0]] })) }), filters);
  }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/lead/${tag}.png` });
  console.log(tag, JSON.stringify(await page.evaluate(() => window.FilterLens.panels().slice(0, 6))));
  await page.close();
}
await browser.close(); server.kill();
