/**
 * What the Docker engine can do: reachable or not, versions, BuildKit and buildx usable or not.
 * The I/O half; `chooseBackend` (pure) decides from these facts.
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

/** Reaches the daemon once (`docker version`) and asks for buildx only when it matters. */
export async function probeEngine(docker: Docker, wantBuildx: boolean): Promise<EngineProbe> {
    const r = await runDocker(docker, ['version', '--format', '{{json .}}'], { timeoutMs: 30000 });
    if (r.spawnError) {
        return { ok: false, message: r.spawnError.code === 'ENOENT'
            ? `the docker client "${docker.bin}" was not found; install Docker or point STAGECRAFT_DOCKER at the docker binary`
            : `cannot run "${docker.bin}": ${r.spawnError.message}` };
    }
    let client = '';
    let server = '';
    let os = 'linux';
    try {
        const jsonLine = r.output.split('\n').find((l) => l.startsWith('{')) ?? '';
        const v = JSON.parse(jsonLine) as { Client?: { Version?: string }; Server?: { Version?: string; Os?: string } | null };
        client = v.Client?.Version ?? '';
        server = v.Server?.Version ?? '';
        os = v.Server?.Os ?? 'linux';
    } catch { /* no JSON: the daemon is unreachable, the text says why */ }
    if (r.code !== 0 || server === '') {
        const why = r.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('{')).slice(-1)[0] ?? `exit code ${r.code}`;
        const host = docker.env.DOCKER_HOST ? ` at DOCKER_HOST=${docker.env.DOCKER_HOST}` : '';
        return { ok: false, message: `cannot reach the Docker daemon${host}: ${why}. Start Docker (dockerd) or fix DOCKER_HOST, then run again` };
    }
    let buildx = false;
    if (wantBuildx || major(client) >= 23) {
        const b = await runDocker(docker, ['buildx', 'version'], { timeoutMs: 30000 });
        buildx = b.code === 0;
    }
    // Clients before 23 carry BuildKit inside `docker build`; later ones hand it to the buildx plugin.
    const buildkit = os !== 'windows' && versionAtLeast(server, 18, 9) && (major(client) < 23 ? versionAtLeast(client, 18, 9) : buildx);
    return { ok: true, facts: { clientVersion: client, serverVersion: server, buildkit, buildx } };
}

