'use strict';
/**
 * Analysis cost against a bare dockerfile-ast parse of the same text (the floor), in-process, on
 * generated files of growing size and on the 24-line fixture `test/fixtures/analysis/go-service.Dockerfile`.
 *
 * Parse and analysis run interleaved, round after round, so that the machine's noise (2 shared
 * cores) hits both alike; each time is the median of its rounds and the ratio is the median of the
 * per-round ratios (what `bench/editor.js` reports for its in-process baseline). `--editor-mix` also
 * interleaves the other contenders of `bench/editor.js` (dockerfile-utils validation,
 * dockerfile-language-service hover and symbols), to reproduce that benchmark's conditions exactly.
 *
 * Comments: the same N-stage file with and without a comment line above every FROM (dockerfile-ast's
 * own comment bookkeeping is quadratic in comments x stages; the analysis parses without it, see
 * server/src/analysis/parse.ts). Reported: analysis of the commented file / analysis of the plain
 * one (target 1.5x), each against the bare parse of the plain file, and the library's full parse of
 * the commented file (3 runs: it is the slow thing avoided). `--comment-stages 0` skips it.
 *
 * Usage: node bench/analysis.js [--quick] [--sizes 50,200,1000] [--no-fixture] [--rounds N]
 *        [--warmup N] [--editor-mix] [--target 1.5] [--comment-stages 5000] [--json FILE]
 * A ratio above --target is printed as MISSED, never a failure (the machine is noisy).
 */
const fs = require('fs');
const path = require('path');
const { DockerfileParser } = require('dockerfile-ast');
const { analyze } = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis'));
const { generateDockerfile } = require('./generate');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: node bench/analysis.js [--quick] [--sizes 50,200,1000,2000] [--no-fixture] [--rounds N] [--warmup N] [--editor-mix] [--target 1.5] [--comment-stages 5000] [--json FILE]\n');
    process.exit(0);
}
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt; };
const quick = argv.includes('--quick');
const sizes = opt('--sizes', quick ? '50,200' : '50,200,1000,2000').split(',').map(Number).filter((n) => n > 0);
const ROUNDS = Number(opt('--rounds', quick ? 20 : 60));
const TARGET = Number(opt('--target', 1.5));
// 3 warm-up calls per contender and document, as bench/editor.js: the JIT is not fully warm, which
// is part of what an editor sees. More (`--warmup 50`) measures the steady state.
const WARMUP = Number(opt('--warmup', 3));
const editorMix = argv.includes('--editor-mix');
const jsonOut = opt('--json', null);
const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'analysis', 'go-service.Dockerfile');

const now = () => performance.now();
function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function contenders(text) {
    const fns = { parse: () => DockerfileParser.parse(text), analysis: () => analyze(text) };
    if (editorMix) {
        const dockerfileUtils = require('dockerfile-utils');
        const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service');
        const ls = DockerfileLanguageServiceFactory.createLanguageService();
        const lines = text.split('\n');
        const at = Math.max(0, lines.findIndex((l) => /^FROM\s/i.test(l)));
        fns.validate = () => dockerfileUtils.validate(text);
        fns.lsHover = () => ls.computeHover(text, { line: at, character: 6 });
        fns.lsSymbols = () => ls.computeSymbols({ uri: 'file:///bench/Dockerfile' }, text);
    }
    return fns;
}

/** Interleaved rounds; large texts get a third of the rounds (as in bench/editor.js). */
function measure(label, stages, text) {
    const fns = contenders(text);
    const t = {};
    for (const n of Object.keys(fns)) { t[n] = []; for (let i = 0; i < WARMUP; i++) fns[n](); }
    const rounds = text.length > 100000 ? Math.max(5, Math.round(ROUNDS / 3)) : ROUNDS;
    for (let r = 0; r < rounds; r++) {
        for (const [n, fn] of Object.entries(fns)) { const t0 = now(); fn(); t[n].push(now() - t0); }
    }
    const parseMs = median(t.parse);
    const analyzeMs = median(t.analysis);
    const others = {};
    for (const n of Object.keys(fns)) { if (n !== 'parse' && n !== 'analysis') { others[n] = median(t[n]); } }
    return {
        label, stages, lines: text.split('\n').length, rounds, parseMs, analyzeMs,
        ratio: median(t.analysis.map((a, i) => a / t.parse[i])),
        usPerStage: stages ? (analyzeMs * 1000) / stages : null,
        others,
    };
}

