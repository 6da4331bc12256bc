/**
 * What the Docker engine can do: reachable or not, versions, BuildKit and buildx usable or not,
 * buildx's driver, the containerd image store. The I/O half; `chooseBackend` (pure) decides
 * from these facts.
 *
 * `docker info` (the daemon's version and storage driver, the client's version and plugins); the
 * rest only when it matters (`probeEngine`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EngineFacts } from '../plan/backend';
import { buildxPluginInstalled, daemonGet, localSocket } from './daemon';
import { type Docker, runDocker } from './process';

export type { EngineFacts };

/**
 * `clientVersion`: when the facts were had without the client's own version (which decides
 * nothing once buildx is there), how to ask for it, for the report (a `docker --version` costs a
 * process start: 30 ms on the path of every job when it ran beside the probe).
 */
export type EngineProbe = { ok: true; facts: EngineFacts; clientVersion?: () => Promise<string> } | { ok: false; message: string };

function major(v: string): number {
    const m = /^(\d+)\./.exec(v);
    return m ? Number(m[1]) : 0;
}

function versionAtLeast(v: string, maj: number, min: number): boolean {
    const m = /^(\d+)\.(\d+)/.exec(v);
    if (!m) { return false; }
    return Number(m[1]) > maj || (Number(m[1]) === maj && Number(m[2]) >= min);
}

interface DockerInfo {
    ServerVersion?: string;
    OSType?: string;
    Driver?: string;
    DriverStatus?: [string, string][] | null;
    ClientInfo?: { Version?: string; Plugins?: { Name?: string; Version?: string }[] | null } | null;
    ServerErrors?: string[] | null;
}

/** Facts from `docker info --format '{{json .}}'` (pure, for tests). Null when the daemon did not answer. */
export function factsFromInfo(info: DockerInfo, clientVersionFallback = ''): Omit<EngineFacts, 'buildxDriver'> | null {
    const server = info.ServerVersion ?? '';
    if (server === '') { return null; }
    const client = info.ClientInfo?.Version ?? clientVersionFallback;
    const buildx = (info.ClientInfo?.Plugins ?? []).some((p) => p.Name === 'buildx');
    const containerdStore = (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && /containerd\.snapshotter/.test(v));
    // Clients before 23 carry BuildKit inside `docker build`; later ones hand it to the buildx plugin.
    const buildkit = info.OSType !== 'windows' && versionAtLeast(server, 18, 9) && (client !== '' && major(client) < 23 ? versionAtLeast(client, 18, 9) : buildx);
    return { clientVersion: client, serverVersion: server, buildkit, buildx, containerdStore };
}

/**
 * The fast way, for a daemon on a local unix socket with the buildx plugin installed (the common
 * case today): the daemon's `/info` over the socket; the client's version only when asked for.
 * Null when it does not apply or does not answer; the client is asked then.
 */
async function probeBySocket(docker: Docker): Promise<EngineProbe | null> {
    const socket = localSocket(docker.env);
    if (socket === null || !buildxPluginInstalled(docker.env) || !onPath(docker.bin, docker.env)) { return null; }
    // With buildx, the client's version decides nothing (BuildKit is there either way).
    const client = () => runDocker(docker, ['--version'], { timeoutMs: 30000 }).then((v) => /version ([^\s,]+)/i.exec(v.output)?.[1] ?? '');
    const info = await daemonGet<DockerInfo>(socket, '/info');
    if (info === null) { return null; }
    const known = factsFromInfo({ ...info, ClientInfo: { Version: '', Plugins: [{ Name: 'buildx' }] } });
    if (known === null) { return null; }
    const facts = { ...known, clientVersion: 'unknown' };
    if (!facts.containerdStore && major(facts.serverVersion) >= 23) { return null; } // the driver decides: ask buildx (below)
    return { ok: true, facts: { ...facts, buildxDriver: 'docker' }, clientVersion: client };
}

/** The client binary exists and can run (a name is looked up on PATH, as spawn does). */
function onPath(bin: string, env: NodeJS.ProcessEnv): boolean {
    const can = (p: string) => { try { fs.accessSync(p, fs.constants.X_OK); return fs.statSync(p).isFile(); } catch { return false; } };
    if (bin.includes('/')) { return can(bin); }
    return (env.PATH ?? '').split(':').some((d) => d !== '' && can(path.join(d, bin)));
}

/**
 * Reaches the daemon once: over its socket when it can (`probeBySocket`), else `docker info`.
 * Asks the client for its version only when `docker info` does not say (clients before 23), and
 * buildx for its builder's driver only when the answer changes the choice (no containerd store:
 * only a non-`docker` driver exports cache then).
 */
export async function probeEngine(docker: Docker): Promise<EngineProbe> {
    const fast = await probeBySocket(docker);
    if (fast !== null) { return fast; }
    const r = await runDocker(docker, ['info', '--format', '{{json .}}'], { timeoutMs: 30000 });
    if (r.spawnError) {
        return { ok: false, message: r.spawnError.code === 'ENOENT'
            ? `the docker client "${docker.bin}" was not found; install Docker or point STAGECRAFT_DOCKER at the docker binary`
            : `cannot run "${docker.bin}": ${r.spawnError.message}` };
    }
    let info: DockerInfo = {};
    try {
        const jsonLine = r.output.split('\n').find((l) => l.startsWith('{')) ?? '';
        info = JSON.parse(jsonLine) as DockerInfo;
    } catch { /* no JSON: the daemon is unreachable, the text says why */ }
    let client = info.ClientInfo?.Version ?? '';
    if (client === '' && info.ServerVersion) {
        const v = await runDocker(docker, ['version', '--format', '{{.Client.Version}}'], { timeoutMs: 30000 });
        client = v.output.trim().split('\n')[0] ?? '';
    }
    const facts = factsFromInfo(info, client);
    if (facts === null) {
        const errors = (info.ServerErrors ?? []).join('; ');
        const why = errors || (r.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('{')).slice(-1)[0] ?? `exit code ${r.code}`);
        const host = docker.env.DOCKER_HOST ? ` at DOCKER_HOST=${docker.env.DOCKER_HOST}` : '';
        return { ok: false, message: `cannot reach the Docker daemon${host}: ${why}. Start Docker (dockerd) or fix DOCKER_HOST, then run again` };
    }
    let driver: string | null = facts.buildx ? 'docker' : null;
    if (facts.buildx && !facts.containerdStore && major(facts.serverVersion) >= 23) {
        const bx = await runDocker(docker, ['buildx', 'inspect'], { timeoutMs: 30000 });
        driver = bx.code === 0 ? (/^Driver:\s*(\S+)/m.exec(bx.output)?.[1] ?? null) : null;
    }
    return { ok: true, facts: { ...facts, buildxDriver: driver } };
}
