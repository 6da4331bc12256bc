/**
 * The `stagecraft` CLI: one table of subcommands. Only `main` turns errors into exit codes;
 * commands return their code and never call process.exit.
 */
import { type CliIO, type Command, EXIT_INTERNAL_ERROR, InternalError, UsageError } from './io';
import * as analyzeCmd from './analyze';

const VERSION = '0.1.0';

/** Subcommands. `plan`, `build` and `graph` load lazily: `analyze` must not pay for the build engine or Graphviz. */
const COMMANDS: Record<string, { run: () => Promise<Command>; summary: string }> = {
    analyze: { run: async () => analyzeCmd.run, summary: 'print the stages, their patterns and the graph' },
    plan: { run: async () => (await import('./plan')).run, summary: 'print the cached per-stage build plan (shell, json, github, gitlab)' },
    build: { run: async () => (await import('./build')).run, summary: 'run the cached per-stage build' },
    graph: { run: async () => (await import('./graph')).run, summary: 'print the stage graph (dot, svg, mermaid, json)' },
};

export const HELP = `usage: stagecraft <command> [options]

Commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)}${c.summary}`).join('\n')}

Run \`stagecraft <command> --help\` for the options of each.
Exit codes: 0 success, 1 the build failed, 2 bad option or Dockerfile, ${EXIT_INTERNAL_ERROR} internal error
(a bug in stagecraft: please report it; STAGECRAFT_DEBUG=1 prints its stack); see each command's --help.
`;

export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
    const full: CliIO = {
        stdout: io?.stdout ?? process.stdout,
        stderr: io?.stderr ?? process.stderr,
        cwd: io?.cwd ?? process.cwd(),
        env: io?.env ?? process.env,
        signal: io?.signal,
    };
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') { full.stdout.write(HELP); return name === undefined ? 2 : 0; }
    if (name === '--version' || name === '-V') { full.stdout.write(VERSION + '\n'); return 0; }
    const cmd = COMMANDS[name];
    if (!cmd) { full.stderr.write(`stagecraft: unknown command "${name}" (try stagecraft --help)\n`); return 2; }
    try {
        return await (await cmd.run())(rest, full);
    } catch (e) {
        if (e instanceof UsageError) {
            full.stderr.write(`stagecraft ${name}: ${e.message}\n`);
            return 2;
        }
        // Anything else is a bug of ours, never the user's input: one line, its own exit code.
        const message = e instanceof Error ? e.message : String(e);
        const line = e instanceof InternalError ? message : `internal error (a bug in Stagecraft, please report it): ${message}`;
        full.stderr.write(`stagecraft ${name}: ${line.split('\n')[0]}\n`);
        if (full.env.STAGECRAFT_DEBUG) {
            full.stderr.write(`${e instanceof InternalError ? e.detail ?? e.stack : e instanceof Error ? e.stack : message}\n`);
        }
        return EXIT_INTERNAL_ERROR;
    }
}
