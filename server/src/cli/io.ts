/** What a CLI command may touch: its streams, working directory and environment. Tests pass their own. */
export interface CliIO {
    stdout: { write(s: string): unknown };
    stderr: { write(s: string): unknown };
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** Aborted on Ctrl-C: long-running commands stop cleanly when it fires. */
    signal?: AbortSignal;
}

/** A user mistake (bad option, unreadable or malformed file): one line on stderr, exit 2. */
export class UsageError extends Error {}

/** Exit code of an internal error: a bug in stagecraft, never the user's input (EX_SOFTWARE of sysexits.h). */
export const EXIT_INTERNAL_ERROR = 70;

/** A bug of ours found on the way (not thrown by a bug): one line on stderr, exit 70; `detail` is its stack. */
export class InternalError extends Error {
    constructor(message: string, readonly detail?: string) {
        super(message);
    }
}

/** What the analysis could not do for a reason other than the file: a bug (exit 70) or a file over the size limit (exit 2). */
export function checkAnalysed(analysis: { problems: { code: string; message: string; detail?: string }[] }, file: string): void {
    for (const p of analysis.problems) {
        if (p.code === 'internal-error') { throw new InternalError(p.message, p.detail); }
        if (p.code === 'too-large') { throw new UsageError(`${file}: ${p.message}`); }
    }
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Split `--name=value` / `--name value` options; repeated options collect. Unknown ones are errors. */
export interface OptionSpec {
    /** Options that take a value. Aliases map a short name to a long one. */
    values: string[];
    /** Options that are flags. */
    flags: string[];
    /** Options that may repeat (values collect into an array). */
    repeat?: string[];
    aliases?: Record<string, string>;
}

export interface ParsedArgs {
    options: Map<string, string[]>;
    flags: Set<string>;
    positional: string[];
}

export function parseArgs(argv: string[], spec: OptionSpec): ParsedArgs {
    const options = new Map<string, string[]>();
    const flags = new Set<string>();
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
        if (!arg.startsWith('-') || arg === '-') { positional.push(arg); continue; }
        const eq = arg.indexOf('=');
        let name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '');
        name = spec.aliases?.[name] ?? name;
        if (spec.flags.includes(name)) {
            if (eq >= 0) { throw new UsageError(`option --${name} takes no value`); }
            flags.add(name);
            continue;
        }
        if (!spec.values.includes(name)) { throw new UsageError(`unknown option ${arg.slice(0, eq >= 0 ? eq : undefined)}`); }
        let value: string;
        if (eq >= 0) { value = arg.slice(eq + 1); } else {
            if (i + 1 >= argv.length) { throw new UsageError(`option --${name} needs a value`); }
            value = argv[++i];
        }
        const list = options.get(name) ?? [];
        if (list.length > 0 && !spec.repeat?.includes(name)) { throw new UsageError(`option --${name} given twice`); }
        list.push(value);
        options.set(name, list);
    }
    return { options, flags, positional };
}

/** `K=V` pairs of `--build-arg`; `K` alone takes the value from the environment, as docker does. */
export function parseBuildArgs(values: string[] | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of values ?? []) {
        const eq = v.indexOf('=');
        const key = eq >= 0 ? v.slice(0, eq) : v;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) { throw new UsageError(`--build-arg "${v}" is not KEY=VALUE`); }
        if (eq >= 0) { out[key] = v.slice(eq + 1); } else if (env[key] !== undefined) { out[key] = env[key] as string; }
    }
    return out;
}
