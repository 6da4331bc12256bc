'use strict';
// Small file helpers for the e2e runs (no dependencies).
const fs = require('node:fs');
const path = require('node:path');

/** Copies the sample projects into a fresh folder, so a test can edit them freely. */
function copyExamples(src, dest) {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(src, dest, {
    recursive: true,
    filter: (p) => !/(^|\/)(node_modules|dist|site|__pycache__|\.vscode)(\/|$)/.test(path.relative(src, p)),
  });
  return dest;
}

module.exports = { copyExamples };
