/**
 * The `stagecraft build` command line that builds one stage with cache, as shown in the hover.
 * Pure: settings in, argv and display text out (no shell is ever run from here). The argv is
 * `common/buildCli.ts`'s, the same the client's task runs; here the paths are made relative to the
 * workspace folder, for reading.
 */
import { dirname, relative } from 'pathe';
import type { StagecraftSettings } from '../common/settings';
import { buildCliArgs, resolveContextDir } from '../common/buildCli';
import { DEFAULT_PLATFORM } from '../analysis/analyze';

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
 * The command line the client's task runs (one builder for both: `common/buildCli.ts`):
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
        cwd = folder ?? dirname(file);
        fileArg = relative(cwd, file);
        contextArg = relative(cwd, resolveContextDir(file, settings.build.context, folder ?? null)) || '.';
    }
    const argv = buildCliArgs({
        dockerfile: fileArg, stageName: target, stageIndex: 0, contextDir: contextArg,
        cacheRepo: settings.build.cacheRepo, backend: settings.build.backend, push: settings.build.push,
        buildArgs: settings.buildArgs,
        // The default platform is left out: passing it would force emulation on other machines.
        platform: settings.platform && settings.platform !== DEFAULT_PLATFORM ? settings.platform : null,
    });
    return { argv, cwd, display: ['stagecraft', ...argv].map(shellQuote).join(' ') };
}
