/**
 * Private Docker engines for the engine suites: each suite starts its own dockerd instances
 * (scripts/engine.sh: own data root, socket and bridge) of the engines users run, and resets them
 * to "a fresh CI machine" between jobs. Everything on a private engine is the suite's own, so a
 * reset can empty it completely (every image but the base, the whole build cache) without
 * touching a developer's engine, images or build cache. The instances are stopped and their data
 * deleted when the test process exits.
 *
 * Kinds (the engine is named in every test title):
 * - `docker26`: Docker 26.1 + buildx 0.13 with the containerd image store (what new installs get);
 * - `docker26-overlay2`: the same engine with the classic image store (upgraded installs);
 * - `docker20`: Debian bookworm's Docker 20.10 (classic builder, built-in BuildKit 0.8, no buildx).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_IMAGE, REPO_ROOT, commandExists, type Run } from './docker';

export type EngineKind = 'docker26' | 'docker26-overlay2' | 'docker20';

export const ENGINE_TITLES: Record<EngineKind, string> = {
    docker26: 'Docker 26.1 + buildx, containerd store',
    'docker26-overlay2': 'Docker 26.1 + buildx, overlay2 store',
    docker20: 'Docker 20.10',
};

/** `[Docker 26.1 + buildx, containerd store]`, for test titles (starts nothing). */
export function engineTitle(kind: EngineKind): string {
    return `[${ENGINE_TITLES[kind]}]`;
}

export interface Engine {
    kind: EngineKind;
    /** For test titles: `[Docker 26.1 + buildx, containerd store]`. */
    title: string;
    /** `unix:///run/stagecraft-engines/<name>/docker.sock` */
    host: string;
    /** The docker client of this engine's version. */
    bin: string;
    /** The environment for the CLI and docker: DOCKER_HOST, STAGECRAFT_DOCKER, plus `extra`. */
    env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
    docker(args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string }): Run;
    /** A fresh CI machine: every image but the base images removed, the build cache emptied; then checked. */
    fresh(): void;
}

const ENGINE_SH = path.join(REPO_ROOT, 'scripts', 'engine.sh');
const started = new Map<EngineKind, Engine>();
const names: string[] = [];

function stopAll(): void {
    for (const n of names.splice(0)) { spawnSync('bash', [ENGINE_SH, 'stop', n, '--purge'], { stdio: 'ignore' }); }
}
process.once('exit', stopAll);
// A test process ended by a signal (Ctrl-C, the runner's timeout) stops its engines too.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { stopAll(); process.exit(sig === 'SIGINT' ? 130 : 143); });
}

/** Engines of test processes that are gone (killed before they could stop them): stopped and deleted. */
function sweepOrphans(): void {
    let dirs: string[] = [];
    try { dirs = fs.readdirSync('/run/stagecraft-engines'); } catch { return; }
    for (const d of dirs) {
        const m = /^t(\d+)-/.exec(d);
        if (!m || Number(m[1]) === process.pid) { continue; }
        let alive = true;
        try { process.kill(Number(m[1]), 0); } catch { alive = false; }
        if (!alive) { spawnSync('bash', [ENGINE_SH, 'stop', d, '--purge'], { stdio: 'ignore' }); }
    }
}
let swept = false;

function startArgs(kind: EngineKind): string[] {
    switch (kind) {
        case 'docker26': return ['--version', '26', '--store', 'containerd'];
        case 'docker26-overlay2': return ['--version', '26', '--store', 'overlay2'];
        case 'docker20': return ['--version', '20.10'];
    }
}

const skipReasons = new Map<EngineKind, string | false>();

/**
 * False when a private engine of this kind runs here (started now if needed), else the reason the
 * suite skips; with STAGECRAFT_REQUIRE_DOCKER=1 (CI) a missing engine is a thrown error instead.
 */
export function engineSkip(kind: EngineKind): string | false {
    const known = skipReasons.get(kind);
    if (known !== undefined) { return known; }
    let reason: string | false = false;
    if (process.getuid?.() !== 0) { reason = 'private Docker engines need root (scripts/engine.sh starts dockerd)'; } else if (!commandExists('apt-get') && !commandExists('dockerd')) {
        reason = 'no dockerd and no apt-get to install one';
    } else {
        try { useEngine(kind); } catch (e) { reason = (e as Error).message; }
    }
    if (reason !== false && process.env.STAGECRAFT_REQUIRE_DOCKER === '1') {
        throw new Error(`STAGECRAFT_REQUIRE_DOCKER=1 but ${ENGINE_TITLES[kind]} is not usable: ${reason}`);
    }
    if (reason !== false) { console.log(`# skipping ${ENGINE_TITLES[kind]} suites: ${reason}`); }
    skipReasons.set(kind, reason);
    return reason;
}

