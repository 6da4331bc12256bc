'use strict';
// Starts and stops a code-server (VS Code 1.100.3 for the web) for the e2e tests and `npm start`:
// on 127.0.0.1 and a free port, with isolated user-data, extensions, HOME and XDG dirs, in its own
// process group (setsid semantics), stopped by PID. Readiness is polled on /healthz; no fixed sleeps.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const http = require('node:http');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CS_VERSION = '4.100.3';
const VSCODE_DIR = process.env.STAGECRAFT_VSCODE_DIR || path.join(ROOT, '.stagecraft', 'vscode');
const CS = path.join(VSCODE_DIR, 'node_modules', 'code-server');
const ENTRY = path.join(CS, 'out', 'node', 'entry.js');

/** Settings for a quiet, offline, deterministic workbench (user scope). */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // xterm's DOM renderer, so the UI tests can read the terminal's rows.
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.enablePersistentSessions': false,
  'task.allowAutomaticTasks': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.editor.enablePreview': false,
  // no "your application on port N is available" toasts over the UI under test
  'remote.autoForwardPorts': false,
};

function installed() {
  return fs.existsSync(ENTRY) && fs.existsSync(path.join(VSCODE_DIR, `.setup-done-${CS_VERSION}`));
}

/** A free TCP port on 127.0.0.1 (asked from the OS). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fresh isolated state dirs under `runDir`; returns their paths and the env that uses them. */
function prepareRunDir(runDir, extraSettings = {}, { keep = false } = {}) {
  if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
  const dirs = {
    run: runDir,
    home: path.join(runDir, 'home'),
    udd: path.join(runDir, 'user-data'),
    exts: path.join(runDir, 'extensions'),
    xdgConfig: path.join(runDir, 'xdg-config'),
    xdgData: path.join(runDir, 'xdg-data'),
    xdgCache: path.join(runDir, 'xdg-cache'),
    logs: path.join(runDir, 'logs'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.udd, 'User'), { recursive: true });
  const settingsFile = path.join(dirs.udd, 'User', 'settings.json');
  if (!keep || !fs.existsSync(settingsFile)) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...USER_SETTINGS, ...extraSettings }, null, 2) + '\n');
  }
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    // '{}' = no extension gallery: nothing tries to reach open-vsx.org.
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}',
  };
  // A password from the caller's environment must not leak into an `--auth none` server.
  delete env.PASSWORD; delete env.HASHED_PASSWORD;
  return { dirs, env };
}

/** `code-server --install-extension VSIX` into the isolated extensions dir (exits when done). */
function installVsix(vsix, { dirs, env }) {
  const r = spawnSync(process.execPath, [ENTRY, '--user-data-dir', dirs.udd, '--extensions-dir', dirs.exts,
    '--install-extension', vsix, '--force'], { env, encoding: 'utf8', timeout: 120000 });
  fs.writeFileSync(path.join(dirs.logs, 'install-extension.log'), `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout.trim();
}

/**
 * Starts code-server. Options: runDir (required), workspace (folder to open), vsix (installed
 * first), port (default: a free one), settings (extra user settings), stdio ('log' | 'inherit'),
 * keepState (keep user data and settings from the last start; default: start fresh), trust (Workspace
 * Trust on, as users have it: a folder is untrusted until trusted; default: off, every folder trusted).
 * Returns { pid, port, origin, url, dirs, stop() }.
 */
async function startCodeServer(opts) {
  if (!installed()) throw new Error(`code-server ${CS_VERSION} is not installed in ${VSCODE_DIR}; run bash scripts/setup-vscode.sh`);
  const settings = opts.trust ? { ...opts.settings, 'security.workspace.trust.enabled': true } : opts.settings;
  const state = prepareRunDir(opts.runDir, settings, { keep: opts.keepState === true });
  const { dirs, env } = state;
  if (opts.vsix) installVsix(opts.vsix, state);
  const port = opts.port || await freePort();
  const args = [ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', ...(opts.trust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--user-data-dir', dirs.udd, '--extensions-dir', dirs.exts, '--ignore-last-opened'];
  if (opts.workspace) args.push(opts.workspace);
  const logFile = path.join(dirs.logs, 'code-server.log');
  const out = opts.stdio === 'inherit' ? 'inherit' : fs.openSync(logFile, 'a');
  // detached: the child leads a new session/process group (setsid), so stop() can end the whole
  // tree (extension host, language server, terminals) with one signal to -pid.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', out, out] });
  if (typeof out === 'number') fs.closeSync(out);
  const pid = child.pid;
  fs.writeFileSync(path.join(dirs.run, 'code-server.pid'), String(pid));
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs || 60000);
  for (;;) {
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering; log:\n${readTail(logFile)}`);
    if (await httpOk(`${origin}/healthz`)) break;
    if (Date.now() > deadline) { await stopPid(pid); throw new Error(`code-server did not answer /healthz; log:\n${readTail(logFile)}`); }
    await sleep(200);
  }
  const url = opts.workspace ? `${origin}/?folder=${encodeURIComponent(opts.workspace)}` : `${origin}/`;
  return {
    pid, port, origin, url, dirs, logFile, child,
    exited: () => exited,
    stop: () => stopPid(pid),
  };
}

function readTail(file, n = 40) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return '(no log)'; }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** SIGTERM to the process group of `pid`, then SIGKILL if it is still there after 10 s. */
async function stopPid(pid) {
  if (!pid) return;
  const signalGroup = (sig) => { try { process.kill(-pid, sig); } catch { try { process.kill(pid, sig); } catch { /* gone */ } } };
  signalGroup('SIGTERM');
  const end = Date.now() + 10000;
  while (alive(pid) && Date.now() < end) await sleep(100);
  // The group may hold children (language server, terminals) that outlive the leader.
  signalGroup('SIGKILL');
}

module.exports = { ROOT, CS, CS_VERSION, VSCODE_DIR, ENTRY, installed, freePort, startCodeServer, stopPid, prepareRunDir, installVsix, sleep };
