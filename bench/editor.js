'use strict';
/**
 * Editor latency benchmark: the REAL language server (`out/server/src/lsp/server.js --stdio`),
 * driven over stdio by the protocol tests' client, on generated Dockerfiles of 50, 200 and 1,000
 * stages and on the largest real fixture in test/fixtures.
 *
 * Measured through LSP: time from a `didChange` to the published diagnostics (the server waits
 * 60 ms after the last change before it computes them: that debounce is part of the number),
 * hover, code lens, document symbols, references (p50 / p95), the server's RSS (/proc/<pid>/status).
 * Code lenses (one per stage) come in two requests: `textDocument/codeLens` lists every lens of
 * the document without its command (the "code lens" figure and target), then the editor resolves
 * the lenses on screen (`codeLens/resolve`, one request per lens, sent together); that is timed
 * separately for a screenful of SCREEN_STAGES stages, and so is the sum: what one lens paint
 * costs. The stage summaries are inlay hints, asked for the visible range only: timed for the
 * same screenful (`textDocument/inlayHint`).
 * Baselines, in this process on the same text: a bare dockerfile-ast parse (the floor), and
 * dockerfile-utils / dockerfile-language-service doing their own validation, hover and symbols
 * (what Microsoft's Docker extension runs).
 *
 * Usage: node bench/editor.js [--quick] [--sizes 50,200,1000] [--no-fixture] [--json FILE]
 * Exits non-zero when the benchmark breaks (server dies, a request fails, wrong answers), never
 * on a missed target (printed as MISSED).
 */
const fs = require('fs');
const path = require('path');
const { DockerfileParser } = require('dockerfile-ast');
const dockerfileUtils = require('dockerfile-utils');
const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service');
const OUT = path.join(__dirname, '..', 'out');
const { analyze } = require(path.join(OUT, 'server', 'src', 'analysis'));
const { LspClient, fileUri } = require(path.join(OUT, 'test', 'protocol', 'lspClient'));
const { generateDockerfile } = require('./generate');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write([
        'usage: node bench/editor.js [--quick] [--sizes 50,200,1000] [--no-fixture] [--json FILE]',
        '  --quick       50 / 200 stages, few iterations (CI smoke test); writes no JSON unless --json',
        '  --sizes LIST  generated documents of these stage counts (default 50,200,1000; quick: 50,200)',
        '  --no-fixture  skip the largest real fixture',
        '  --json FILE   where to write the results (default bench/results/editor-latest.json on a full run',
        '                with the default sizes)',
        '',
    ].join('\n'));
    process.exit(0);
}
const quick = argv.includes('--quick');
const jsonArg = argv.indexOf('--json');
const sizesArg = argv.indexOf('--sizes');
const customSizes = sizesArg >= 0 ? String(argv[sizesArg + 1] || '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : null;
if (customSizes && customSizes.length === 0) { process.stderr.write('--sizes: a comma-separated list of stage counts, e.g. --sizes 1000\n'); process.exit(2); }
const withFixture = !argv.includes('--no-fixture');
const JSON_OUT = jsonArg >= 0 ? argv[jsonArg + 1] : quick || customSizes || !withFixture ? null : path.join(__dirname, 'results', 'editor-latest.json');
const SIZES = customSizes ?? (quick ? [50, 200] : [50, 200, 1000]);
/** Stages on one screen: ~4.4 lines per generated stage, so 25 stages (25 lenses) is more than a 50-line editor shows. */
const SCREEN_STAGES = 25;
const CHANGES = quick ? 5 : 30;
const REQUESTS = quick ? 10 : 100;
const RUNS = quick ? 5 : 20;
const DEBOUNCE_MS = 60;

function pct(xs, p) {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const p50 = (xs) => pct(xs, 50);
const p95 = (xs) => pct(xs, 95);
const now = () => performance.now();
function timeRuns(fn, runs) {
    for (let i = 0; i < 3; i++) fn();
    const t = [];
    for (let i = 0; i < runs; i++) { const t0 = now(); fn(); t.push(now() - t0); }
    return t;
}
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

function largestFixture() {
    const root = path.join(__dirname, '..', 'test', 'fixtures');
    const files = [];
    const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/Dockerfile|Containerfile/i.test(e.name)) files.push(p); } };
    if (fs.existsSync(root)) walk(root);
    files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    return files[0] || null;
}

