'use strict';
// Runs the real-VS-Code suites against the packaged extension (.vsix):
//   1. the UI scenario (test/e2e/ui-scenario.js) N times, each with a fresh code-server, a fresh
//      copy of examples/ and a fresh chromium profile; screenshots under test-results/e2e/;
//   2. the extension-host mocha suites (out/test/exthost/index.js) once, through the workbench
//      payload URL, with the INSTALLED .vsix as extensionDevelopmentPath;
//   3. the Workspace Trust scenario (test/e2e/trust-scenario.js): code-server with trust ON, a folder
//      whose settings and tasks try to run its own scripts; nothing runs until the user trusts it.
// Usage: node test/e2e/run-all.js --vsix FILE [--ui-runs N] [--no-ui] [--no-exthost] [--no-trust]
// Prints one line per test and, last, `e2e: N passed, N failed`. Exit code 0 iff nothing failed.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, startCodeServer } = require('./lib/codeServer');
const { launch } = require('./lib/browser');
const { copyExamples } = require('./lib/zipcopy');
const { runExtTests } = require('./run-ext-tests');
const { runScenario } = require('./ui-scenario');
const { runTrustScenario } = require('./trust-scenario');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const VSIX = path.resolve(arg('--vsix', ''));
const UI_RUNS = Number(arg('--ui-runs', process.env.STAGECRAFT_E2E_UI_RUNS || '1'));
const DO_UI = !process.argv.includes('--no-ui');
const DO_EXTHOST = !process.argv.includes('--no-exthost');
const DO_TRUST = !process.argv.includes('--no-trust');
const RESULTS = path.join(ROOT, 'test-results', 'e2e');
const WORK = path.join(ROOT, '.stagecraft', 'e2e');
const EXT_ID = (() => { const p = require(path.join(ROOT, 'package.json')); return `${p.publisher}.${p.name}`; })();

const active = new Set(); // code-servers started by this process, stopped by PID on exit or Ctrl-C
let passed = 0;
let failed = 0;
const report = { startedAt: new Date().toISOString(), vsix: VSIX, ui: [], exthost: null, trust: null };

