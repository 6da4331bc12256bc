#!/usr/bin/env node
'use strict';
// The `stagecraft` command: the compiled CLI (npm run build), or the bundled one in a packaged extension.
const path = require('path');
const fs = require('fs');
const candidates = [
    path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js'),
    path.join(__dirname, '..', 'dist', 'cli.js'),
];
const entry = candidates.find((p) => fs.existsSync(p));
if (!entry) {
    process.stderr.write('stagecraft: not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
    process.exit(2);
}
require(entry).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