/** Positions in the text: stage references in FROM (hover), stage names after AS (references). */
function positions(text) {
    const lines = text.split('\n');
    const names = new Set();
    const hover = [];
    const refs = [];
    const froms = [];
    lines.forEach((line, i) => {
        const m = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(\s+AS\s+)?(\S+)?/i.exec(line);
        if (!m) return;
        froms.push(i);
        if (names.has(m[2].toLowerCase())) hover.push({ line: i, character: m[1].length + 1 });
        if (m[4]) { refs.push({ line: i, character: m[1].length + m[2].length + m[3].length + 1 }); names.add(m[4].toLowerCase()); }
    });
    if (hover.length === 0) hover.push(...froms.map((l) => ({ line: l, character: 1 })));
    if (refs.length === 0) refs.push({ line: froms[0] ?? 0, character: 1 });
    // spread over the file
    const spread = (xs, n) => Array.from({ length: Math.min(n, xs.length) }, (_, k) => xs[Math.floor((k * xs.length) / Math.min(n, xs.length))]);
    return { hover: spread(hover, 20), refs: spread(refs, 20), froms };
}

function rssMB(pid) {
    try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : NaN;
    } catch { return NaN; }
}

const problems = [];

/**
 * In-process baselines on the same text. The contenders run interleaved, round after round, so
 * that the machine's noise (2 shared cores) hits them alike; each figure is the median of its
 * rounds, and the ratios are medians of the per-round ratios.
 */
function baselines(text, pos) {
    const ls = DockerfileLanguageServiceFactory.createLanguageService();
    const id = { uri: 'file:///bench/Dockerfile' };
    let k = 0;
    const fns = {
        parse: () => DockerfileParser.parse(text),
        analysis: () => analyze(text),
        validate: () => dockerfileUtils.validate(text),
        lsHover: () => ls.computeHover(text, pos.hover[k++ % pos.hover.length]),
        lsSymbols: () => ls.computeSymbols(id, text),
    };
    const t = {};
    for (const n of Object.keys(fns)) { t[n] = []; for (let i = 0; i < 3; i++) fns[n](); }
    const rounds = text.length > 100000 ? RUNS : RUNS * 3;
    for (let r = 0; r < rounds; r++) {
        for (const [n, fn] of Object.entries(fns)) { const t0 = now(); fn(); t[n].push(now() - t0); }
    }
    const out = {};
    for (const n of Object.keys(fns)) out[n] = p50(t[n]);
    out.analysisVsParse = p50(t.analysis.map((a, i) => a / t.parse[i]));
    out.analysisVsValidate = p50(t.analysis.map((a, i) => a / t.validate[i]));
    out.rounds = rounds;
    return out;
}

/**
 * Code lenses as the editor shows them: the list, then `codeLens/resolve` of the lenses of
 * SCREEN_STAGES consecutive stages (one lens per stage, one request per lens, all sent at once, as
 * VS Code does for the lenses in the viewport), at a different place of the file each time; and
 * the inlay hints (stage summaries) of the lines of that screen.
 */
