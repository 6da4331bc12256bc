'use strict';
/**
 * `npm run bench [-- --quick]`: the editor latency benchmarks (one file, then stages across a
 * workspace of 500 files), the stage graph view's (bench/graph.js), then the CI build-time benchmark.
 * Full (releases): editor on 50/200/1,000 stages, CI on the realistic sample, every strategy,
 * medians of 2 runs (over an hour; it prints an estimate). Quick (CI smoke test, ~2 minutes):
 * editor on 50/200 stages, CI on a busybox project with one strategy pair.
 * Exits non-zero when a benchmark breaks; missed performance targets are printed (MISSED), not
 * failures. Other arguments go to both (e.g. --json is not shared: each writes its own file).
 */
const { spawn } = require('child_process');
const path = require('path');

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run bench [-- --quick] [--editor-only | --ci-only] [--engine docker26|docker20]\n' +
        '  full: editor latency on 50/200/1,000 stages, then CI build time on Docker 26 + buildx and on Docker 20.10 (hours; prints an estimate)\n' +
        '  --quick: the CI smoke check on both engines (about 3 minutes)\n');
    process.exit(0);
}
const only = args.includes('--editor-only') ? 'editor' : args.includes('--ci-only') ? 'ci' : null;
const pass = args.filter((a) => a !== '--editor-only' && a !== '--ci-only');
const quick = pass.includes('--quick');

function run(script, extra) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(__dirname, script), ...extra], { stdio: 'inherit' });
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
}

(async () => {
    const t0 = Date.now();
    const results = [];
    if (only !== 'ci') results.push(['editor', await run('editor.js', pass.filter((a) => a === '--quick'))]);
    if (only !== 'ci') { console.log(''); results.push(['graph', await run('graph.js', pass.includes('--quick') ? ['--runs', '3'] : [])]); }
    if (only !== 'ci') { console.log(''); results.push(['workspace', await run('workspace.js', pass.filter((a) => a === '--quick'))]); }
    // The CI benchmark on both engines (Docker 26 + buildx first: the one users run), unless one is named.
    if (only !== 'editor') {
        const engines = pass.includes('--engine') ? [null] : ['docker26', 'docker20'];
        for (const e of engines) {
            console.log('');
            results.push([`ci${e ? ` (${e})` : ''}`, await run('ci.js', e ? [...pass, '--engine', e] : pass)]);
        }
    }
    console.log(`\nbench (${quick ? 'quick' : 'full'}) finished in ${((Date.now() - t0) / 60000).toFixed(1)} min: ${results.map(([n, c]) => `${n} ${c === 0 ? 'ok' : `BROKEN (exit ${c})`}`).join(', ')}`);
    process.exit(results.every(([, c]) => c === 0) ? 0 : 1);
})();
