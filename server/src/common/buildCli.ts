/**
 * The `stagecraft build` command line for one stage: the one place that writes it. The client
 * runs it as a task; the hover shows it. Pure, no `vscode` import.
 *
 *   stagecraft build -f <file> --target <stage> [--cache-repo R] [--backend B] [--push]
 *                    [--build-arg K=V]... [--platform P] [--report FILE] <context dir>
 *
 * Always an argument array, never a shell string: stage names, build args and paths come from the
 * Dockerfile and the settings and are never interpreted by a shell.
 */
import { dirname, isAbsolute, normalize, resolve } from 'pathe';
import type { BuildBackend } from './settings';

/** What to build, with the build settings already read. */
export interface BuildRequest {
    /** Absolute path of the Dockerfile. */
    dockerfile: string;
    /** The stage: its name, or its index when it has none. */
    stageName: string | null;
    stageIndex: number;
    /** Absolute path of the build context. */
    contextDir: string;
    cacheRepo?: string | null;
    backend?: BuildBackend | null;
    push?: boolean;
    buildArgs?: Record<string, string> | null;
    /** Only when the user chose one; absent means "the engine's own platform". */
    platform?: string | null;
    /** Where the CLI writes its build report (common/report.ts); the editor reads it when the task ends. */
    report?: string | null;
}

/** The stage as `--target` takes it: the name when there is one, else the index. */
export function targetOf(stageName: string | null, stageIndex: number): string {
    const name = stageName?.trim();
    return name ? name : String(stageIndex);
}

/** The arguments after the CLI script: `build -f ... <context>`. */
export function buildCliArgs(req: BuildRequest): string[] {
    const args = ['build', '-f', req.dockerfile, '--target', targetOf(req.stageName, req.stageIndex)];
    const cacheRepo = req.cacheRepo?.trim();
    if (cacheRepo) args.push('--cache-repo', cacheRepo);
    if (req.backend && req.backend !== 'auto') args.push('--backend', req.backend);
    if (req.push) args.push('--push');
    for (const [key, value] of Object.entries(req.buildArgs ?? {})) {
        if (!isBuildArgName(key)) continue;
        args.push('--build-arg', `${key}=${value == null ? '' : String(value)}`);
    }
    const platform = req.platform?.trim();
    if (platform) args.push('--platform', platform);
    if (req.report) args.push('--report', req.report);
    args.push(req.contextDir);
    return args;
}

/** An ARG name as Dockerfiles allow it; anything else in the settings is ignored, not passed on. */
export function isBuildArgName(name: string): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The build context: the `stagecraft.build.context` setting (absolute, or relative to the
 * workspace folder, or to the Dockerfile's folder when there is no workspace folder), else the
 * Dockerfile's folder.
 *
 * Paths go through `pathe` (node's path semantics without node, so this module also runs in a
 * browser-hosted server): POSIX and Windows paths (`C:\\work\\Dockerfile`) are both understood, and
 * the result has forward slashes; the client, which hands it to a process, makes it native.
 */
export function resolveContextDir(dockerfile: string, contextSetting: string | null | undefined, workspaceFolder: string | null): string {
    const setting = contextSetting?.trim();
    const dockerfileDir = dirname(dockerfile);
    if (!setting) return dockerfileDir;
    if (isAbsolute(setting)) return normalize(setting);
    return resolve(workspaceFolder ?? dockerfileDir, setting);
}

