'use strict';
/**
 * CI build-time benchmark: every CI strategy, every scenario, side by side in one run.
 *
 * Each job runs on "a fresh CI machine": every image the benchmark created is removed (images whose
 * first layer is the benchmark's own base image; never anybody else's) and the builder cache is
 * pruned, so the only cache is the strategy's registry (or save-load's tarball). Every strategy
 * has its own registry (Debian's docker-registry on loopback) behind a proxy that counts the bytes
 * pulled and pushed.
 *
 * Scenarios, in order, each job starting from what the previous scenario's job pushed:
 *   cold (empty registry) -> source (one .ts file changed) -> nochange -> manifest (package.json
 *   and lock changed).
 * The floor of each scenario is measured in the same run: pull only the cached images the job
 * needs (`docker pull` from a registry holding the previous state's per-stage images) + one build
 * in which only the steps that must rerun run.
 *
 * Usage: node bench/ci.js [--engine docker26|docker20] [--quick] [--runs N] [--strategies a,b] [--scenarios a,b] [--json FILE]
 *        node bench/ci.js --report FILE.json   (prints the tables of a saved, possibly partial, run)
 *   --engine: Docker 26.1 + buildx with the containerd image store (default; the engine users run
 *   today) or Docker 20.10. The benchmark runs on a private instance of it (scripts/engine.sh,
 *   root), which it empties before every job; no other engine is touched.
 *   --quick: a busybox project, the engine's baseline vs Stagecraft's default there, cold and
 *   source scenarios, one run (CI smoke test, about a minute).
 * Exits non-zero when the benchmark itself breaks (a job fails twice, output cannot be parsed),
 * never because a performance target is missed (those print MISSED).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = require('./ci/lib');
const { STRATEGIES } = require('./ci/strategies');

const argv = process.argv.slice(2);
const USAGE = 'usage: node bench/ci.js [--engine docker26|docker20] [--quick] [--runs N] [--strategies a,b] [--scenarios a,b] [--json FILE]\n' +
    '       node bench/ci.js --report FILE.json\n';
const VALUED = ['--runs', '--strategies', '--scenarios', '--engine', '--json', '--report'];
if (argv.includes('--help') || argv.includes('-h')) { process.stdout.write(USAGE); process.exit(0); }
for (let i = 0; i < argv.length; i++) {
    if (VALUED.includes(argv[i])) { i++; continue; }
    if (argv[i] !== '--quick') { process.stderr.write(`unknown argument ${argv[i]}\n${USAGE}`); process.exit(2); }
}
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 && argv[i + 1] ? argv[i + 1] : def; };
const quick = argv.includes('--quick');
const ENGINE = opt('--engine', 'docker26');
if (!['docker26', 'docker20'].includes(ENGINE)) { process.stderr.write(`--engine ${ENGINE}: docker26 or docker20\n${USAGE}`); process.exit(2); }
const QUICK_PAIR = { docker26: 'buildx-max,stagecraft', docker20: 'classic-final,stagecraft-classic' };
let RUNS = Number(opt('--runs', quick ? 1 : 2));
let STRATS = opt('--strategies', quick ? QUICK_PAIR[ENGINE] : Object.keys(STRATEGIES).filter((k) => STRATEGIES[k].engines.includes(ENGINE)).join(',')).split(',');
let SCENARIOS = opt('--scenarios', quick ? 'cold,source' : 'cold,source,nochange,manifest').split(',');
const LOGS = path.join(os.tmpdir(), 'stagecraft-bench-logs');
const JSON_OUT = opt('--json', quick ? null : path.join(__dirname, 'results', `ci-${ENGINE}-latest.json`));
for (const s of STRATS) {
    if (!STRATEGIES[s]) { console.error(`unknown strategy ${s}; known: ${Object.keys(STRATEGIES).join(', ')}`); process.exit(2); }
    if (!STRATEGIES[s].engines.includes(ENGINE)) { console.error(`strategy ${s} does not run on ${ENGINE} (only ${STRATEGIES[s].engines.join(', ')})`); process.exit(2); }
}
/** The floor is a classic build from pulled cache images: the containerd store cannot do that (docs/BUILDS.md). */
const FLOOR = ENGINE === 'docker20';

const SCENARIO_LABEL = { cold: 'cold', source: 'one source file changed', nochange: 'nothing changed', manifest: 'manifest changed' };