const rows = [];
for (const n of sizes) { rows.push(measure(`${n} stages`, n, generateDockerfile(n))); }
if (!argv.includes('--no-fixture') && fs.existsSync(FIXTURE)) {
    rows.push(measure(`fixture ${path.basename(FIXTURE)}`, null, fs.readFileSync(FIXTURE, 'utf8')));
}

const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : '?';
console.log(`analysis vs bare parse, interleaved (${WARMUP} warm-up calls, median of ${ROUNDS} rounds, a third of that above 100 kB; ratio = median of per-round ratios)${editorMix ? ', with the editor benchmark\'s other contenders' : ''}; load ${load}; node ${process.version}`);
console.log(`document                           lines   parse ms  analyze ms  analyze/parse  µs/stage${editorMix ? '  validate ms  ls.hover ms  ls.symbols ms' : ''}`);
for (const r of rows) {
    const verdict = r.ratio <= TARGET ? '' : `  MISSED (target ${TARGET}x)`;
    const others = editorMix ? `  ${r.others.validate.toFixed(2).padStart(11)}  ${r.others.lsHover.toFixed(2).padStart(11)}  ${r.others.lsSymbols.toFixed(2).padStart(13)}` : '';
    console.log(`${r.label.padEnd(32)} ${String(r.lines).padStart(6)}  ${r.parseMs.toFixed(2).padStart(8)}  ${r.analyzeMs.toFixed(2).padStart(10)}  ${(r.ratio.toFixed(2) + 'x').padStart(13)}  ${r.usPerStage === null ? '       -' : r.usPerStage.toFixed(1).padStart(8)}${others}${verdict}`);
}
const gen = rows.filter((r) => r.stages);
if (gen.length >= 2) {
    const first = gen[0];
    const last = gen[gen.length - 1];
    const growth = (last.analyzeMs / first.analyzeMs) / (last.stages / first.stages);
    console.log(`time growth per size growth, ${first.stages} -> ${last.stages} stages: ${growth.toFixed(2)} (1.00 = linear)`);
}

/** The comment case: interleaved rounds of parse(plain), analysis(plain), analysis(commented). */
function measureComments(stages) {
    const plain = generateDockerfile(stages).split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    const commented = plain.replace(/^FROM /gm, '# the next stage, described\nFROM ');
    const fns = { parse: () => DockerfileParser.parse(plain), plain: () => analyze(plain), commented: () => analyze(commented) };
    const t = { parse: [], plain: [], commented: [] };
    for (const fn of Object.values(fns)) { for (let i = 0; i < WARMUP; i++) fn(); }
    const rounds = Math.max(5, Math.round(ROUNDS / 3));
    for (let r = 0; r < rounds; r++) {
        for (const [n, fn] of Object.entries(fns)) { const t0 = now(); fn(); t[n].push(now() - t0); }
    }
    const library = [];
    for (let r = 0; r < 3; r++) { const t0 = now(); DockerfileParser.parse(commented); library.push(now() - t0); }
    return {
        stages, rounds, parseMs: median(t.parse), plainMs: median(t.plain), commentedMs: median(t.commented), libraryCommentedMs: median(library),
        ratio: median(t.commented.map((c, i) => c / t.plain[i])),
        plainVsParse: median(t.plain.map((a, i) => a / t.parse[i])),
        commentedVsParse: median(t.commented.map((c, i) => c / t.parse[i])),
    };
}

const commentStages = Number(opt('--comment-stages', quick ? 1000 : 5000));
let comments = null;
if (commentStages > 0) {
    comments = measureComments(commentStages);
    const c = comments;
    const verdict = c.ratio <= TARGET ? '' : `  MISSED (target ${TARGET}x)`;
    console.log(`\n${c.stages} stages with a comment line above every FROM, against the same file without comments (median of ${c.rounds} interleaved rounds):`);
    console.log(`  bare parse (plain) ${c.parseMs.toFixed(1)} ms; analysis: plain ${c.plainMs.toFixed(1)} ms (${c.plainVsParse.toFixed(2)}x parse), commented ${c.commentedMs.toFixed(1)} ms (${c.commentedVsParse.toFixed(2)}x parse)`);
    console.log(`  commented / plain: ${c.ratio.toFixed(2)}x${verdict}; dockerfile-ast's full parse of the commented file: ${c.libraryCommentedMs.toFixed(0)} ms (median of 3)`);
}
if (jsonOut) { fs.writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), load, node: process.version, editorMix, rows, comments }, null, 2)); }
module.exports = { rows, comments };