/** The private engine of `kind` for this test process (started on first use, with the busybox base image). */
export function useEngine(kind: EngineKind): Engine {
    const have = started.get(kind);
    if (have) { return have; }
    const engine = startEngine(kind, '');
    started.set(kind, engine);
    return engine;
}

/** One more private engine of `kind` (`tag` names it), e.g. one a test may kill or starve: `root` is its data root. */
export function extraEngine(kind: EngineKind, tag: string, opts: { root?: string } = {}): Engine & { name: string; restart(): void; kill(): void } {
    const e = startEngine(kind, tag, opts);
    const engine = {
        ...e,
        kill() { spawnSync('bash', ['-c', 'kill -9 "$(cat "$1")"', 'sh', path.join('/run/stagecraft-engines', e.name, 'dockerd.pid')]); },
        restart() { const again = startEngine(kind, tag, opts); if (again.host !== e.host) { throw new Error('restarted elsewhere'); } },
    };
    extras.add(e);
    extras.add(engine);
    return engine;
}
const extras = new Set<Engine>();

function startEngine(kind: EngineKind, tag: string, opts: { root?: string } = {}): Engine & { name: string } {
    if (!swept) { swept = true; sweepOrphans(); }
    const name = `t${process.pid}-${kind}${tag ? `-${tag}` : ''}`.slice(0, 31);
    if (!names.includes(name)) { names.push(name); }
    const r = spawnSync('bash', [ENGINE_SH, 'start', name, ...startArgs(kind), ...(opts.root ? ['--root', opts.root] : []), '--base', 'busybox'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const host = /^DOCKER_HOST=(\S+)$/m.exec(r.stdout ?? '')?.[1];
    const bin = /^DOCKER=(\S+)$/m.exec(r.stdout ?? '')?.[1];
    if (r.status !== 0 || !host || !bin) {
        throw new Error(`scripts/engine.sh start ${name} failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`);
    }
    const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_HOST: host, STAGECRAFT_DOCKER: bin, ...extra });
    const docker = (args: string[], o: { env?: NodeJS.ProcessEnv; input?: string } = {}): Run => {
        const p = spawnSync(bin, args, { encoding: 'utf8', env: o.env ? { ...o.env, DOCKER_HOST: host } : env(), input: o.input, maxBuffer: 64 * 1024 * 1024 });
        return { code: p.status ?? -1, out: `${p.stdout ?? ''}${p.stderr ?? ''}${p.error ? p.error.message : ''}` };
    };
    const engine: Engine & { name: string } = {
        kind, name, title: engineTitle(kind), host, bin, env, docker,
        fresh() { freshEngine(engine); },
    };
    return engine;
}

/**
 * Empties a private engine but for its base images, and checks that it is empty: the only cache a
 * job then has is what it pulls. Only ever called on the suite's own engines.
 */
export function freshEngine(e: Engine, keep: readonly string[] = [BASE_IMAGE]): void {
    if ((started.get(e.kind) !== e && !extras.has(e)) || !e.host.includes(`/stagecraft-engines/t${process.pid}-`)) {
        throw new Error(`freshEngine empties only this test process's own private engines, not ${e.host}`);
    }
    const keepIds = new Set(keep.map((k) => e.docker(['image', 'inspect', '--format', '{{.Id}}', k]).out.trim()));
    for (let round = 0; round < 5; round++) {
        const ids = [...new Set(e.docker(['images', '-aq', '--no-trunc']).out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('sha256:')))];
        const gone = ids.filter((id) => !keepIds.has(id));
        if (gone.length === 0) { break; }
        e.docker(['rmi', '-f', ...gone]);
    }
    e.docker(['builder', 'prune', '-af']);
    // The starting state, checked: no image but the bases, no build cache.
    const left = e.docker(['images', '-aq', '--no-trunc']).out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('sha256:') && !keepIds.has(l));
    const cache = e.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']).out;
    const records = /^Build Cache (\d+)$/m.exec(cache)?.[1];
    if (left.length > 0 || (records !== undefined && records !== '0')) {
        throw new Error(`${e.title} is not fresh after the reset: ${left.length} images left, ${records} build cache records`);
    }
}
