'use strict';
/**
 * Editor latency through the real language server (JSON-RPC over stdio, as a client sees it):
 * hover and code lenses on generated multi-stage files, cold (the first request after an edit,
 * which includes the analysis of the new version) and warm (cached analysis).
 * Usage: node bench/lsp.js [--quick]   (after `npx tsc -b`)
 */
const path = require('path');
const { LspClient } = require(path.join(__dirname, '..', 'out', 'test', 'protocol', 'lspClient.js'));
const { generateDockerfile } = require('./generate');

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
async function timed(fn) { const t0 = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t0) / 1e6; }

async function main() {
    const quick = process.argv.includes('--quick');
    const sizes = quick ? [200] : [50, 200, 1000];
    const runs = quick ? 7 : 21;
    const c = await LspClient.start({ initializationOptions: { otherDockerExtension: true } });
    const rows = [];
    try {
        for (const n of sizes) {
            const uri = `file:///bench/${n}.Dockerfile`;
            const text = generateDockerfile(n);
            await c.open(uri, text);
            const lines = text.split('\n');
            const fromLine = lines.map((l, i) => [l, i]).filter(([l]) => l.startsWith('FROM ')).pop()[1];
            const hover = () => c.request('textDocument/hover', { textDocument: { uri }, position: { line: fromLine, character: 2 } });
            const lens = () => c.request('textDocument/codeLens', { textDocument: { uri } });
            for (let i = 0; i < 3; i++) { await hover(); await lens(); }
            const warmHover = [], warmLens = [], coldHover = [], coldLens = [];
            for (let i = 0; i < runs; i++) {
                warmHover.push(await timed(hover));
                warmLens.push(await timed(lens));
                await c.change(uri, text + `# edit ${i}\n`);
                coldHover.push(await timed(hover));
                await c.change(uri, text + `# edit ${i}b\n`);
                coldLens.push(await timed(lens));
            }
            const lensCount = (await lens()).length;
            rows.push({ stages: n, lines: lines.length, lenses: lensCount, hoverWarm: median(warmHover), hoverCold: median(coldHover), lensWarm: median(warmLens), lensCold: median(coldLens) });
            await c.close(uri);
        }
    } finally {
        await c.stop();
    }
    console.log('language server latency, JSON-RPC round trip over stdio (median of %d runs, ms)', runs);
    console.log('stages   lines  lenses  hover warm  hover after edit  lenses warm  lenses after edit');
    for (const r of rows) {
        console.log(`${String(r.stages).padStart(6)}  ${String(r.lines).padStart(6)}  ${String(r.lenses).padStart(6)}  ${r.hoverWarm.toFixed(2).padStart(10)}  ${r.hoverCold.toFixed(2).padStart(16)}  ${r.lensWarm.toFixed(2).padStart(11)}  ${r.lensCold.toFixed(2).padStart(17)}`);
    }
    return rows;
}

if (require.main === module) {
    main().catch((e) => { console.error(e); process.exit(1); });
}
module.exports = { main };