/** The sample projects and how each scenario changes them. */
const PROJECTS = {
    sample: {
        dir: path.join(__dirname, 'ci', 'sample'),
        base: 'stagecraft-bench/debian:bookworm',
        engineBase: 'debian',
        extraFiles(ctx) {
            fs.copyFileSync(process.env.SSL_CERT_FILE || '/etc/ssl/certs/ca-certificates.crt', path.join(ctx, 'ca-bundle.crt'));
            // The machine's npm registry, for npm in the build containers (never a host name written here).
            const reg = require('child_process').spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim();
            if (!/^https?:\/\//.test(reg)) throw new Error(`npm config get registry gave ${JSON.stringify(reg)}`);
            fs.writeFileSync(path.join(ctx, 'npmrc'), `registry=${reg}\n`);
        },
        mutate: {
            source(ctx, run) { fs.appendFileSync(path.join(ctx, 'src', 'lib', 'money.ts'), `\n/** Release marker (benchmark run ${run}). */\nexport const REVISION = 'bench-${run}';\n`); },
            manifest(ctx) { for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(__dirname, 'ci', 'variants', 'manifest', f), path.join(ctx, f)); },
        },
        // The cached stage images a job needs at the least: their layers are all that must be pulled.
        // source: build (base + node_modules: tsc and the tests rerun on it; no toolchain) and app
        // (its steps before `COPY dist` are unchanged: without it the floor reruns them, and
        // castage's script came in under such a floor); manifest: toolchain (base + build tools +
        // npm; npm ci and everything after reruns).
        floorNeeds: { source: ['build', 'app'], nochange: ['app'], manifest: ['toolchain'] },
        // Pulled after the timed pulls and not counted: the classic builder (the floor's build) runs
        // every stage before the target, so without these it would rerun `npm ci` where the job
        // itself never needs deps' layers (build's image holds node_modules).
        floorUntimed: { source: ['deps', 'prod-deps'], manifest: [] },
        // 2 cores, Docker 26: the 5 default strategies took 19 min a run (cold 1.5-2 min a job)
        estimateMinPerRun: 23,
    },
    quick: {
        dir: path.join(__dirname, 'ci', 'quick'),
        base: 'stagecraft-test/busybox:1',
        engineBase: 'busybox',
        extraFiles() { /* none */ },
        mutate: {
            source(ctx, run) { fs.appendFileSync(path.join(ctx, 'src', 'main.sh'), `# benchmark run ${run}\n`); },
            manifest(ctx) { fs.appendFileSync(path.join(ctx, 'deps.txt'), 'dayjs\n'); },
        },
        floorNeeds: { source: ['deps', 'app'], nochange: ['app'], manifest: ['base'] },
        estimateMinPerRun: 1.5,
    },
};
const project = quick ? PROJECTS.quick : PROJECTS.sample;

const fmtS = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '-');
const fmtMB = (b) => (Number.isFinite(b) ? (b / 1e6).toFixed(1) : '-');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

let broken = [];
let startedEngine = null;

