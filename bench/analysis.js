'use strict';
/**
 * Analysis cost against a bare dockerfile-ast parse of the same text (the floor), on generated
 * files of growing size: the ratio should stay flat (linear analysis) and the per-stage time too.
 * Usage: node bench/analysis.js [--quick]
 */
const path = require('path');
const { DockerfileParser } = require('dockerfile-ast');
const { analyze } = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis'));
const { generateDockerfile } = require('./generate');

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function time(fn, runs) {
    const t = [];
    for (let i = 0; i < runs; i++) { const t0 = process.hrtime.bigint(); fn(); t.push(Number(process.hrtime.bigint() - t0) / 1e6); }
    return median(t);
}

const quick = process.argv.includes('--quick');
const sizes = quick ? [50, 200] : [50, 200, 1000, 2000];
const runs = quick ? 5 : 15;
const rows = [];
for (const n of sizes) {
    const text = generateDockerfile(n);
    for (let i = 0; i < 3; i++) { analyze(text); DockerfileParser.parse(text); } // warm up
    const parse = time(() => DockerfileParser.parse(text), runs);
    const full = time(() => analyze(text), runs);
    rows.push({ stages: n, lines: text.split('\n').length, parseMs: parse, analyzeMs: full, ratio: full / parse, usPerStage: (full * 1000) / n });
}
console.log('analysis vs bare parse (median of %d runs)', runs);
console.log('stages  lines   parse ms  analyze ms  analyze/parse  µs/stage');
for (const r of rows) {
    console.log(`${String(r.stages).padStart(6)}  ${String(r.lines).padStart(6)}  ${r.parseMs.toFixed(2).padStart(8)}  ${r.analyzeMs.toFixed(2).padStart(10)}  ${r.ratio.toFixed(2).padStart(13)}  ${r.usPerStage.toFixed(1).padStart(8)}`);
}
const first = rows[0];
const last = rows[rows.length - 1];
const growth = (last.analyzeMs / first.analyzeMs) / (last.stages / first.stages);
console.log(`time growth per size growth, ${first.stages} -> ${last.stages} stages: ${growth.toFixed(2)} (1.00 = linear)`);
module.exports = { rows };
