'use strict';
/**
 * The CI strategies compared by bench/ci.js. Each runs one CI job on a fresh engine and returns
 * { code, pull, build, push (ms), stages: { name: 'hit'|'miss'|'k/n'|'-' }, bytes?, log }.
 * Scripts time each docker command; Stagecraft's phases come from the timestamps of its own
 * progress lines (its runner prints when each stage build starts and ends).
 */
const fs = require('fs');
const path = require('path');
const { cacheExportSeconds, dockerBin, docker, run, classicStages, buildkitStages, hitState } = require('./lib');

const STAGECRAFT = path.join(__dirname, '..', '..', 'bin', 'stagecraft.js');

function newJob() {
    return { code: 0, pull: 0, build: 0, push: 0, stages: {}, log: '', bytes: null, notes: [] };
}

async function phase(job, name, bin, args, opts = {}) {
    const r = await (bin === 'docker' ? docker(args, opts) : run(bin, args, opts));
    job[name] += r.ms;
    job.log += `$ ${bin} ${args.join(' ')}\n${r.output}\n`;
    return r;
}

const CLASSIC = { DOCKER_BUILDKIT: '0' };
const BUILDKIT = { DOCKER_BUILDKIT: '1' };

function toStates(parsed, names) {
    const out = {};
    for (const n of names) out[n] = hitState(parsed[n]);
    return out;
}

/** No CI cache at all: classic build of the target, push the final image. */
async function noCache(c) {
    const job = newJob();
    const ref = `${c.repo}:${c.target}`;
    const b = await phase(job, 'build', 'docker', ['build', '-f', c.dockerfile, '--target', c.target, '-t', ref, c.context], { env: CLASSIC });
    if (b.code !== 0) { job.code = b.code; return job; }
    job.stages = toStates(classicStages(b.output, c.names), c.names);
    const p = await phase(job, 'push', 'docker', ['push', ref]);
    job.code = p.code;
    return job;
}

/** Common practice: pull the last final image and --cache-from it (classic builder). */
async function classicFinal(c) {
    const job = newJob();
    const ref = `${c.repo}:${c.target}`;
    await phase(job, 'pull', 'docker', ['pull', ref]); // `|| true`
    const b = await phase(job, 'build', 'docker', ['build', '-f', c.dockerfile, '--target', c.target, '--cache-from', ref, '-t', ref, c.context], { env: CLASSIC });
    if (b.code !== 0) { job.code = b.code; return job; }
    job.stages = toStates(classicStages(b.output, c.names), c.names);
    const p = await phase(job, 'push', 'docker', ['push', ref]);
    job.code = p.code;
    return job;
}

/** BuildKit inline cache on the final image only (reads the cache straight from the registry). */
async function buildkitFinal(c) {
    const job = newJob();
    const ref = `${c.repo}:${c.target}-bk`;
    const b = await phase(job, 'build', 'docker', ['build', '--progress=plain', '-f', c.dockerfile, '--target', c.target,
        '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--cache-from', ref, '-t', ref, c.context], { env: BUILDKIT });
    if (b.code !== 0) { job.code = b.code; return job; }
    const parsed = buildkitStages(b.output);
    job.stages = toStates(parsed, c.names);
    for (const n of c.names) if (!parsed[n]) job.stages[n] = '-';
    const p = await phase(job, 'push', 'docker', ['push', ref]);
    job.code = p.code;
    return job;
}

/**
 * What a user picks on Docker 23+ with buildx instead of any tool: one build of the target that
 * exports the cache of every stage (`mode=max`) or of the image's layers only (`mode=min`) to the
 * registry and pushes the image, as the Docker documentation writes it (cache ref always passed:
 * on an empty registry BuildKit prints its "not found" error block and goes on).
 */
function buildxRegistry(mode) {
    return async (c) => {
        const job = newJob();
        const ref = `${c.repo}:${c.target}-bx${mode}`;
        const cache = `${c.repo}:cache-${mode}`;
        const b = await phase(job, 'build', 'docker', ['buildx', 'build', '--progress=plain', '-f', c.dockerfile, '--target', c.target,
            '--cache-from', `type=registry,ref=${cache}`, '--cache-to', `type=registry,ref=${cache},mode=${mode}`, ...(c.noprov ? ['--provenance=false'] : []), '--push', '-t', ref, c.context]);
        job.code = b.code;
        job.exportS = cacheExportSeconds(b.output);
        if (b.code !== 0) return job;
        const parsed = buildkitStages(b.output);
        job.stages = toStates(parsed, c.names);
        for (const n of c.names) if (!parsed[n]) job.stages[n] = '-';
        return job;
    };
}

/**
 * castage's generated script: pull every named stage `|| true`, build every named stage in file
 * order with --cache-from all of them, push each (classic builder).
 */
async function castage(c) {
    const job = newJob();
    const refs = c.names.map((n) => `${c.repo}:${n}`);
    for (const r of refs) await phase(job, 'pull', 'docker', ['pull', r]);
    const cacheFrom = refs.flatMap((r) => ['--cache-from', r]);
    for (let i = 0; i < c.names.length; i++) {
        const b = await phase(job, 'build', 'docker', ['build', '-f', c.dockerfile, '--target', c.names[i], ...cacheFrom, '-t', refs[i], c.context], { env: CLASSIC });
        if (b.code !== 0) { job.code = b.code; return job; }
        job.stages[c.names[i]] = hitState(classicStages(b.output, c.names)[c.names[i]]);
    }
    for (const r of refs) {
        const p = await phase(job, 'push', 'docker', ['push', r]);
        if (p.code !== 0) { job.code = p.code; return job; }
    }
    return job;
}