async function main() {
    const started = Date.now();
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) throw new Error('the CI benchmark runs on a private engine of its own, which needs root (scripts/engine.sh)');
    const name = `bench-${ENGINE}${quick ? '-quick' : ''}`;
    const up = await lib.run('bash', [path.join(__dirname, '..', 'scripts', 'engine.sh'), 'start', name,
        ...(ENGINE === 'docker26' ? ['--version', '26', '--store', 'containerd'] : ['--version', '20.10']), '--base', project.engineBase]);
    const host = /^DOCKER_HOST=(\S+)$/m.exec(up.output)?.[1];
    const bin = /^DOCKER=(\S+)$/m.exec(up.output)?.[1];
    if (up.code !== 0 || !host || !bin) throw new Error(`could not start the benchmark's engine (scripts/engine.sh start ${name}): ${up.output.slice(-800)}`);
    lib.useEngine(bin, host);
    if (/starting Docker/.test(up.output)) startedEngine = name;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-bench-ci-'));
    const docker = lib.dockerSync(['version', '--format', '{{.Client.Version}} / {{.Server.Version}}']);
    if (docker.code !== 0) throw new Error(`docker is not usable (${docker.output.trim()})`);
    console.log(`CI build-time benchmark (${quick ? 'quick' : 'full'}): ${RUNS} run(s), ${STRATS.length} strategies, scenarios ${SCENARIOS.join(', ')}`);
    console.log(`docker ${docker.output.trim()} (${bin}, private engine ${name} at ${host}), ${os.cpus().length} CPUs, project ${path.relative(process.cwd(), project.dir)}`);
    const est = RUNS * project.estimateMinPerRun * (STRATS.length / 7 + 0.15) * (SCENARIOS.length / 4);
    console.log(`estimate: about ${Math.ceil(est)} min${quick ? '' : ' (a release check; the quick mode runs in CI)'}`);

    const base = lib.firstLayer(project.base);
    if (!base) throw new Error(`base image ${project.base} missing`);
    const bases = [base];
    const dockerfileText = fs.readFileSync(path.join(project.dir, 'Dockerfile'), 'utf8');
    const names = lib.stageNames(dockerfileText);
    const target = names[names.length - 1];

    const jobs = []; // { run, scenario, strategy, total, pull, build, push, pulled, pushed, stages, retried }
    const totalJobs = RUNS * SCENARIOS.length * STRATS.length;
    let done = 0;
    const floors = []; // { run, scenario, pull, build, total, pulled }
    let registries = [];
    const cleanup = async () => { for (const r of registries) await r.stop().catch(() => undefined); registries = []; };
    process.on('SIGINT', () => { cleanup().finally(() => process.exit(130)); });

    try {
        for (let run = 1; run <= RUNS; run++) {
            await cleanup();
            const ctx = path.join(work, `run${run}`, 'context');
            fs.rmSync(path.join(work, `run${run}`), { recursive: true, force: true });
            lib.copyDir(project.dir, ctx);
            project.extraFiles(ctx);
            const regs = {};
            for (const s of STRATS) { regs[s] = await lib.startRegistry(s); registries.push(regs[s]); }
            const floorReg = await lib.startRegistry('floor');
            registries.push(floorReg);
            const saveLoadDir = path.join(work, `run${run}`, 'ci-cache-save-load');
            fs.mkdirSync(saveLoadDir, { recursive: true });

            for (let si = 0; si < SCENARIOS.length; si++) {
                const scenario = SCENARIOS[si];
                if (project.mutate[scenario]) project.mutate[scenario](ctx, run);
                const c = { context: ctx, dockerfile: path.join(ctx, 'Dockerfile'), names, target, work, saveLoadDir };

                // the floor
                if (FLOOR) {
                    const f = await measureFloor({ ...c, repo: `${floorReg.host}/bench` }, scenario, floorReg, bases);
                    floors.push({ run, scenario, ...f });
                    console.log(`[run ${run}/${RUNS}] ${pad(scenario, 9)} ${pad('FLOOR', 21)} total ${lpad(fmtS(f.total), 6)} s (pull ${fmtS(f.pull)}, rerun steps ${fmtS(f.build)})  pulled ${fmtMB(f.pulled)} MB`);
                }

                // the strategies, in an order rotated per scenario and run (noise spreads evenly)
                const order = STRATS.map((_, i) => STRATS[(i + si + run - 1) % STRATS.length]);
                for (const s of order) {
                    const reg = regs[s];
                    let j = null;
                    let retried = false;
                    for (let attempt = 0; attempt < 3; attempt++) {
                        await lib.freshEngine(bases);
                        reg.reset();
                        const t0 = performance.now();
                        j = await STRATEGIES[s].run({ ...c, repo: `${reg.host}/bench` });
                        j.total = j.total ?? performance.now() - t0;
                        if (!j.bytes) j.bytes = { pulled: reg.counters.pulled, pushed: reg.counters.pushed };
                        if (j.code === 0) break;
                        retried = true;
                        fs.mkdirSync(LOGS, { recursive: true });
                        const logFile = path.join(LOGS, `failed-${process.pid}-${run}-${scenario}-${s}-${attempt}.log`);
                        fs.writeFileSync(logFile, j.log);
                        console.log(`  ! ${s} failed (exit ${j.code}); log ${logFile}; ${attempt < 2 ? 'retrying (a shared engine: another test may have removed an image mid-build)' : 'giving up'}`);
                    }
                    if (process.env.STAGECRAFT_BENCH_KEEP_LOGS === '1') {
                        fs.mkdirSync(LOGS, { recursive: true });
                        fs.writeFileSync(path.join(LOGS, `job-${process.pid}-${run}-${scenario}-${s}.log`), j.log ?? '');
                    }
                    const row = { run, scenario, strategy: s, code: j.code, total: j.total, pull: j.pull, build: j.build, push: j.push, pulled: j.bytes.pulled, pushed: j.bytes.pushed, exportS: j.exportS, stages: j.stages, retried, notes: j.notes };
                    jobs.push(row);
                    if (j.code !== 0) broken.push(`${s} / ${scenario} / run ${run} failed three times (exit ${j.code})`);
                    else if (names.some((n) => !j.stages[n] || (j.stages[n] === '-' && s !== 'buildkit-final'))) broken.push(`${s} / ${scenario} / run ${run}: could not read which stages were cache hits (${JSON.stringify(j.stages)})`);
                    for (const n of j.notes) broken.push(`${s} / ${scenario} / run ${run}: ${n}`);
                    done++;
                    const el = (Date.now() - started) / 60000;
                    const progress = `[${done}/${totalJobs} jobs, ${el.toFixed(0)} min, ~${Math.ceil((el / done) * (totalJobs - done))} min to go]`;
                    if (JSON_OUT) writeJson({ partial: true, jobs, floors });
                    console.log(`[run ${run}/${RUNS}] ${pad(scenario, 9)} ${pad(s, 21)} ${progress} total ${lpad(fmtS(row.total), 6)} s (pull ${fmtS(row.pull)}, build ${fmtS(row.build)}, push ${fmtS(row.push)})  pulled ${fmtMB(row.pulled)} MB, pushed ${fmtMB(row.pushed)} MB${Number.isFinite(row.exportS) ? `, cache export ${row.exportS.toFixed(1)} s` : ''}  ${names.map((n) => `${n}:${row.stages[n] ?? '?'}`).join(' ')}${retried ? ' (retried)' : ''}`);
                }
            }
            const elapsed = (Date.now() - started) / 60000;
            if (run < RUNS) console.log(`run ${run} took ${elapsed.toFixed(1)} min in all; about ${Math.ceil((elapsed / run) * (RUNS - run))} min to go`);
        }
    } finally {
        await cleanup();
        await lib.freshEngine(bases).catch(() => undefined);
        fs.rmSync(work, { recursive: true, force: true });
        if (startedEngine) await lib.run('bash', [path.join(__dirname, '..', 'scripts', 'engine.sh'), 'stop', startedEngine]);
    }

    const report = summarize(jobs, floors, names);
    const result = { date: new Date().toISOString(), quick, engine: ENGINE, runs: RUNS, docker: docker.output.trim(), cpus: os.cpus().length, strategies: STRATS, scenarios: SCENARIOS, names, jobs, floors, summary: report, broken };
    if (JSON_OUT) { writeJson(result); console.log(`\nresults: ${path.relative(process.cwd(), JSON_OUT)}`); }
    console.log(`took ${((Date.now() - started) / 60000).toFixed(1)} min`);
    return result;
}

