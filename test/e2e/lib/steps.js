'use strict';
// The step runner of the e2e scenarios: each step is one test. A failed critical step (workbench,
// open file) ends the run; after any other failed step the UI is reset (Escape) and the run goes
// on. A screenshot is kept after every step (and on failure) in `shots`.
const fs = require('node:fs');
const path = require('node:path');

/** `{ step, results }`: `await step(name, fn, { critical })` runs and records one step (at most `limit`). */
function stepRunner({ page, shots, log = console.log, limit = Infinity }) {
  const results = [];
  let n = 0;
  const shot = (name) => page.screenshot({ path: path.join(shots, name + '.png') }).catch(() => {});
  async function step(name, fn, { critical = false } = {}) {
    n++;
    if (n > limit) return false;
    const t0 = Date.now();
    try {
      const info = await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      if (info) log(`       ${name}: ${info}`);
      await shot(`${String(n).padStart(2, '0')}-${slug(name)}`);
      return true;
    } catch (e) {
      results.push({ name, ok: false, ms: Date.now() - t0, error: String(e && e.message || e).split('\n').slice(0, 12).join('\n') });
      await shot(`${String(n).padStart(2, '0')}-${slug(name)}-FAILED`);
      if (critical) throw e;
      for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
      return false;
    }
  }
  return { step, results };
}

function slug(s) { return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60); }

/** 1-based number of the first line of `file` containing `text`. */
function lineOf(file, text) {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`"${text}" not in ${file}`);
  return i + 1;
}

module.exports = { stepRunner, lineOf };
