/**
 * The `stagecraft build` command line that builds one stage with cache, as shown in the hover.
 * Pure: argv in, display text out (no shell is ever run from here). Until the build engineer's
 * planner (`server/src/build/`) exposes its own argv builder, this formats it from the settings
 * with the flags of issue 4's CLI: `-f`, `--target`, `--build-arg`, `--platform`, `--cache-repo`,
 * `--backend`, `--push`, context path.
 */
import * as path from 'path';
import type { StagecraftSettings } from '../common/settings';

export interface BuildCommand {
    /** Arguments after `stagecraft`. */
    argv: string[];
    /** Directory to run it in (the workspace folder holding the file, else the file's folder). */
    cwd: string | null;
    /** One shell-quoted line for display: `stagecraft build -f Dockerfile --target app .` */
    display: string;
}

/** `file:///a/b%20c/Dockerfile` → `/a/b c/Dockerfile`; null for other schemes. */
export function uriToPath(uri: string): string | null {
    try {
        const u = new URL(uri);
        if (u.protocol !== 'file:') return null;
        let p = decodeURIComponent(u.pathname);
        if (/^\/[A-Za-z]:/.test(p)) p = p.slice(1); // Windows drive
        return p;
    } catch {
        return null;
    }
}

/** Quotes an argument for a POSIX shell only when needed. */
export function shellQuote(arg: string): string {
    if (arg !== '' && /^[A-Za-z0-9_\-.,/:=@%+]+$/.test(arg)) return arg;
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line, in the order of the client's task (`client/src/buildTask.ts` buildCliArgs):
 * `build -f F --target T [--cache-repo R] [--backend B] [--push] [--build-arg K=V]... [--platform P] CONTEXT`.
 * Paths are relative to the workspace folder holding the file (else to the file's folder); the
 * context is `stagecraft.build.context` or the Dockerfile's folder, like the client's task.
 * `--platform` is shown only when it is not the default `linux/amd64`.
 *
 * @param documentUri the Dockerfile
 * @param workspaceFolders folder URIs from `initialize` (the first one holding the file wins)
 * @param target the stage name, or its index for an unnamed stage
 */
export function buildCommandFor(
    documentUri: string,
    workspaceFolders: readonly string[],
    target: string,
    settings: StagecraftSettings,
): BuildCommand {
    const P = path.posix;
    const file = uriToPath(documentUri);
    let cwd: string | null = null;
    let fileArg = file ?? documentUri;
    let contextArg = '.';
    if (file !== null) {
        const folder = workspaceFolders
            .map(uriToPath)
            .filter((f): f is string => f !== null)
            .map((f) => (f.length > 1 ? f.replace(/\/+$/, '') : f))
            .find((f) => file.startsWith(f === '/' ? f : f + '/'));
        cwd = folder ?? P.dirname(file);
        const setting = settings.build.context;
        const contextAbs = !setting ? P.dirname(file) : P.isAbsolute(setting) ? P.normalize(setting) : P.resolve(cwd, setting);
        fileArg = P.relative(cwd, file);
        contextArg = P.relative(cwd, contextAbs) || '.';
    }
    const argv = ['build', '-f', fileArg, '--target', target];
    if (settings.build.cacheRepo) argv.push('--cache-repo', settings.build.cacheRepo);
    if (settings.build.backend !== 'auto') argv.push('--backend', settings.build.backend);
    if (settings.build.push) argv.push('--push');
    for (const [k, v] of Object.entries(settings.buildArgs)) {
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) argv.push('--build-arg', `${k}=${v}`);
    }
    if (settings.platform && settings.platform !== 'linux/amd64') argv.push('--platform', settings.platform);
    argv.push(contextArg);
    return { argv, cwd, display: ['stagecraft', ...argv].map(shellQuote).join(' ') };
}
