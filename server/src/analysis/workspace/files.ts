/**
 * Which workspace files define builds, by name: the one home of that knowledge (the server scans
 * and watches with it). Pure.
 */
import type { BuildFileKind } from './model';

const COMPOSE = /^(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml$/i;
const BAKE_HCL = /^docker-bake(?:\.[\w.-]+)?\.hcl$/i;
const BAKE_JSON = /^docker-bake(?:\.[\w.-]+)?\.json$/i;
const GITLAB = /^(?:[\w.-]+\.)?\.?gitlab-ci\.ya?ml$/i;
const MAKE = /^(?:GNUmakefile|[Mm]akefile|[\w.-]+\.mk)$/;
const DOCKERFILE = /^(?:Dockerfile|Containerfile)(?:\..+)?$|\.(?:Dockerfile|dockerfile|Containerfile)$/;

/** The kind of build file a path is (its syntax follows), or null. */
export function buildFileKind(path: string): { kind: BuildFileKind; syntax: 'yaml' | 'hcl' | 'json' | 'make' } | null {
    const parts = path.split('/');
    const base = parts[parts.length - 1] ?? '';
    if (COMPOSE.test(base)) return { kind: 'compose', syntax: 'yaml' };
    if (BAKE_HCL.test(base)) return { kind: 'bake', syntax: 'hcl' };
    if (BAKE_JSON.test(base)) return { kind: 'bake', syntax: 'json' };
    if (/\.ya?ml$/i.test(base) && parts.length >= 3 && parts[parts.length - 2] === 'workflows' && parts[parts.length - 3] === '.github') {
        return { kind: 'github', syntax: 'yaml' };
    }
    if (GITLAB.test(base)) return { kind: 'gitlab', syntax: 'yaml' };
    if (MAKE.test(base)) return { kind: 'make', syntax: 'make' };
    return null;
}

/** Whether a path looks like a Dockerfile by its name (`Dockerfile`, `Dockerfile.dev`, `api.Dockerfile`, `Containerfile`). */
export function isDockerfileName(path: string): boolean {
    return DOCKERFILE.test(path.slice(path.lastIndexOf('/') + 1));
}

/** Glob patterns of the files above, for `workspace/didChangeWatchedFiles` and the editor's document selector. */
export const BUILD_FILE_GLOBS: readonly string[] = [
    '**/{compose,docker-compose}*.{yml,yaml}',
    '**/docker-bake*.{hcl,json}',
    '**/.github/workflows/*.{yml,yaml}',
    '**/*gitlab-ci.{yml,yaml}',
    '**/{Makefile,makefile,GNUmakefile,*.mk}',
];

export const DOCKERFILE_GLOBS: readonly string[] = ['**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}'];

/** Folders a workspace scan never enters: dependencies, VCS data, build output. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
    'node_modules', '.git', '.hg', '.svn', 'vendor', '.venv', 'venv', '__pycache__', '.stagecraft', '.vscode-test', 'dist', 'out', 'target', '.next', '.cache',
]);
