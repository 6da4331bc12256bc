'use strict';
/**
 * The stage graph view at scale: how long the webview takes to lay out and render the graph of a
 * generated 50- and 200-stage Dockerfile (DOT, Graphviz layout, SVG into the page, the page's
 * layout), measured inside the view's own page (the packaged dist/graphView.js, the same HTML and
 * CSP) in Debian's Chromium, against the bare analysis of the same file in Node. Goals: 50 stages
 * under 200 ms, 200 under 1 s. Runs interleaved, medians of RUNS (default 7).
 *
 * usage: node bench/graph.js [--runs N] [--screenshot DIR] [--no-bundle]   (after `tsc -b`; it bundles dist/ first)
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const ROOT = path.join(__dirname, '..');
const { analyze } = require(path.join(ROOT, 'out/server/src/analysis'));
const { provideStageGraph } = require(path.join(ROOT, 'out/server/src/features/stageGraph'));
const { defaultSettings } = require(path.join(ROOT, 'out/server/src/common/settings'));
const { graphViewHtml } = require(path.join(ROOT, 'out/client/src/graphHtml'));
const { TextDocument } = require('vscode-languageserver-textdocument');
const { generateDockerfile } = require('./generate');

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : dflt; };
const RUNS = Number(arg('--runs', '7'));
/** Draws before the measured ones: the first (cold: Graphviz compiles, the page warms up) is printed, not counted. */
const WARMUP = 2;
const SHOTS = arg('--screenshot', null);
const SIZES = [[50, 200], [200, 1000]];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** The view's page, with a stand-in for `acquireVsCodeApi` that keeps what the view posts. */
function writePage(dir) {
    const script = path.join(ROOT, 'dist', 'graphView.js');
    if (!fs.existsSync(script)) throw new Error('dist/graphView.js is missing: run `npm run bundle` first');
    fs.copyFileSync(script, path.join(dir, 'graphView.js'));
    const nonce = 'benchnonce';
    let html = graphViewHtml({ cspSource: 'file:', nonce, script: 'graphView.js' });
    const stub = `<script nonce="${nonce}">window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });</script>`;
    html = html.replace('<script nonce', `${stub}\n<script nonce`);
    fs.writeFileSync(path.join(dir, 'index.html'), html);
    return path.join(dir, 'index.html');
}

async function main() {
    if (!fs.existsSync(CHROMIUM)) { console.log(`graph bench: skipped (no ${CHROMIUM})`); return 0; }
    if (!process.argv.includes('--no-bundle')) {
        // The view's script as it ships: bundled from the current sources.
        const b = require('child_process').spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.mjs')], { encoding: 'utf8' });
        if (b.status !== 0) throw new Error(`bundle failed:\n${b.stdout}${b.stderr}`);
    }
    const { chromium } = require('playwright-core');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-graph-bench-'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    let missed = 0;
    try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        await page.goto('file://' + writePage(dir));
        await page.waitForFunction(() => window.posted.some((m) => m.type === 'ready'));
        let version = 0;
        /** One draw in the page: the view's own measurement (DOT to laid-out SVG). */
        const render = (graph) => page.evaluate(async ({ graph, version }) => {
            const before = window.posted.length;
            window.postMessage({ type: 'graph', fileName: 'Dockerfile', version, graph, sameDocument: false, building: [] }, '*');
            for (;;) {
                const m = window.posted.slice(before).find((x) => x.type === 'rendered' || x.type === 'error');
                if (m) return m;
                await new Promise((r) => setTimeout(r, 2));
            }
        }, { graph, version: ++version });

        console.log('Stage graph view (webview page in Chromium) vs the bare analysis (Node), medians of ' + RUNS);
        console.log('stages  analysis ms  graph model ms  view: layout + render ms  (first, cold)  goal     verdict');
        for (const [n, goal] of SIZES) {
            const text = generateDockerfile(n);
            const doc = TextDocument.create('file:///bench/Dockerfile', 'dockerfile', 1, text);
            const analysisMs = [];
            const modelMs = [];
            const viewMs = [];
            let first = null;
            let graph = null;
            for (let i = 0; i < 10; i++) analyze(text);      // the analysis warmed up as the server's is
            for (let i = 0; i < RUNS + WARMUP; i++) {
                let t = performance.now();
                const analysis = analyze(text);
                const a = performance.now() - t;
                t = performance.now();
                graph = provideStageGraph(doc, analysis, defaultSettings()).graph;
                const g = performance.now() - t;
                const r = await render(graph);
                if (r.type === 'error') throw new Error(`the view failed: ${r.message}`);
                if (r.stages.length !== n) throw new Error(`the view drew ${r.stages.length} stages, not ${n}`);
                if (i === 0) first = r.ms;
                if (i < WARMUP) continue;
                analysisMs.push(a); modelMs.push(g); viewMs.push(r.ms);
            }
            const view = median(viewMs);
            const ok = view < goal;
            if (!ok) missed++;
            console.log(`${String(n).padStart(6)}  ${median(analysisMs).toFixed(1).padStart(11)}  ${median(modelMs).toFixed(1).padStart(14)}  ${view.toFixed(1).padStart(24)}  ${first.toFixed(1).padStart(13)}  <${goal} ms  ${ok ? 'ok' : 'MISSED'} (${(view / median(analysisMs)).toFixed(1)}x the analysis)`);
            if (SHOTS) { fs.mkdirSync(SHOTS, { recursive: true }); await page.screenshot({ path: path.join(SHOTS, `graph-${n}.png`) }); }
        }
        if (errors.length) { console.log(`page errors: ${errors.join('\n')}`); return 1; }
    } finally {
        await browser.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    if (missed) console.log(`graph bench: ${missed} goal(s) MISSED`);
    return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
