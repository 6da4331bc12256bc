/**
 * The pure part of "Build with cache": settings and facts in, a command line out.
 *
 * No `vscode` import: everything here runs under plain node tests. The caller (buildCommand.ts)
 * reads the settings and the world (which files exist, what is on PATH) and hands them in.
 *
 * The command line is the agreed interface of `stagecraft build`:
 *   stagecraft build -f <file> --target <stage> [--cache-repo R] [--backend B] [--push]
 *                    [--build-arg K=V]... [--platform P] <context dir>
 * It is always an argument array, never a shell string: stage names, build args and paths come
 * from the Dockerfile and the settings and are never interpreted by a shell.
 */
import * as path from 'node:path';
import type { BuildBackend } from '../../server/src/common/settings';

export type Backend = BuildBackend;
export const BACKENDS: readonly Backend[] = ['auto', 'classic', 'buildkit', 'buildx', 'save-load'];

export { type BuildRequest, targetOf, buildCliArgs, isBuildArgName, resolveContextDir } from '../../server/src/common/buildCli';

/** A backend setting value, or null when it is not one we know (the CLI then detects). */
export function parseBackend(value: unknown): Backend | null {
    return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value) ? (value as Backend) : null;
}

/**
 * The CLI script: a user-configured one, else the bundled `dist/cli.js` when the package has it,
 * else `bin/stagecraft.js` (development: it runs the compiled `out/server/src/cli/main.js`, which
 * only exports `main` and does not run by itself).
 */
export function chooseCliScript(extensionPath: string, exists: (file: string) => boolean, configured?: string | null): string {
    const custom = configured?.trim();
    if (custom) return custom;
    const bundled = path.join(extensionPath, 'dist', 'cli.js');
    if (exists(bundled)) return bundled;
    return path.join(extensionPath, 'bin', 'stagecraft.js');
}

/** Where `name` is on a PATH string, or null. */
export function findOnPath(name: string, pathEnv: string | undefined, exists: (file: string) => boolean, platform: NodeJS.Platform = process.platform): string | null {
    if (!pathEnv) return null;
    const sep = platform === 'win32' ? ';' : ':';
    const exts = platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
    for (const dir of pathEnv.split(sep)) {
        if (!dir) continue;
        for (const ext of exts) {
            const candidate = (platform === 'win32' ? path.win32 : path.posix).join(dir, name + ext);
            if (exists(candidate)) return candidate;
        }
    }
    return null;
}

export interface NodeRuntime {
    command: string;
    /** Extra environment for the process. */
    env: Record<string, string>;
}

/**
 * How to run a node script from the editor. In the extension host `process.execPath` is the
 * editor's Electron binary on desktop (it runs scripts only with ELECTRON_RUN_AS_NODE=1) and node
 * on code-server; a `node` on PATH is preferred because it behaves the same as in CI.
 */
export function chooseNodeRuntime(nodeOnPath: string | null, execPath: string): NodeRuntime {
    if (nodeOnPath) return { command: nodeOnPath, env: {} };
    return { command: execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** The full process to run: a `.js` CLI runs under node; anything else (an installed binary) directly. */
export function buildProcess(cliScript: string, runtime: NodeRuntime, cliArgs: string[]): { command: string; args: string[]; env: Record<string, string> } {
    if (/\.(c|m)?js$/i.test(cliScript)) {
        return { command: runtime.command, args: [cliScript, ...cliArgs], env: runtime.env };
    }
    return { command: cliScript, args: cliArgs, env: {} };
}

/** The environment for the CLI: a configured docker client goes to it as STAGECRAFT_DOCKER. */
export function withDockerPath(env: Record<string, string>, dockerPath: string | null | undefined): Record<string, string> {
    const docker = dockerPath?.trim();
    return docker ? { ...env, STAGECRAFT_DOCKER: docker } : env;
}

/** The task's label in the terminal tab and the task list. */
export function taskLabel(stageName: string | null, stageIndex: number, dockerfile: string): string {
    const stage = stageName?.trim() ? stageName.trim() : `stage ${stageIndex}`;
    return `build ${stage} (${path.basename(dockerfile)})`;
}
