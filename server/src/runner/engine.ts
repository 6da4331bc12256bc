/**
 * What the Docker engine can do: reachable or not, versions, BuildKit and buildx usable or not,
 * buildx's driver, the containerd image store. The I/O half; `chooseBackend` (pure) decides
 * from these facts.
 *
 * `docker info` (the daemon's version and storage driver, the client's version and plugins); the
 * rest only when it matters (`probeEngine`).
 */
import type { EngineFacts } from '../plan/backend';
import { type Docker, runDocker } from './process';

export type { EngineFacts };

export type EngineProbe = { ok: true; facts: EngineFacts } | { ok: false; message: string };

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
 * Reaches the daemon once (`docker info`). Asks the client for its version only when `docker info`
 * does not say (clients before 23), and buildx for its builder's driver only when the answer
 * changes the choice (no containerd store: only a non-`docker` driver exports cache then). A
 * modern engine is one client call.
 */
export async function probeEngine(docker: Docker): Promise<EngineProbe> {
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
