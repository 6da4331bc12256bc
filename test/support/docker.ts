/**
 * Shared helpers for tests that need the real Docker engine and a real registry.
 *
 * - `dockerSkip()`: false when docker works; else the reason to skip (printed), or a thrown error
 *   when STAGECRAFT_REQUIRE_DOCKER=1 (CI must not silently skip the engine tests).
 * - `startRegistry()`: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1:<free port>,
 *   storage in a temp dir, optionally with htpasswd auth; stopped by PID only.
 * The engine suites use private engines of their own (test/support/engines.ts), which they may
 * empty; nothing here removes images or build cache.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BASE_IMAGE = 'stagecraft-test/busybox:1';

/** Debian's 20.10 client has the built-in BuildKit; a newer client without buildx does not. */
export function dockerBin(): string {
    if (process.env.STAGECRAFT_DOCKER) { return process.env.STAGECRAFT_DOCKER; }
    return fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
}

export interface Run { code: number; out: string }

export function docker(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Run {
    const r = spawnSync(dockerBin(), args, { encoding: 'utf8', env: opts.env ?? process.env, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

let skipReason: string | false | undefined;

/** False when the engine is usable (and the base image there), else why the tests skip. */
export function dockerSkip(): string | false {
    if (skipReason !== undefined) { return skipReason; }
    let reason: string | false = false;
    const info = docker(['info', '--format', '{{.ServerVersion}}']);
    if (info.code !== 0) {
        reason = `docker is not usable here (${info.out.trim().split('\n').pop() ?? 'no output'}); run scripts/docker-up.sh`;
    } else if (docker(['image', 'inspect', BASE_IMAGE]).code !== 0) {
        const up = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'docker-up.sh')], { encoding: 'utf8' });
        if (up.status !== 0 || docker(['image', 'inspect', BASE_IMAGE]).code !== 0) {
            reason = `the base image ${BASE_IMAGE} is missing and scripts/docker-up.sh could not make it`;
        }
    } else if (!commandExists('docker-registry')) {
        reason = 'docker-registry is not installed (apt-get install docker-registry, or scripts/docker-up.sh)';
    }
    if (reason !== false && process.env.STAGECRAFT_REQUIRE_DOCKER === '1') {
        throw new Error(`STAGECRAFT_REQUIRE_DOCKER=1 but ${reason}`);
    }
    if (reason !== false) { console.log(`# skipping engine tests: ${reason}`); }
    skipReason = reason;
    return reason;
}

export function commandExists(cmd: string): boolean {
    return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' }).status === 0;
}

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

/** Poll `check` every `everyMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20000, everyMs = 100): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
        if (await check()) { return; }
        if (Date.now() > until) { throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`); }
        await new Promise((r) => setTimeout(r, everyMs));
    }
}

export interface Registry {
    /** `127.0.0.1:<port>` */
    host: string;
    dir: string;
    start(): Promise<void>;
    stop(): Promise<void>;
}

/** A bcrypt htpasswd line (bcryptjs: no apache2-utils needed). */
export function htpasswdLine(user: string, password: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bcrypt = require('bcryptjs') as { hashSync(s: string, rounds: number): string };
    return `${user}:${bcrypt.hashSync(password, 6)}\n`;
}

export async function startRegistry(opts: { auth?: { user: string; password: string } } = {}): Promise<Registry> {
    const dir = tempDir('stagecraft-registry-');
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    let auth = '';
    if (opts.auth) {
        fs.writeFileSync(path.join(dir, 'htpasswd'), htpasswdLine(opts.auth.user, opts.auth.password));
        auth = `auth:\n  htpasswd:\n    realm: stagecraft-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
    }
    fs.writeFileSync(path.join(dir, 'config.yml'), [
        'version: 0.1',
        'log:', '  level: warn', '  accesslog:', '    disabled: true',
        'storage:', `  filesystem:`, `    rootdirectory: ${path.join(dir, 'data')}`, '  delete:', '    enabled: true',
        'http:', `  addr: ${host}`,
        auth,
    ].join('\n'));
    let child: ChildProcess | null = null;
    const up = async () => {
        try {
            const r = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
            return r.status === 200 || r.status === 401;
        } catch { return false; }
    };
    const reg: Registry = {
        host, dir,
        async start() {
            if (child) { return; }
            const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
            child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
            fs.closeSync(log);
            const c = child;
            let exited = false;
            c.once('exit', () => { exited = true; });
            await waitFor(`registry on ${host}`, async () => {
                if (exited) { throw new Error(`docker-registry exited: ${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8').slice(-500)}`); }
                return up();
            });
        },
        async stop() {
            const c = child;
            child = null;
            if (!c || c.exitCode !== null) { return; }
            const gone = new Promise<void>((r) => c.once('exit', () => r()));
            c.kill('SIGTERM');
            await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
            if (c.exitCode === null) { c.kill('SIGKILL'); await gone; }
            await waitFor(`registry on ${host} to stop`, async () => !(await up()));
        },
    };
    await reg.start();
    return reg;
}

/** Make a directory tree from `{ relative path: content }`. */
export function writeTree(dir: string, files: Record<string, string>): void {
    for (const [rel, content] of Object.entries(files)) {
        const p = path.join(dir, rel);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, content);
    }
}

const made: string[] = [];
process.once('exit', () => { for (const d of made) { try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ } } });

/** A temp dir, removed when the test process exits. */
export function tempDir(prefix: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(d);
    return d;
}

/** Whether the (unauthenticated) registry at `host` has `repo:tag`. */
export async function registryHas(host: string, repo: string, tag: string): Promise<boolean> {
    const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
        method: 'HEAD', signal: AbortSignal.timeout(5000),
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    return r.status === 200;
}