function writeJson(obj) {
    fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
    fs.writeFileSync(JSON_OUT, JSON.stringify(obj, null, 2) + '\n');
}

/**
 * The floor: on a fresh engine, pull only the images whose layers the job must have (from a
 * registry holding the previous state's per-stage images), then one classic build with
 * --cache-from those, in which only the steps that must rerun run. Then (not timed) the stage
 * images of this state are tagged from the build's own output and pushed for the next scenario.
 */
async function measureFloor(c, scenario, reg, bases) {
    await lib.freshEngine(bases);
    reg.reset();
    const needs = scenario === 'cold' ? [] : project.floorNeeds[scenario] || [];
    let pull = 0;
    for (const n of needs) {
        const r = await lib.docker(['pull', `${c.repo}:${n}`]);
        if (r.code !== 0) { broken.push(`floor/${scenario}: pull of ${c.repo}:${n} failed: ${r.output.trim().split('\n').pop()}`); }
        pull += r.ms;
    }
    const pulled = reg.counters.pulled;
    if (scenario === 'nochange') return { pull, build: 0, total: pull, pulled };
    const untimed = scenario === 'cold' ? [] : (project.floorUntimed || {})[scenario] || [];
    for (const n of untimed) {
        const r = await lib.docker(['pull', `${c.repo}:${n}`]);
        if (r.code !== 0) { broken.push(`floor/${scenario}: pull of ${c.repo}:${n} failed: ${r.output.trim().split('\n').pop()}`); }
    }
    let b = null;
    for (let attempt = 0; attempt < 3; attempt++) {
        b = await lib.docker(['build', '-f', c.dockerfile, '--target', c.target, ...[...needs, ...untimed].flatMap((n) => ['--cache-from', `${c.repo}:${n}`]), c.context], { env: { DOCKER_BUILDKIT: '0' } });
        if (b.code === 0) break;
    }
    if (b.code !== 0) { broken.push(`floor/${scenario}: build failed: ${b.output.slice(-800)}`); return { pull, build: NaN, total: NaN, pulled }; }
    // publish this state's stage images: the last image id docker printed in each stage
    const ids = [];
    let stage = -1;
    for (const line of b.output.split('\n')) {
        if (/^Step \d+\/\d+ : FROM /i.test(line)) { stage++; continue; }
        const m = /^ ---> ([0-9a-f]{12,})\s*$/.exec(line);
        if (m && stage >= 0) ids[stage] = m[1];
    }
    for (let i = 0; i < c.names.length; i++) {
        const ref = `${c.repo}:${c.names[i]}`;
        const t = await lib.docker(['tag', ids[i] || 'missing', ref]);
        const p = t.code === 0 ? await lib.docker(['push', ref]) : t;
        if (p.code !== 0) broken.push(`floor/${scenario}: could not publish ${ref}: ${p.output.trim().split('\n').pop()}`);
    }
    return { pull, build: b.ms, total: pull + b.ms, pulled };
}

