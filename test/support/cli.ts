/** Run the `stagecraft` CLI in-process with captured output, or as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { REPO_ROOT } from './docker';

export interface CliResult { code: number; stdout: string; stderr: string; all: string }

export async function cli(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    let all = '';
    const code = await main(argv, {
        stdout: { write: (s: string) => { stdout += s; all += s; return true; } },
        stderr: { write: (s: string) => { stderr += s; all += s; return true; } },
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        signal: new AbortController().signal,
    });
    return { code, stdout, stderr, all };
}

/** The compiled CLI as a child process (for signals). */
export function cliProcess(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess {
    return spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'stagecraft.js'), ...argv], {
        cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
}

/** The summary table of `stagecraft build`: stage label -> CACHE column (`hit`, `miss`, `partial 1/2`, ...). */
export function summary(stdout: string): Map<string, string> {
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => /^STAGE\s+CACHE\s+TIME/.test(l));
    const out = new Map<string, string>();
    if (at < 0) { return out; }
    for (const l of lines.slice(at + 1)) {
        if (l.trim() === '' || l.startsWith('stagecraft:')) { break; }
        const m = /^(\S+)\s+(partial \d+\/\d+|\S+(?: built)?)\s/.exec(l);
        if (m) { out.set(m[1], m[2]); }
    }
    return out;
}
