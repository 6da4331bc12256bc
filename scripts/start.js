'use strict';
// `npm start`, after scripts/start.sh has built and packaged: installs the .vsix into a code-server
// with its own user data, extensions, HOME and XDG dirs under .stagecraft/run/, opens examples/
// on 127.0.0.1, prints the URL and stays in the foreground. Ctrl-C stops code-server (by PID).
// Usage: node scripts/start.js VSIX [WORKSPACE]   Env: STAGECRAFT_PORT (default: a free port)
const path = require('node:path');
const { ROOT, startCodeServer } = require('../test/e2e/lib/codeServer');

const vsix = path.resolve(process.argv[2] || '');
const workspace = path.resolve(process.argv[3] || path.join(ROOT, 'examples'));

(async () => {
  const server = await startCodeServer({
    runDir: path.join(ROOT, '.stagecraft', 'run'),
    workspace,
    vsix,
    port: process.env.STAGECRAFT_PORT ? Number(process.env.STAGECRAFT_PORT) : undefined,
    keepState: true,
  });
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${why}: stopping code-server (pid ${server.pid})`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('Ctrl-C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  server.child.on('exit', (code, signal) => {
    if (stopping) return;
    console.log(`[start] code-server exited (${signal || code}); log: ${server.logFile}`);
    process.exit(code || 1);
  });
  console.log('');
  console.log(`[start] VS Code (code-server 1.100.3) with Stagecraft, on the samples in ${path.relative(process.cwd(), workspace) || workspace}:`);
  console.log('');
  console.log(`    ${server.url}`);
  console.log('');
  console.log(`[start] pid ${server.pid}; log ${path.relative(process.cwd(), server.logFile)}; Ctrl-C stops it.`);
})().catch((e) => { console.error(`[start] ${e.message || e}`); process.exit(1); });
