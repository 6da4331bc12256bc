/**
 * Running docker: argument arrays only (never a shell), output streamed and captured,
 * stopped cleanly on abort (SIGINT to the child, then SIGTERM, then SIGKILL).
 */
import { spawn } from 'child_process';

export interface Docker {
    /** The docker client binary: env STAGECRAFT_DOCKER, else `docker` on PATH. */
    bin: string;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

export function dockerFrom(env: NodeJS.ProcessEnv, cwd: string): Docker {
    return { bin: env.STAGECRAFT_DOCKER?.trim() || 'docker', env, cwd };
}

export interface RunResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** stdout and stderr interleaved as they came (capped at `maxCapture`). */
    output: string;
    /** The process could not be started (ENOENT, EACCES). */
    spawnError: NodeJS.ErrnoException | null;
    aborted: boolean;
}

export interface RunOptions {
    env?: Record<string, string>;
    /** Called with each chunk of output, as it comes. */
    onOutput?: (chunk: string) => void;
    signal?: AbortSignal;
    stdin?: string;
    maxCapture?: number;
    /** Kill after this many ms (probes); none by default. */
    timeoutMs?: number;
}

export function runDocker(docker: Docker, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runProcess(docker.bin, argv, docker.cwd, { ...docker.env, ...(opts.env ?? {}) }, opts);
}

export function runProcess(bin: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<RunResult> {
    const max = opts.maxCapture ?? 32 * 1024 * 1024;
    return new Promise((resolve) => {
        let output = '';
        let aborted = false;
        let settled = false;
        const timers: NodeJS.Timeout[] = [];
        const child = spawn(bin, argv, { cwd, env, stdio: [opts.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'], shell: false });
        const onData = (b: Buffer) => {
            const s = b.toString('utf8');
            if (output.length < max) { output += s; }
            opts.onOutput?.(s);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        if (opts.stdin !== undefined) { child.stdin?.end(opts.stdin); }
        const stop = () => {
            if (settled) { return; }
            aborted = true;
            child.kill('SIGINT');
            timers.push(setTimeout(() => { if (!settled) { child.kill('SIGTERM'); } }, 5000));
            timers.push(setTimeout(() => { if (!settled) { child.kill('SIGKILL'); } }, 10000));
        };
        if (opts.signal) {
            if (opts.signal.aborted) { stop(); } else { opts.signal.addEventListener('abort', stop, { once: true }); }
        }
        if (opts.timeoutMs !== undefined) {
            timers.push(setTimeout(() => { if (!settled) { child.kill('SIGKILL'); } }, opts.timeoutMs));
        }
        const finish = (r: Omit<RunResult, 'output' | 'aborted'>) => {
            if (settled) { return; }
            settled = true;
            timers.forEach(clearTimeout);
            opts.signal?.removeEventListener('abort', stop);
            resolve({ ...r, output, aborted });
        };
        child.on('error', (e: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: e }));
        child.on('close', (code, signal) => finish({ code, signal, spawnError: null }));
    });
}