async function timeLensScreens(client, td, label) {
    const list = await client.request('textDocument/codeLens', { textDocument: td });
    const out = { lensCount: list.length, lensBytes: Buffer.byteLength(JSON.stringify(list)) };
    const screen = SCREEN_STAGES;
    const resolveT = [];
    const totalT = [];
    const hintT = [];
    for (let i = 0; i < REQUESTS + 3; i++) {
        const t0 = now();
        const lenses = await client.request('textDocument/codeLens', { textDocument: td });
        const from = lenses.length <= screen ? 0 : Math.floor(((i * 7919) % 1000) / 1000 * (lenses.length - screen));
        const t1 = now();
        const shown = lenses.slice(from, from + screen);
        const resolved = await Promise.all(shown.map((l) => client.request('codeLens/resolve', l)));
        const t2 = now();
        // from the first FROM shown to the next FROM (a FROM continued over lines has its hint at its end)
        const next = lenses[from + screen];
        const range = { start: { line: shown[0].range.start.line, character: 0 }, end: next ? { line: next.range.start.line, character: 0 } : { line: 1e6, character: 0 } };
        const hints = await client.request('textDocument/inlayHint', { textDocument: td, range });
        const t3 = now();
        if (i === 0 && !resolved.every((l) => l && l.command && typeof l.command.title === 'string' && l.command.title.length > 0 && /^stagecraft\./.test(l.command.command))) {
            problems.push(`${label}: codeLens/resolve gave an unexpected answer: ${JSON.stringify(resolved).slice(0, 200)}`);
        }
        if (i === 0 && !(Array.isArray(hints) && hints.length === shown.length && hints.every((h) => Array.isArray(h.label) && h.label[0] && h.label[0].value.length > 0))) {
            problems.push(`${label}: textDocument/inlayHint gave an unexpected answer for ${shown.length} stages: ${JSON.stringify(hints).slice(0, 200)}`);
        }
        if (i >= 3) { resolveT.push(t2 - t1); totalT.push(t2 - t0); hintT.push(t3 - t2); }
        out.screenLenses = resolved.length;
        out.screenHintBytes = Buffer.byteLength(JSON.stringify(hints));
    }
    out.lensResolve = { p50: p50(resolveT), p95: p95(resolveT) };
    out.lensPaint = { p50: p50(totalT), p95: p95(totalT) };
    out.hintScreen = { p50: p50(hintT), p95: p95(hintT) };
    return out;
}

/**
 * The lens list, interleaved request by request with the transport floor: bench/lsp-floor-server.js
 * answers the same lenses (same count, same JSON shape) from a list computed when the document
 * opened, over the same library and stdio transport. The machine's noise hits both alike.
 */
async function timeLensList(client, td, uri, text, label) {
    const floor = await LspClient.start({ serverPath: path.join(__dirname, 'lsp-floor-server.js') });
    try {
        await floor.open(uri, text);
        const ours = [];
        const bare = [];
        for (let i = 0; i < REQUESTS + 3; i++) {
            let t0 = now();
            const a = await client.request('textDocument/codeLens', { textDocument: td });
            const ta = now() - t0;
            t0 = now();
            const b = await floor.request('textDocument/codeLens', { textDocument: td });
            const tb = now() - t0;
            if (i === 0 && !(Array.isArray(a) && a.length > 0 && a.every((l) => l.command === undefined))) problems.push(`${label}: textDocument/codeLens gave an unexpected answer: ${JSON.stringify(a).slice(0, 200)}`);
            if (i === 0 && (!Array.isArray(b) || b.length !== a.length)) problems.push(`${label}: the transport floor answered ${Array.isArray(b) ? b.length : 'no'} lenses, the server ${a.length}`);
            if (i >= 3) { ours.push(ta); bare.push(tb); }
        }
        return { codeLens: { p50: p50(ours), p95: p95(ours) }, lensFloor: { p50: p50(bare), p95: p95(bare) } };
    } finally {
        await floor.stop();
    }
}

