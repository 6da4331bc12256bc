'use strict';
/**
 * Plumbing for the CI build-time benchmark: running docker, private registries behind a
 * byte-counting proxy, "fresh CI machine" resets that only touch the benchmark's own images,
 * and parsing docker's output into per-stage cache hits.
 */
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

/** The docker client of the engine under test (`useEngine`), with its DOCKER_HOST in process.env. */
let DOCKER = process.env.STAGECRAFT_DOCKER || (fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
function useEngine(bin, host) {
    DOCKER = bin;
    if (host) process.env.DOCKER_HOST = host; else delete process.env.DOCKER_HOST;
}
const dockerBin = () => DOCKER;

/** Runs a command; resolves { code, output, ms }. `onLine(line, tMs)` sees each output line as it comes. */
function run(bin, args, opts = {}) {
    return new Promise((resolve) => {
        const t0 = performance.now();
        let output = '';
        let partial = '';
        const child = spawn(bin, args, { cwd: opts.cwd, env: { ...process.env, ...(opts.env || {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
        const onData = (b) => {
            const s = b.toString('utf8');
            if (output.length < 64 * 1024 * 1024) output += s;
            if (opts.onLine) {
                partial += s;
                const lines = partial.split('\n');
                partial = lines.pop();
                const t = performance.now() - t0;
                for (const l of lines) opts.onLine(l, t);
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', (e) => { output += `\nspawn error: ${e.message}`; });
        child.on('close', (code) => {
            if (opts.onLine && partial) opts.onLine(partial, performance.now() - t0);
            resolve({ code: code ?? -1, output, ms: performance.now() - t0 });
        });
    });
}

const docker = (args, opts) => run(DOCKER, args, opts);
function dockerSync(args) {
    const r = spawnSync(DOCKER, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? -1, output: `${r.stdout || ''}${r.stderr || ''}` };
}

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The registries stand for remote ones (in CI the registry runs on another machine): their storage
 * is in memory (/dev/shm) and they run at the lowest CPU priority, so that their hashing and disk
 * writes do not take the 2 cores or the disk from a job that pushes while it builds. Every strategy
 * gets the same registries.
 */
function registryDir() {
    try { fs.accessSync('/dev/shm', fs.constants.W_OK); return '/dev/shm'; } catch { return os.tmpdir(); }
}
const REGISTRY_CMD = fs.existsSync('/usr/bin/nice') ? ['/usr/bin/nice', '-n', '19', 'docker-registry'] : ['docker-registry'];

/**
 * Debian's docker-registry (no auth, filesystem storage under `registryDir()`) on a free loopback port,
 * behind a TCP proxy that counts the bytes each way: `host` is the proxy, the address docker uses.
 * `pulled` = registry -> client bytes, `pushed` = client -> registry bytes (HTTP included).
 */
async function startRegistry(label) {
    const dir = fs.mkdtempSync(path.join(registryDir(), `stagecraft-bench-registry-${label}-`));
    const regPort = await freePort();
    fs.writeFileSync(path.join(dir, 'config.yml'), [
        'version: 0.1',
        'log:', '  level: error', '  accesslog:', '    disabled: true',
        'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, '  delete:', '    enabled: true',
        'http:', `  addr: 127.0.0.1:${regPort}`, '  relativeurls: true',
        '',
    ].join('\n'));
    const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
    const child = spawn(REGISTRY_CMD[0], [...REGISTRY_CMD.slice(1), 'serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const counters = { pulled: 0, pushed: 0 };
    const sockets = new Set();
    const proxy = net.createServer((c) => {
        const u = net.connect(regPort, '127.0.0.1');
        sockets.add(c); sockets.add(u);
        c.on('data', (d) => { counters.pushed += d.length; });
        u.on('data', (d) => { counters.pulled += d.length; });
        c.pipe(u); u.pipe(c);
        const end = () => { c.destroy(); u.destroy(); sockets.delete(c); sockets.delete(u); };
        c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
    });
    await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${proxy.address().port}`;
    for (let i = 0; ; i++) {
        try {
            const r = await fetch(`http://127.0.0.1:${regPort}/v2/`, { signal: AbortSignal.timeout(1000) });
            if (r.status === 200) break;
        } catch { /* not yet */ }
        if (child.exitCode !== null || i > 100) throw new Error(`docker-registry did not start: ${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8').slice(-500)}`);
        await sleep(100);
    }
    return {
        host, dir, counters, pid: child.pid,
        reset() { counters.pulled = 0; counters.pushed = 0; },
        async stop() {
            for (const s of sockets) s.destroy();
            await new Promise((r) => proxy.close(() => r()));
            if (child.exitCode === null) {
                const gone = new Promise((r) => child.once('exit', r));
                child.kill('SIGTERM');
                await Promise.race([gone, sleep(5000)]);
                if (child.exitCode === null) { child.kill('SIGKILL'); await gone; }
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** The first layer (diff id) of an image, or null when the image is missing. */
function firstLayer(ref) {
    const r = dockerSync(['image', 'inspect', '--format', '{{.Id}} {{index .RootFS.Layers 0}}', ref]);
    if (r.code !== 0) return null;
    const [id, layer] = r.output.trim().split(' ');
    return { id, layer };
}

/**
 * "A fresh CI machine", on the benchmark's private engine (scripts/engine.sh: everything on it is
 * the benchmark's): every image but the base images removed, the whole build cache pruned; then
 * the starting state is checked (nothing but the bases, no build cache), or this throws.
 * `bases`: [{ id, layer }] of the benchmark's base images.
 */
async function freshEngine(bases) {
    if (!/\/stagecraft-engines\/bench-/.test(process.env.DOCKER_HOST || '')) throw new Error(`freshEngine empties only the benchmark's own engine, not ${process.env.DOCKER_HOST || 'the default one'}`);
    const keep = new Set(bases.map((b) => b.id));
    const others = async () => [...new Set((await docker(['images', '-a', '-q', '--no-trunc'])).output.split('\n').map((s) => s.trim()).filter((s) => s.startsWith('sha256:') && !keep.has(s)))];
    for (let round = 0; round < 6; round++) {
        const ids = await others();
        if (ids.length === 0) break;
        await docker(['rmi', '-f', ...ids]);
    }
    await docker(['builder', 'prune', '-af']);
    const left = await others();
    const df = (await docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}'])).output;
    const records = /^Build Cache (\d+)$/m.exec(df);
    if (left.length > 0 || (records && records[1] !== '0')) {
        throw new Error(`the engine is not fresh after the reset: ${left.length} images besides the bases, ${records ? records[1] : '?'} build cache records`);
    }
}

/** Stage names (lower-cased, BuildKit prints them so) in file order, from the FROM lines. */
function stageNames(dockerfileText) {
    const names = [];
    for (const line of dockerfileText.split('\n')) {
        const m = /^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
        if (m) names.push((m[1] || `stage-${names.length}`).toLowerCase());
    }
    return names;
}

/** Classic builder output -> { stageName: { steps, cached } } (every stage it built). */
function classicStages(output, names) {
    const res = {};
    let stage = -1;
    let last = null;
    for (const line of output.split('\n')) {
        const m = /^Step \d+\/\d+ : (\S+)/.exec(line);
        if (m) {
            if (m[1].toUpperCase() === 'FROM') { stage++; last = null; const n = names[stage] || `stage-${stage}`; res[n] = res[n] || { steps: 0, cached: 0 }; continue; }
            if (stage < 0) continue; // global ARG
            const n = names[stage] || `stage-${stage}`;
            res[n].steps++;
            last = res[n];
            continue;
        }
        if (/^ ---> Using cache\s*$/.test(line) && last) { last.cached++; last = null; }
    }
    return res;
}

/** BuildKit `--progress=plain` output -> { stageName: { steps, cached } }. */
function buildkitStages(output) {
    // Read as server/src/plan/output.ts reads it: a step that only downloaded its layers from a
    // remote cache (no `CACHED` line, no timestamped command output) did not run.
    const vertex = new Map();
    const cached = new Set();
    const loaded = new Set();
    const ran = new Set();
    for (const line of output.split('\n')) {
        const v = /^#(\d+) \[([^\]\s]+) \d+\/\d+\] (.*)$/.exec(line);
        if (v) { if (!vertex.has(v[1])) vertex.set(v[1], { stage: v[2].toLowerCase(), text: v[3] }); continue; }
        const c = /^#(\d+) CACHED/.exec(line);
        if (c) { cached.add(c[1]); continue; }
        const b = /^#(\d+) (?:sha256:[0-9a-f]{64} [0-9.]+[kMG]?B \/ |extracting sha256:[0-9a-f]{64})/.exec(line);
        if (b) { loaded.add(b[1]); continue; }
        const o = /^#(\d+) \d+\.\d+ /.exec(line);
        if (o) ran.add(o[1]);
    }
    for (const id of loaded) if (!ran.has(id)) cached.add(id);
    const res = {};
    for (const [id, info] of vertex) {
        if (/^FROM\s/i.test(info.text)) continue;
        const s = (res[info.stage] = res[info.stage] || { steps: 0, cached: 0 });
        s.steps++;
        if (cached.has(id)) s.cached++;
    }
    return res;
}

/** Seconds BuildKit spent exporting cache to a registry (its `exporting cache to registry` step), or NaN. */
function cacheExportSeconds(output) {
    const m = /^#(\d+) exporting cache to registry\s*$/m.exec(output);
    if (!m) return NaN;
    const done = new RegExp(`^#${m[1]} (?:DONE|ERROR:?) ?([0-9.]+)?s?`, 'm').exec(output);
    return done && done[1] ? Number(done[1]) : NaN;
}

function hitState(s) {
    if (!s) return '-';
    if (s.steps === 0 || s.cached === s.steps) return 'hit';
    return s.cached === 0 ? 'miss' : `${s.cached}/${s.steps}`;
}

function median(xs) {
    const s = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function copyDir(src, dst) {
    fs.cpSync(src, dst, { recursive: true });
}

module.exports = { cacheExportSeconds, useEngine, dockerBin, run, docker, dockerSync, freePort, sleep, startRegistry, firstLayer, freshEngine, stageNames, classicStages, buildkitStages, hitState, median, copyDir };
