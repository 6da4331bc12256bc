/** `stagecraft analyze [--json] [--target T] [--build-arg K=V]... [--platform os/arch] FILE` */
import * as fs from 'fs';
import * as path from 'path';
import { analyze, toJson, type Analysis } from '../analysis';
import { type CliIO, UsageError, checkAnalysed, parseArgs, parseBuildArgs } from './io';

export const ANALYZE_HELP = `usage: stagecraft analyze [--json] [--target T] [--build-arg K=V]... [--platform os/arch] FILE

Prints the stages of a Dockerfile, their patterns, and which ones the target needs.
  --json              machine-readable output (shape in the README)
  --target T          the build target: a stage name or index (default: the last stage)
  --build-arg K=V     override a global ARG (repeatable)
  --platform os/arch  target platform for TARGETOS, TARGETARCH, ... (default linux/amd64)
Exit codes: 0 analysed, 2 bad option or unreadable file or unknown target, 70 internal error (a bug).
`;

export function readDockerfile(file: string, cwd: string): string {
    const full = path.resolve(cwd, file);
    let text: string;
    try {
        const st = fs.statSync(full);
        if (st.isDirectory()) { throw new UsageError(`${file} is a directory, not a Dockerfile`); }
        text = fs.readFileSync(full, 'utf8');
    } catch (e) {
        if (e instanceof UsageError) { throw e; }
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (text.includes('\u0000')) { throw new UsageError(`${file} is not a text file`); }
    return text;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, {
        values: ['target', 'build-arg', 'platform', 'file'], flags: ['json', 'help'],
        repeat: ['build-arg'], aliases: { f: 'file', h: 'help' },
    });
    if (args.flags.has('help')) { io.stdout.write(ANALYZE_HELP); return 0; }
    const files = [...(args.options.get('file') ?? []), ...args.positional];
    if (files.length !== 1) { throw new UsageError('analyze takes exactly one Dockerfile (see stagecraft analyze --help)'); }
    const text = readDockerfile(files[0], io.cwd);
    const target = args.options.get('target')?.[0];
    const analysis = analyze(text, {
        target, platform: args.options.get('platform')?.[0], buildArgs: parseBuildArgs(args.options.get('build-arg'), io.env),
    });
    checkAnalysed(analysis, files[0]);
    for (const p of analysis.problems) {
        if (p.code === 'bad-platform' || p.code === 'unknown-target') { throw new UsageError(p.message); }
        if (p.code === 'no-stages') { throw new UsageError(`${files[0]}: ${p.message}`); }
    }
    io.stdout.write(args.flags.has('json') ? JSON.stringify(toJson(analysis), null, 2) + '\n' : formatText(analysis));
    return 0;
}

function pad(s: string, n: number): string {
    return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The human table and the graph as text. */
export function formatText(a: Analysis): string {
    const stageLabel = (i: number) => a.stages[i].name ?? `#${i}`;
    const rows = a.stages.map((s) => [
        String(s.index), s.name ?? '-', String(s.line),
        s.parent !== null ? `stage ${stageLabel(s.parent)}` : (s.fromResolved ?? `${s.from} (unresolved)`),
        s.patterns.map((p) => p.label).join(', ') || '-',
        s.reachable ? (s.index === a.target ? 'target' : 'used') : 'unused',
    ]);
    const head = ['#', 'STAGE', 'LINE', 'BASE', 'PATTERNS', 'TARGET NEEDS'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => c === r.length - 1 ? cell : pad(cell, widths[c])).join('  ') + '\n';
    let out = line(head) + rows.map(line).join('');
    out += '\nGraph (target ' + (a.target !== null ? stageLabel(a.target) : '-') + '):\n';
    for (const s of a.stages) {
        const edges: string[] = [];
        for (const r of s.refs) {
            const to = r.stage !== null ? stageLabel(r.stage) : (r.resolved ?? r.text);
            const how = r.kind === 'from' ? 'FROM' : r.kind === 'mount' ? 'mount' : `${r.kind.toUpperCase()} --from`;
            if (r.kind === 'from' && r.stage === null && to.toLowerCase() === 'scratch') { edges.push('FROM scratch'); continue; }
            edges.push(`${how} ${r.stage !== null ? to : `image ${to}`}`);
        }
        out += `  ${stageLabel(s.index)} <- ${[...new Set(edges)].join(', ')}${s.reachable ? '' : '   (unused)'}\n`;
        for (const p of s.patterns) { out += `      ${p.label}: ${p.reason}\n`; }
        for (const m of s.nearMisses) { out += `      (${m.reason})\n`; }
    }
    if (a.unused.length > 0) {
        out += `\nUnused by the target: ${a.unused.map(stageLabel).join(', ')}\n`;
    }
    const limits = a.problems.filter((p) => p.code === 'expansion-limit');
    if (limits.length > 0) {
        out += `\n${limits.map((p) => `line ${(p.range?.start.line ?? 0) + 1}: ${p.message}`).join('\n')}\n`;
    }
    return out;
}