/** One server, one document: didChange -> diagnostics, then warm requests. */
async function throughServer(label, text, general) {
    const client = await LspClient.start({ initializationOptions: { otherDockerExtension: !general }, settings: {} });
    const pid = client.child.pid;
    const res = { label, general };
    try {
        res.rssIdleMB = rssMB(pid);
        const uri = fileUri(path.join('/bench', `${label.replace(/\W+/g, '-')}.Dockerfile`));
        const pos = positions(text);
        let t0 = now();
        await client.open(uri, text);
        await client.diagnostics(uri, 1);
        res.openMs = now() - t0;

        // didChange -> publishDiagnostics: insert, then remove, a comment line before a FROM in the middle
        const at = pos.froms[Math.floor(pos.froms.length / 2)] ?? 0;
        const lat = [];
        for (let i = 0; i < CHANGES; i++) {
            const insert = i % 2 === 0;
            const change = insert
                ? [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: `# edit ${i}\n` }]
                : [{ range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, text: '' }];
            t0 = now();
            const v = await client.change(uri, change);
            await client.diagnostics(uri, v);
            lat.push(now() - t0);
        }
        if (CHANGES % 2 === 1) { const v = await client.change(uri, [{ range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, text: '' }]); await client.diagnostics(uri, v); }
        res.diagnostics = { p50: p50(lat), p95: p95(lat) };

        const timeReq = async (method, paramsFor, check) => {
            for (let i = 0; i < 3; i++) await client.request(method, paramsFor(i));
            const t = [];
            for (let i = 0; i < REQUESTS; i++) {
                const p = paramsFor(i);
                const s = now();
                const r = await client.request(method, p);
                t.push(now() - s);
                if (i === 0 && check && !check(r)) problems.push(`${label}: ${method} gave an unexpected answer: ${JSON.stringify(r).slice(0, 200)}`);
            }
            return { p50: p50(t), p95: p95(t) };
        };
        const td = { uri };
        res.hover = await timeReq('textDocument/hover', (i) => ({ textDocument: td, position: pos.hover[i % pos.hover.length] }), (r) => r !== null);
        if (!general) {
            Object.assign(res, await timeLensList(client, td, uri, text, label));
            Object.assign(res, await timeLensScreens(client, td, label));
            res.symbols = await timeReq('textDocument/documentSymbol', () => ({ textDocument: td }), (r) => Array.isArray(r) && r.length > 0);
            res.references = await timeReq('textDocument/references', (i) => ({ textDocument: td, position: pos.refs[i % pos.refs.length], context: { includeDeclaration: true } }), (r) => Array.isArray(r) && r.length > 0);
        }
        res.rssMB = rssMB(pid);
        if (!client.alive) problems.push(`${label}: the server exited (${client.stderr.slice(-500)})`);
        const errors = client.logMessages.filter((m) => m.type === 1);
        if (errors.length) problems.push(`${label}: the server logged errors: ${errors[0].message.slice(0, 300)}`);
    } finally {
        await client.stop();
    }
    return res;
}

