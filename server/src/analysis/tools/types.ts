/**
 * The shape of a tool table: what Stagecraft knows about one package manager or build tool, in
 * one place. The analysis (heavy steps, test runs, manifests, patterns) and the split quick-fix
 * both read these tables; nothing else knows a tool's commands or files.
 */
import type { HeavyKind } from '../model';
import type { SimpleCommand } from '../shell';

/** The context files a step reads, relative to its working directory. */
export interface FileNeeds {
    /** Without these it fails anyway (`package.json`). */
    required: string[];
    /** Read when present: lock files and config files (`package-lock.json`, `.npmrc`). */
    optional: string[];
}

/** Whether a heavy step can move into a stage of its own, before the sources are copied. */
export type Move =
    | { movable: true; files: FileNeeds; caveat: string | null }
    | { movable: false; reason: string };

/** What one simple command does, as far as the patterns and the split fix care. */
export type Step =
    /** Installs or fetches something heavy (dependencies, OS packages, a toolchain, a download). */
    | { kind: 'heavy'; heavy: HeavyKind; tool: string; command: string; move: Move }
    /** Runs the project's tests. */
    | { kind: 'test'; tool: string; command: string }
    /** Compiles what is in the working directory (`go build`, `make`, `npm run build`). */
    | { kind: 'build'; tool: string; command: string }
    /** Housekeeping that leaves the sources alone (`apt-get update`, `npm config set`, `mkdir`). */
    | { kind: 'harmless' }
    /** Anything else: it may read or change the sources. */
    | { kind: 'other'; reason: string };

export interface ToolTable {
    /** The tool's name, in messages and `HeavyStep.tool`: `npm`, `apt-get`, `go`. */
    name: string;
    /** The command names that run it (first word of a simple command): `apt-get`, `apt`, `aptitude`. */
    commands: readonly string[];
    /** Files that declare its dependencies (globs on the base name). */
    manifests: readonly string[];
    /** Its lock files. */
    lockFiles: readonly string[];
    /** Files that change how it installs (registries, credentials, options): `.npmrc`, `.yarnrc.yml`. */
    configFiles: readonly string[];
    /** What a simple command that starts with one of `commands` does. */
    read(cmd: SimpleCommand): Step;
}