function summarize(jobs, floors, names) {
    const med = (rows, k) => lib.median(rows.map((r) => r[k]));
    const cell = {};
    for (const s of STRATS) {
        cell[s] = {};
        for (const sc of SCENARIOS) {
            const rows = jobs.filter((j) => j.strategy === s && j.scenario === sc && j.code === 0);
            cell[s][sc] = { total: med(rows, 'total'), pull: med(rows, 'pull'), build: med(rows, 'build'), push: med(rows, 'push'), pulled: med(rows, 'pulled'), pushed: med(rows, 'pushed'), exportS: med(rows, 'exportS'), runs: rows.map((r) => r.total), stages: rows.map((r) => names.map((n) => r.stages[n] ?? '?')) };
        }
    }
    const floor = {};
    for (const sc of SCENARIOS) {
        const rows = floors.filter((f) => f.scenario === sc);
        floor[sc] = { total: med(rows, 'total'), pull: med(rows, 'pull'), build: med(rows, 'build'), pulled: med(rows, 'pulled') };
    }

    console.log(`\n=== CI job time, seconds (median of ${RUNS} run${RUNS > 1 ? 's' : ''}; every job on a fresh engine, pull + build + push) ===`);
    const w = 40;
    console.log(pad('strategy', w) + SCENARIOS.map((s) => lpad(s, 10)).join(''));
    for (const s of STRATS) console.log(pad(STRATEGIES[s].label, w) + SCENARIOS.map((sc) => lpad(fmtS(cell[s][sc].total), 10)).join(''));
    if (floors.length > 0) console.log(pad('floor (needed pulls + rerun steps)', w) + SCENARIOS.map((sc) => lpad(fmtS(floor[sc].total), 10)).join(''));

    console.log('\n=== per job (medians): pull / build / push seconds, MB pulled / pushed, stage cache states per run ===');
    console.log(`stages: ${names.join(', ')}; hit = every step cached, miss = none, k/n = k of n steps cached, - = not built`);
    for (const sc of SCENARIOS) {
        console.log(`-- ${SCENARIO_LABEL[sc] || sc}`);
        for (const s of STRATS) {
            const x = cell[s][sc];
            console.log(`  ${pad(s, 21)} ${lpad(fmtS(x.total), 6)} = ${lpad(fmtS(x.pull), 5)} + ${lpad(fmtS(x.build), 5)} + ${lpad(fmtS(x.push), 5)}   ${lpad(fmtMB(x.pulled), 7)} / ${lpad(fmtMB(x.pushed), 7)} MB${Number.isFinite(x.exportS) ? `  (cache export ${x.exportS.toFixed(1)} s)` : ''}   ${x.stages.map((st) => st.join(' ')).join(' | ')}`);
        }
        const f = floor[sc];
        if (floors.length > 0) console.log(`  ${pad('floor', 21)} ${lpad(fmtS(f.total), 6)} = ${lpad(fmtS(f.pull), 5)} + ${lpad(fmtS(f.build), 5)}           ${lpad(fmtMB(f.pulled), 7)} MB`);
    }

    // targets, for each Stagecraft backend and for the best one
    const sc = STRATS.filter((s) => STRATEGIES[s].family === 'stagecraft');
    const targets = [];
    const check = (who, name, value, limit, text) => {
        const ok = Number.isFinite(value) && Number.isFinite(limit) && value <= limit;
        targets.push({ who, name, ok, value, limit, text });
    };
    const t = (s, scn) => cell[s]?.[scn]?.total;
    const coldRef = STRATS.includes('no-cache') ? t('no-cache', 'cold') : NaN;
    for (const s of sc) {
        if (SCENARIOS.includes('source') && floors.length > 0) {
            check(s, 'source <= 1.3x floor', t(s, 'source') / floor.source.total, 1.3, `${fmtS(t(s, 'source'))} s vs floor ${fmtS(floor.source.total)} s`);
        }
        if (SCENARIOS.includes('source') && SCENARIOS.includes('cold')) {
            const cold = Number.isFinite(coldRef) ? coldRef : t(s, 'cold');
            check(s, 'source < 0.25x cold', t(s, 'source') / cold, 0.25, `${fmtS(t(s, 'source'))} s vs cold ${fmtS(cold)} s (${Number.isFinite(coldRef) ? 'no-cache' : 'own'} cold job)`);
        }
        if (SCENARIOS.includes('nochange') && floors.length > 0) check(s, 'nochange <= 1.2x floor', t(s, 'nochange') / floor.nochange.total, 1.2, `${fmtS(t(s, 'nochange'))} s vs floor ${fmtS(floor.nochange.total)} s`);
        // Docker 26 + buildx: the engine's own one-flag answer is the line to beat in every scenario,
        // and a job with nothing to do should take under a second.
        if (STRATS.includes('buildx-max')) {
            for (const scn of SCENARIOS) check(s, `not slower than buildx mode=max (${scn})`, t(s, scn) / t('buildx-max', scn), 1.0, `${fmtS(t(s, scn))} s vs ${fmtS(t('buildx-max', scn))} s`);
            if (SCENARIOS.includes('nochange')) check(s, 'nochange under 1 s', t(s, 'nochange') / 1000, 1.0, `${fmtS(t(s, 'nochange'))} s`);
        }
        for (const other of ['castage', 'classic-final', 'buildkit-final', 'buildx-min']) {
            if (!STRATS.includes(other)) continue;
            for (const scn of SCENARIOS) check(s, `faster than ${other} (${scn})`, t(s, scn) / t(other, scn), 0.9999, `${fmtS(t(s, scn))} s vs ${fmtS(t(other, scn))} s`);
        }
        if (STRATS.includes('no-cache')) for (const scn of SCENARIOS) check(s, `not slower than no cache (${scn})`, t(s, scn) / t('no-cache', scn), 1.0, `${fmtS(t(s, scn))} s vs ${fmtS(t('no-cache', scn))} s`);
    }
    const score = (s) => SCENARIOS.reduce((a, scn) => a + (t(s, scn) || Infinity), 0);
    const best = sc.slice().sort((a, b) => score(a) - score(b))[0];
    console.log(`\n=== targets (ratios of medians from this run; the best Stagecraft backend overall: ${best ?? 'none run'}) ===`);
    for (const s of sc) {
        const mine = targets.filter((x) => x.who === s);
        const missed = mine.filter((x) => !x.ok).length;
        console.log(`${s}${s === best ? ' (best)' : ''}: ${mine.length - missed}/${mine.length} met`);
        for (const x of mine) console.log(`  ${x.ok ? 'met   ' : 'MISSED'} ${pad(x.name, 36)} ratio ${Number.isFinite(x.value) ? x.value.toFixed(2) : '-'} (limit ${x.limit === 0.9999 ? '< 1' : x.limit})  ${x.text}`);
    }
    return { cell, floor, targets, best };
}

const REPORT = opt('--report', null);
if (REPORT) {
    const r = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
    const names = r.names || lib.stageNames(fs.readFileSync(path.join(project.dir, 'Dockerfile'), 'utf8'));
    STRATS = r.strategies || [...new Set(r.jobs.map((j) => j.strategy))];
    SCENARIOS = r.scenarios || [...new Set(r.jobs.map((j) => j.scenario))];
    RUNS = Math.max(...r.jobs.map((j) => j.run));
    console.log(`report of ${REPORT}${r.partial ? ' (partial)' : ''}: ${r.jobs.length} jobs, runs 1..${RUNS}`);
    summarize(r.jobs, r.floors, names);
} else main().then(() => {
    if (broken.length > 0) {
        console.error(`\nBENCHMARK BROKEN (${broken.length} problem(s)):\n  ${broken.join('\n  ')}`);
        process.exit(1);
    }
}, (e) => {
    console.error(`\nBENCHMARK BROKEN: ${e.stack || e}`);
    process.exit(1);
});