async function main() {
    const started = now();
    console.log(`editor latency benchmark (${quick ? 'quick' : 'full'}): ${CHANGES} changes, ${REQUESTS} requests per kind, in-process baselines interleaved (medians of ${RUNS}-${RUNS * 3} rounds); node ${process.version}`);
    const docs = SIZES.map((n) => ({ label: `${n} stages`, stages: n, text: generateDockerfile(n) }));
    const fx = withFixture ? largestFixture() : null;
    if (fx) {
        const text = fs.readFileSync(fx, 'utf8');
        docs.push({ label: `fixture ${path.basename(fx)}`, stages: positions(text).froms.length, text });
    } else if (withFixture) problems.push('no Dockerfile fixture found under test/fixtures');

    const rows = [];
    for (const d of docs) {
        const pos = positions(d.text);
        const base = baselines(d.text, pos);
        const lsp = await throughServer(d.label, d.text, false);
        const gen = await throughServer(d.label, d.text, true);
        rows.push({ label: d.label, stages: d.stages, lines: d.text.split('\n').length, base, lsp, general: gen });
    }

    console.log('\n=== in-process, same text (median ms): the stage analysis vs a bare parse and dockerfile-utils ===');
    console.log('document                          lines   parse  analysis  an/parse  utils.validate  ls.hover  ls.symbols');
    for (const r of rows) {
        const b = r.base;
        console.log(`${r.label.padEnd(32)} ${String(r.lines).padStart(6)} ${f2(b.parse).padStart(7)} ${f2(b.analysis).padStart(9)} ${f2(b.analysisVsParse).padStart(9)} ${f2(b.validate).padStart(15)} ${f2(b.lsHover).padStart(9)} ${f2(b.lsSymbols).padStart(11)}`);
    }
    console.log('\n=== through the language server over stdio (ms, p50 / p95); stage features only (another Docker extension present) ===');
    console.log(`document                          open   didChange->diagnostics*   hover         codeLens      symbols       references    RSS MB`);
    const pp = (x) => (x ? `${f2(x.p50)}/${f2(x.p95)}` : '-').padEnd(13);
    for (const r of rows) {
        const l = r.lsp;
        console.log(`${r.label.padEnd(32)} ${f1(l.openMs).padStart(6)}   ${pp(l.diagnostics).padEnd(24)} ${pp(l.hover)} ${pp(l.codeLens)} ${pp(l.symbols)} ${pp(l.references)} ${f1(l.rssMB).padStart(6)}`);
    }
    console.log(`* includes the server's ${DEBOUNCE_MS} ms debounce after the last change`);
    console.log(`codeLens = the list request alone (one lens per stage, without commands; then the editor resolves those on screen):`);
    console.log('document                          lenses  list KB   list          floor****     resolve one screen**   list + resolve one screen   inlay hints one screen***');
    for (const r of rows) {
        const l = r.lsp;
        console.log(`${r.label.padEnd(32)} ${String(l.lensCount).padStart(7)} ${f1(l.lensBytes / 1024).padStart(8)}   ${pp(l.codeLens)} ${pp(l.lensFloor)} ${pp(l.lensResolve).padEnd(22)} ${pp(l.lensPaint).padEnd(27)} ${pp(l.hintScreen)} (${f1(l.screenHintBytes / 1024)} KB)`);
    }
    console.log(`** codeLens/resolve of the lenses of ${SCREEN_STAGES} consecutive stages (${SCREEN_STAGES} requests sent together, as VS Code does for the viewport)`);
    console.log(`*** textDocument/inlayHint for the lines of those ${SCREEN_STAGES} stages (the stage summaries; VS Code asks for the visible range only)`);
    console.log('**** the transport floor: the same lenses from a server that computed them when the document opened (bench/lsp-floor-server.js), same library and stdio; requests interleaved with the list\'s');
    console.log('\n=== with the general Dockerfile features too (no other Docker extension: dockerfile-utils validation in the diagnostics) ===');
    for (const r of rows) {
        const g = r.general;
        console.log(`${r.label.padEnd(32)} didChange->diagnostics ${pp(g.diagnostics)} hover ${pp(g.hover)} RSS ${f1(g.rssMB)} MB`);
    }

    // targets
    console.log('\n=== targets ===');
    const targets = [];
    const t = (ok, name, text) => { targets.push({ ok, name, text }); console.log(`${ok ? 'met   ' : 'MISSED'} ${name.padEnd(58)} ${text}`); };
    for (const r of rows) {
        t(r.base.analysisVsParse <= 1.5, `analysis <= 1.5x bare parse (${r.label})`, `${f2(r.base.analysis)} ms vs ${f2(r.base.parse)} ms: ${f2(r.base.analysisVsParse)}x (median of per-round ratios)`);
        t(r.base.analysisVsValidate < 1, `analysis < dockerfile-utils validate (${r.label})`, `${f2(r.base.analysis)} ms vs ${f2(r.base.validate)} ms: ${f2(r.base.analysisVsValidate)}x`);
    }
    const big = rows.filter((r) => r.stages >= 1000)[0] || rows.filter((r) => /stages$/.test(r.label)).slice(-1)[0];
    const note = big.stages >= 1000 ? '' : ` [${quick ? 'quick: ' : ''}${big.label}, the target is for 1,000]`;
    t(big.lsp.hover.p95 < 5, `hover p95 < 5 ms${note}`, `${f2(big.lsp.hover.p95)} ms (${big.label})`);
    t(big.lsp.codeLens.p95 < 5, `code lens p95 < 5 ms${note}`, `${f2(big.lsp.codeLens.p95)} ms (${big.label}); the transport floor for the same ${big.lsp.lensCount} lenses: ${f2(big.lsp.lensFloor.p95)} ms, ${f2(big.lsp.codeLens.p95 / big.lsp.lensFloor.p95)}x`);
    t(big.lsp.rssMB < 150, `server RSS < 150 MB with the file open${note}`, `${f1(big.lsp.rssMB)} MB (${big.label}); with general features ${f1(big.general.rssMB)} MB`);

    const result = { date: new Date().toISOString(), quick, node: process.version, changes: CHANGES, requests: REQUESTS, runs: RUNS, rows, targets, problems };
    if (JSON_OUT) { fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true }); fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2) + '\n'); console.log(`\nresults: ${path.relative(process.cwd(), JSON_OUT)}`); }
    console.log(`took ${((now() - started) / 1000).toFixed(1)} s`);
    return result;
}

main().then(() => {
    if (problems.length) { console.error(`\nBENCHMARK BROKEN:\n  ${problems.join('\n  ')}`); process.exit(1); }
}, (e) => { console.error(`\nBENCHMARK BROKEN: ${e.stack || e}`); process.exit(1); });
