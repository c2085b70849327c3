// What every e2e file shares: Debian's Chromium flags (headless SwiftShader WebGL2, no traffic to
// the closed network) and the local server (scripts/serve.py on a free port of 127.0.0.1).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const PYTHON = '/usr/bin/python3';
export const CHROMIUM_ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic'];

// Starts serve.py on `web` and resolves with {server, base} once it prints its address.
// `args`: more serve.py options (['--no-isolation']).
export async function startServer(root, web, args = []) {
  const server = spawn(PYTHON, [path.join(root, 'scripts', 'serve.py'), '--port', '0', '--dir', web,
    ...args]);
  const base = await new Promise((resolve, reject) => {
    server.stdout.on('data', d => {
      const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', code => reject(new Error('serve.py exited with ' + code)));
  });
  return { server, base };
}

// Every e2e page is a first visit, which opens the guide over the top of the maps area; the
// tests of everything else see the page as a returning visitor does (the guide's flag set before
// the page loads). guide.test.mjs passes {firstVisit: true} to see what a newcomer sees.
const GUIDE_SEEN = () => { try { localStorage.setItem('filterlens.guideSeen', '1'); } catch (e) { /* opaque origin */ } };

// `args`: more Chromium flags for one test file (camera.test.mjs: the fake camera).
// Chromium runs with its IPC flooding protection, as a person's does (Playwright turns it off by
// default): it ignores history.replaceState past 200 calls in 10 s, which the page must respect.
export async function launchChromium({ firstVisit = false, args = [] } = {}) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...args],
    ignoreDefaultArgs: ['--disable-ipc-flooding-protection'] });
  if (firstVisit) return browser;
  const newContext = browser.newContext.bind(browser), newPage = browser.newPage.bind(browser);
  browser.newContext = async options => {
    const context = await newContext(options);
    await context.addInitScript(GUIDE_SEEN);
    return context;
  };
  browser.newPage = async options => {
    const page = await newPage(options);
    await page.addInitScript(GUIDE_SEEN);
    return page;
  };
  return browser;
}
