// scratch (not committed): screenshot + coverage at a size/ratio
import path from 'node:path';
import { startServer, launchChromium } from './harness.mjs';
const root = path.resolve('../..');
const WEB = process.env.WEB || path.join(root, 'build', 'wasm', 'web');
const [w, h, r, out, script] = [+process.argv[2], +process.argv[3], +process.argv[4], process.argv[5], process.argv[6] || ''];
const { server, base } = await startServer(root, WEB);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: w, height: h }, deviceScaleFactor: r });
page.on('console', m => { if (m.type() === 'error') console.log('console error', m.text()); });
await page.goto(base);
await page.evaluate(() => window.FilterLens.ready);
await page.waitForFunction(() => window.FilterLens.getFeatureMaps().length >= 1 && window.FilterLens.controls().length > 0, null, { timeout: 30000 });
await page.waitForTimeout(500);
if (script) { await page.evaluate(script); await page.waitForTimeout(800); }
const cov = await page.evaluate(() => window.FilterLens.panels().reduce((a, p) => a + p.width * p.height, 0) / (innerWidth * innerHeight));
console.log('coverage', (100 * cov).toFixed(1), JSON.stringify(await page.evaluate(() => window.FilterLens.panels().map(p => [p.name, Math.round(p.width), Math.round(p.height)]))));
await page.screenshot({ path: out });
await browser.close(); server.kill();