/** Stagecraft through its CLI: `stagecraft build --backend B --push` (B `auto`: what it picks on the engine). */
function stagecraft(backend) {
    return async (c) => {
        const job = newJob();
        const cacheDir = backend === 'save-load' ? c.saveLoadDir : fs.mkdtempSync(path.join(c.work, `sc-${backend}-`));
        const tarballs = () => listFiles(cacheDir).filter((f) => /\.tar$/.test(f));
        const before = new Map(tarballs().map((f) => [f, fs.statSync(f)]));
        const args = [STAGECRAFT, 'build', '-f', c.dockerfile, '--target', c.target, '--backend', backend, '--push', ...(backend === 'save-load' ? ['--cache-dir', cacheDir] : [])];
        if (backend !== 'save-load') args.push('--cache-repo', `${c.repo}`);
        args.push(c.context);
        let firstStart = null;
        let open = null;
        let buildMs = 0;
        let lastEnd = null;
        const r = await run(process.execPath, args, {
            env: { STAGECRAFT_DOCKER: dockerBin(), XDG_CACHE_HOME: cacheDir },
            onLine: (line, t) => {
                // `[1/4] app: <command>`, or with a note: `[1/4] app (the target first: ...): <command>`
                if (/^\[\d+\/\d+\] \S+(?: \([^)]*\))?: /.test(line)) { if (firstStart === null) firstStart = t; open = t; return; }
                if (/^\[\d+\/\d+\] \S+ \.\.\. (cached|built|partial)/.test(line) && open !== null) { buildMs += t - open; open = null; lastEnd = t; }
            },
        });
        job.log = `$ node ${args.join(' ')}\n${r.output}\n`;
        job.code = r.code;
        if (open !== null) buildMs += r.ms - open; // failed mid-stage
        job.pull = firstStart ?? r.ms;
        job.build = buildMs;
        job.push = Math.max(0, r.ms - job.pull - job.build);
        job.total = r.ms;
        job.stages = parseSummary(r.output, c.names);
        job.exportS = cacheExportSeconds(r.output);
        if (backend === 'save-load') {
            const loaded = /stagecraft: loaded the saved stage images/.test(r.output);
            const saved = /stagecraft: saved \d+ stage images/.test(r.output);
            const after = tarballs();
            const size = (fs) => fs.reduce((a, f) => a + fsSize(f), 0);
            job.bytes = { pulled: loaded ? [...before.values()].reduce((a, s) => a + s.size, 0) : 0, pushed: saved ? size(after) : 0 };
        }
        // A job whose inputs did not change since the registry's image builds nothing (no progress lines).
        const skipped = /^stagecraft: nothing changed: /m.test(r.output);
        if (lastEnd === null && r.code === 0 && !skipped) job.notes.push('no stage progress lines parsed');
        if (backend !== 'save-load') fs.rmSync(cacheDir, { recursive: true, force: true });
        return job;
    };
}

function fsSize(f) { try { return fs.statSync(f).size; } catch { return 0; } }

function listFiles(dir) {
    const out = [];
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...listFiles(p)); else out.push(p);
    }
    return out;
}

/** The runner's summary table (STAGE CACHE TIME SIZE PUSHED IMAGE) -> { stage: state }. */
function parseSummary(output, names) {
    const lines = output.split('\n');
    const h = lines.findIndex((l) => /^STAGE\s+CACHE\s+TIME/.test(l));
    const res = {};
    for (const n of names) res[n] = '-';
    if (h < 0) return res;
    for (let i = h + 1; i < lines.length; i++) {
        const m = /^(\S+)\s+(hit|miss|partial (\d+)\/(\d+)|failed|interrupted|not built)\s/.exec(lines[i]);
        if (!m) break;
        const name = m[1].toLowerCase();
        res[name] = m[2].startsWith('partial') ? `${m[3]}/${m[4]}` : m[2] === 'not built' ? '-' : m[2];
    }
    return res;
}

/**
 * Every strategy, with the engines it runs on (`docker20`: Docker 20.10, classic builder and
 * BuildKit 0.8; `docker26`: Docker 26.1 + buildx with the containerd image store, where the
 * classic builder cannot use cache images it did not build: docs/BUILDS.md).
 */
const STRATEGIES = {
    'buildx-max': { label: 'buildx, registry cache mode=max', run: buildxRegistry('max'), family: 'baseline', engines: ['docker26'] },
    'buildx-min': { label: 'buildx, registry cache mode=min', run: buildxRegistry('min'), family: 'baseline', engines: ['docker26'] },
    'no-cache': { label: 'no cache (classic)', run: noCache, family: 'baseline', engines: ['docker20'] },
    'classic-final': { label: 'classic, final image --cache-from', run: classicFinal, family: 'baseline', engines: ['docker20'] },
    'buildkit-final': { label: 'BuildKit inline, final image only', run: buildkitFinal, family: 'baseline', engines: ['docker20', 'docker26'] },
    castage: { label: 'castage script (every stage, classic)', run: castage, family: 'baseline', engines: ['docker20'] },
    stagecraft: { label: 'Stagecraft (default backend)', run: stagecraft('auto'), family: 'stagecraft', engines: ['docker26'] },
    'stagecraft-classic': { label: 'Stagecraft --backend classic', run: stagecraft('classic'), family: 'stagecraft', engines: ['docker20'] },
    'stagecraft-buildkit': { label: 'Stagecraft --backend buildkit', run: stagecraft('buildkit'), family: 'stagecraft', engines: ['docker20', 'docker26'] },
    'stagecraft-save-load': { label: 'Stagecraft --backend save-load', run: stagecraft('save-load'), family: 'stagecraft', engines: ['docker20'] },
};

module.exports = { STRATEGIES, parseSummary, CLASSIC };
