'use strict';
// Runs a mocha suite inside VS Code's extension host, the @vscode/test-electron way
// (extensionDevelopmentPath + extensionTestsPath), through code-server's web workbench: both go
// in the workbench URL's `payload` parameter, as VS Code's own browser integration tests do.
// The workbench calls window.codeAutomationExit(code) when the suite's run() settles and forwards
// console output (mocha's reporter) to window.codeAutomationLog(type, args).
//
// Library: runExtTests({ origin, workspace, devPath, testsPath, browserDir, timeoutMs, log })
//          -> exit code (0 = all passed, 124 = timeout).
// CLI:     node test/e2e/run-ext-tests.js ORIGIN WORKSPACE DEV_PATH TESTS_PATH [TIMEOUT_S]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { launch } = require('./lib/browser');

const QUIET = /Resolving connection token|Resolved connection token|Creating a socket|Service Worker|ChatSessionStore|workbench contribution|builtin extensions cache|additional builtin extensions from gallery|ENOTFOUND open-vsx|Extension host agent|Started initializing default profile|Completed initializing default profile|^\s+at /;

function payloadUrl(origin, workspace, devPath, testsPath) {
  const host = new URL(origin).host;
  const remote = (p) => `vscode-remote://${host}${path.resolve(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ]);
  return `${origin}/?folder=${encodeURIComponent(path.resolve(workspace))}&payload=${encodeURIComponent(payload)}`;
}

async function runExtTests({ origin, workspace, devPath, testsPath, browserDir, timeoutMs = 300000, log = console.log, screenshot }) {
  const browser = await launch(browserDir || path.join(os.tmpdir(), `stagecraft-exttests-${process.pid}`));
  const { page } = browser;
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    for (const l of line.split('\n')) if (process.env.VERBOSE || !QUIET.test(l)) log(l);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  try {
    await page.goto(payloadUrl(origin, workspace, devPath, testsPath));
    const code = await done;
    if (code !== 0 && screenshot) await page.screenshot({ path: screenshot }).catch(() => {});
    return code === 'timeout' ? 124 : Number(code);
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}

module.exports = { runExtTests, payloadUrl };

if (require.main === module) {
  const [origin, workspace, devPath, testsPath, timeoutS = '300'] = process.argv.slice(2);
  if (!testsPath) {
    console.error('usage: node test/e2e/run-ext-tests.js ORIGIN WORKSPACE DEV_PATH TESTS_PATH [TIMEOUT_S]');
    process.exit(2);
  }
  const t0 = Date.now();
  runExtTests({ origin, workspace, devPath, testsPath, timeoutMs: Number(timeoutS) * 1000 })
    .then((code) => { console.log(`extension-host tests: exit code ${code} after ${Date.now() - t0} ms`); process.exit(code); })
    .catch((e) => { console.error(e); process.exit(2); });
}