function record(ok, name, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` ${detail}` : ''}`);
}

/** The installed extension's folder in the isolated extensions dir (publisher.name-version). */
function installedExtensionDir(extsDir) {
  const dir = fs.readdirSync(extsDir).find((d) => d.toLowerCase().startsWith(`${EXT_ID.toLowerCase()}-`));
  if (!dir) throw new Error(`${EXT_ID} is not in ${extsDir} after --install-extension`);
  return path.join(extsDir, dir);
}

/**
 * One browser scenario on a fresh code-server, copy of examples/ and browser profile: `label` names
 * its folders and screenshots, `tag` its test lines; `scenario({ page, url, workspace, shots })`
 * returns the step results. Returns the report entry.
 */
async function browserRun({ label, tag, title, trust = false, scenario }) {
  const t0 = Date.now();
  const ws = copyExamples(path.join(ROOT, 'examples'), path.join(WORK, `ws-${label}`, 'examples'));
  let server;
  let browser;
  const shots = path.join(RESULTS, label);
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  try {
    server = await startCodeServer({ runDir: path.join(WORK, `server-${label}`), workspace: ws, vsix: VSIX, trust });
    active.add(server);
    console.log(`== ${title}: code-server pid ${server.pid} at ${server.origin}${trust ? ', Workspace Trust on' : ''} (up in ${Date.now() - t0} ms)`);
    browser = await launch(path.join(WORK, `browser-${label}`));
    const results = await scenario({ page: browser.page, url: server.url, workspace: ws, shots });
    for (const r of results) record(r.ok, `[${tag}] ${r.name}`, r.ok ? `(${r.ms} ms)` : `(${r.ms} ms): ${r.error}`);
    return { label, wallMs: Date.now() - t0, results };
  } catch (e) {
    record(false, `[${tag}] harness`, String(e && e.stack || e));
    return { label, wallMs: Date.now() - t0, error: String(e) };
  } finally {
    if (browser) await browser.close();
    if (server) {
      fs.copyFileSync(server.logFile, path.join(shots, 'code-server.log'));
      copyExtHostLogs(server.dirs.udd, shots);
      await server.stop();
      active.delete(server);
    }
    console.log(`   ${title} wall: ${Date.now() - t0} ms`);
  }
}

async function uiRun(i) {
  const label = `run${i}`;
  report.ui.push(await browserRun({
    label, tag: `ui ${label}`, title: `UI scenario ${i}/${UI_RUNS}`,
    scenario: (o) => runScenario({ ...o, log: console.log }),
  }));
}

async function trustRun() {
  report.trust = await browserRun({
    label: 'trust', tag: 'trust', title: 'Workspace Trust scenario', trust: true,
    scenario: (o) => runTrustScenario({ ...o, markerDir: path.join(WORK, 'trust-markers'), log: console.log }),
  });
}

/** Keeps the extension host's and Stagecraft's output-channel logs next to the screenshots. */
function copyExtHostLogs(udd, dest) {
  const logs = path.join(udd, 'logs');
  if (!fs.existsSync(logs)) return;
  const out = path.join(dest, 'logs');
  for (const f of walk(logs)) {
    if (/exthost|remoteexthost|Stagecraft|stagecraft/i.test(f)) {
      const to = path.join(out, path.relative(logs, f));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(f, to);
    }
  }
}
function walk(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
}

async function exthostRun() {
  const t0 = Date.now();
  const testsPath = path.join(ROOT, 'out', 'test', 'exthost', 'index.js');
  const dest = path.join(RESULTS, 'exthost');
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  if (!fs.existsSync(testsPath)) { record(false, '[exthost] suite', `${testsPath} missing (run tsc -b)`); return; }
  const ws = copyExamples(path.join(ROOT, 'examples'), path.join(WORK, 'ws-exthost', 'examples'));
  let server;
  const lines = [];
  try {
    server = await startCodeServer({ runDir: path.join(WORK, 'server-exthost'), workspace: ws, vsix: VSIX });
    active.add(server);
    const devPath = installedExtensionDir(server.dirs.exts);
    console.log(`== extension-host suites: code-server pid ${server.pid} at ${server.origin}; extension ${path.basename(devPath)}`);
    const code = await runExtTests({
      origin: server.origin, workspace: ws, devPath, testsPath,
      browserDir: path.join(WORK, 'browser-exthost'),
      timeoutMs: Number(process.env.STAGECRAFT_EXTHOST_TIMEOUT_S || 300) * 1000,
      screenshot: path.join(dest, 'failure.png'),
      log: (l) => { lines.push(l); console.log(`   ${l}`); },
    });
    // index.ts prints one machine-readable line per test and a total.
    let counted = 0;
    for (const l of lines) {
      const m = /^STAGECRAFT-TEST (pass|fail) (.*)$/.exec(l.trim());
      if (m) { counted++; record(m[1] === 'pass', `[exthost] ${m[2]}`); }
    }
    if (counted === 0) record(false, '[exthost] suite', `no test reported a result; exit code ${code}${code === 124 ? ' (timeout)' : ''}`);
    else if (code !== 0 && !lines.some((l) => /^STAGECRAFT-TEST fail/.test(l.trim()))) record(false, '[exthost] suite', `exit code ${code}`);
    report.exthost = { code, wallMs: Date.now() - t0 };
  } catch (e) {
    record(false, '[exthost] harness', String(e && e.stack || e));
  } finally {
    fs.writeFileSync(path.join(dest, 'output.txt'), lines.join('\n') + '\n');
    if (server) {
      fs.copyFileSync(server.logFile, path.join(dest, 'code-server.log'));
      copyExtHostLogs(server.dirs.udd, dest);
      await server.stop();
      active.delete(server);
    }
    console.log(`   extension-host suites wall: ${Date.now() - t0} ms`);
  }
}

(async () => {
  if (!fs.existsSync(VSIX)) { console.log(`e2e: no .vsix at ${VSIX}`); console.log('e2e: 0 passed, 1 failed'); process.exit(1); }
  fs.mkdirSync(RESULTS, { recursive: true });
  const stop = async () => {
    console.log('e2e: interrupted; stopping code-server');
    for (const s of active) await s.stop();
    console.log(`e2e: ${passed} passed, ${failed + 1} failed`);
    process.exit(130);
  };
  process.on('SIGINT', stop); process.on('SIGTERM', stop);
  if (DO_UI) for (let i = 1; i <= UI_RUNS; i++) await uiRun(i);
  if (DO_EXTHOST) await exthostRun();
  if (DO_TRUST) await trustRun();
  report.finishedAt = new Date().toISOString();
  report.passed = passed; report.failed = failed;
  fs.writeFileSync(path.join(RESULTS, 'report.json'), JSON.stringify(report, null, 1) + '\n');
  console.log(`e2e artifacts: ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); console.log(`e2e: ${passed} passed, ${failed + 1} failed`); process.exit(1); });
