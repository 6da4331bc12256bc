// Bundles the extension into three self-contained files with esbuild (no node_modules at run time):
//   client/src/extension.ts -> dist/extension.js  (the manifest's "main"; `vscode` stays external)
//   server/src/lsp/server.ts -> dist/server.js     (the language server; the client starts it over IPC)
//   server/src/cli/main.ts   -> dist/cli.js        (`stagecraft` CLI; the "Build with cache" task runs it)
//   client/webview/main.ts   -> dist/graphView.js  (the stage graph view's script: a browser bundle, Graphviz inside)
// Usage: node scripts/bundle.mjs [--watch] [--sourcemap]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const sourcemap = process.argv.includes('--sourcemap');

export const entries = [
  { in: 'client/src/extension.ts', out: 'extension' },
  { in: 'server/src/lsp/server.ts', out: 'server' },
  // dist/cli.js is both the `stagecraft` command (`node dist/cli.js build ...`, what the build task
  // runs) and a module exporting `main` (what bin/stagecraft.js requires).
  {
    in: 'server/src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node',
    footer: 'if (require.main === module) module.exports.main(process.argv.slice(2)).then((c) => { process.exitCode = c; });',
  },
  // The webview's script runs in the browser page of the view (desktop and code-server alike).
  { in: 'client/webview/main.ts', out: 'graphView', browser: true },
];

const missing = entries.filter((e) => !fs.existsSync(path.join(root, e.in)));
if (missing.length) {
  // STAGECRAFT_BUNDLE_ALLOW_MISSING=1 is for bringing up the packaging before every part exists.
  const level = process.env.STAGECRAFT_BUNDLE_ALLOW_MISSING === '1' ? 'warning' : 'error';
  console.error(`bundle: ${level}: missing entry point(s): ${missing.map((e) => e.in).join(', ')}`);
  if (level === 'error') process.exit(1);
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Readable stack traces in bug reports: no identifier mangling, names kept.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  sourcemap: sourcemap ? 'linked' : false,
  // `vscode` is provided by the extension host. Nothing else may be external: the .vsix ships
  // no node_modules.
  external: ['vscode'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

const t0 = Date.now();
const contexts = [];
for (const e of entries.filter((x) => !missing.includes(x))) {
  const options = {
    ...common,
    entryPoints: [{ in: e.in, out: e.out }],
    outdir: dist,
    banner: e.banner ? { js: e.banner } : undefined,
    footer: e.footer ? { js: e.footer } : undefined,
    ...(e.browser ? { platform: 'browser', format: 'iife', target: 'chrome114', external: [] } : {}),
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    const result = await esbuild.build(options);
    const bytes = fs.statSync(path.join(dist, `${e.out}.js`)).size;
    const inputs = Object.keys(result.metafile.inputs).length;
    console.log(`bundle: dist/${e.out}.js  ${(bytes / 1024).toFixed(0)} KiB from ${inputs} modules`);
  }
}
if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
// vscode-languageclient kills a server process tree with this script, found next to its own code
// (`__dirname`), which is dist/ once bundled.
const term = path.join(root, 'node_modules/vscode-languageclient/lib/node/terminateProcess.sh');
if (fs.existsSync(term)) {
  fs.copyFileSync(term, path.join(dist, 'terminateProcess.sh'));
  fs.chmodSync(path.join(dist, 'terminateProcess.sh'), 0o755);
}
if (watch) console.log('bundle: watching for changes (Ctrl-C to stop)');
else console.log(`bundle: done in ${Date.now() - t0} ms`);
