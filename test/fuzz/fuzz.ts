/**
 * `npm run fuzz`: seeded mutations of the repository's real Dockerfiles (test/support/corpus.ts:
 * the analysis fixtures, the examples, the benchmark samples, test/fixtures/real when there) and
 * synthetic extremes (deep `${...}` nesting, ARGs that double, thousands of commented stages, very
 * long lines, a file over the size limit, ...), fed to
 * - the analysis, in-process: it must not throw, report no internal error, keep the model's
 *   invariants (test/support/invariants.ts) and take at most 1 s on a file of a real file's size;
 * - every editor feature, in-process, on that analysis: none may throw, answers stay small;
 * - the CLI (`analyze --json`, in-process, every `--cli-every`th input): exit 0 with JSON, or exit 2
 *   with one line; exit 70 (a bug) or anything else is a finding;
 * - the real language server (every `--server-every`th input, one process under the network guard):
 *   it must stay up, log no error of ours and publish no internal-error diagnostic.
 *
 * Input number i is made from (seed, i) alone, so `--seed S --only i` makes the same input again;
 * every finding's input is written to the output folder. Exit code 0 when nothing was found, 1
 * otherwise.
 *
 * Usage: npm run fuzz -- [--count 100000] [--seed 1] [--cli-every 50] [--server-every 200]
 *                       [--only i] [--out DIR] [--quiet]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Hover } from 'vscode-languageserver-types';
import { analyze, type Analysis, type AnalyzeOptions } from '../../server/src/analysis';
import { main as cli } from '../../server/src/cli/main';
import { defaultSettings } from '../../server/src/common/settings';
import { provideCodeActions } from '../../server/src/features/codeActions';
import { provideCodeLenses, resolveCodeLens } from '../../server/src/features/codeLens';
import { provideCompletion } from '../../server/src/features/completion';
import { provideDefinition } from '../../server/src/features/definition';
import { provideDiagnostics } from '../../server/src/features/diagnostics';
import { provideFoldingRanges } from '../../server/src/features/folding';
import { provideDocumentHighlights } from '../../server/src/features/highlight';
import { provideHover } from '../../server/src/features/hover';
import { provideInlayHints } from '../../server/src/features/inlayHints';
import { provideReferences } from '../../server/src/features/references';
import { prepareRename } from '../../server/src/features/rename';
import { provideDocumentSymbols } from '../../server/src/features/symbols';
import { LspClient } from '../protocol/lspClient';
import { corpusFiles } from '../support/corpus';
import { assertWellFormed } from '../support/invariants';

export interface FuzzOptions {
    count: number;
    seed: number;
    cliEvery: number;
    serverEvery: number;
    /** Only this input number. */
    only?: number;
    /** Where the inputs of findings go. */
    out: string;
    /** Progress lines on stderr. */
    progress: boolean;
}

/** `slow`: over 1 s on a file of a real file's size (larger ones are listed in `large`, not findings). */
export type FindingKind = 'throw' | 'internal-error' | 'violation' | 'slow' | 'cli' | 'server';

export interface Finding {
    kind: FindingKind;
    index: number;
    what: string;
    /** The input, as written to the output folder. */
    file: string | null;
    size: number;
}

export interface FuzzReport {
    seed: number;
    inputs: number;
    corpusFiles: number;
    cliRuns: number;
    serverRuns: number;
    findings: Finding[];
    /** Inputs larger than a real file that took over 1 s (dockerfile-ast's own parse, mostly): not findings. */
    large: { index: number; size: number; ms: number }[];
    /** The slowest analysis, and the slowest of a real file's size. */
    slowestMs: number;
    slowestRealSizeMs: number;
    ms: number;
}

/** A file up to this size is "of a real file's size": it must analyse in under a second. */
export const REAL_FILE_SIZE = 100_000;
const SLOW_MS = 1000;
const MAX_HOVER = 20_000;

// ---- seeded randomness ------------------------------------------------------------------------

/** mulberry32: small, fast, and the same on every machine. */
function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

class Random {
    private readonly next: () => number;
    constructor(seed: number) { this.next = rng(seed); }
    int(n: number): number { return n <= 0 ? 0 : Math.floor(this.next() * n); }
    pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
    chance(p: number): boolean { return this.next() < p; }
}

// ---- inputs -----------------------------------------------------------------------------------

/** Pieces of Dockerfile syntax where a parser, an expander or a graph is likely to break. */
const SNIPPETS = ['FROM ', ' AS ', 'as', '--from=', '--from=0', '--from=99', '--mount=type=bind,from=', ',from=', '${', '}', '$', ':-',
    ':+', '${A:-', '${A:+', '${#A}', '\\\n', '`\n', '\n', '# ', '<<EOF\n', '\nEOF\n', '<<-"EOT"\n', '"', "'", 'ARG X', 'ARG A=${A}${A}',
    '=', 'COPY . .\n', 'RUN npm ci\n', 'RUN go test ./...\n', 'scratch', '0', '-1', '\t', ' ', '\r\n', '\r', '\u0000', 'é', '\u{1F600}',
    '\ud800', '# escape=`\n', '# escape=\\\n', '# syntax=docker/dockerfile:1\n', 'FROM base AS base\n', 'ONBUILD ', '[', ']', '","',
    '--platform=$BUILDPLATFORM ', 'FROM --platform=${TARGETPLATFORM} ', 'HEALTHCHECK CMD ', '\\', '`', '\n\n\n', '#\n'];

/** The synthetic extremes, one per kind; input k of every 500 is extreme k (the rest are mutations). */
export const EXTREMES: { name: string; make: () => string }[] = [
    { name: 'deep ${A:-...} nesting, A unset', make: () => `FROM ${'${A:-'.repeat(3000)}alpine${'}'.repeat(3000)} AS a\n` },
    { name: 'deep ${A:-...} nesting, A set', make: () => `ARG A=busybox\nFROM ${'${A:-'.repeat(3000)}alpine${'}'.repeat(3000)} AS a\n` },
    { name: 'unclosed ${ x 5000', make: () => `FROM ${'${'.repeat(5000)}\n` },
    { name: 'ARGs that double 26 times', make: () => ['ARG A0=x', ...Array.from({ length: 26 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), 'FROM img:${A26} AS a', 'FROM img:${A8}'].join('\n') + '\n' },
    { name: '5,000 stages, a comment above each', make: () => Array.from({ length: 5000 }, (_, i) => `# s${i} stage\nFROM alpine AS s${i}\nRUN true`).join('\n') + '\n' },
    { name: '300 stages, each copying from every earlier one', make: () => Array.from({ length: 300 }, (_, i) => [`FROM alpine AS s${i}`, ...Array.from({ length: i }, (_, j) => `COPY --from=s${j} /a /a${j}`)].join('\n')).join('\n') + '\n' },
    { name: 'one 200 kB line', make: () => `FROM alpine AS a\nRUN echo ${'x'.repeat(200_000)}\n` },
    { name: '20,000 continuation lines', make: () => `FROM alpine AS a\nRUN true \\\n${'  && echo hi \\\n'.repeat(20_000)}  && true\n` },
    { name: 'a heredoc of 50,000 lines', make: () => `FROM alpine AS a\nRUN <<EOF\n${'echo hi\n'.repeat(50_000)}EOF\n` },
    { name: '10,000 global ARGs', make: () => Array.from({ length: 10_000 }, (_, i) => `ARG V${i}=\${V${i ? i - 1 : 0}:-v}${i}`).join('\n') + '\nFROM img:${V9999}\n' },
    { name: 'a stage name of 100,000 characters', make: () => `FROM alpine AS ${'n'.repeat(100_000)}\nFROM ${'n'.repeat(100_000)}\nCOPY --from=${'n'.repeat(99_999)}m / /\n` },
    { name: 'CR-only line ends', make: () => 'FROM alpine AS a\rRUN npm ci\rCOPY . .\rFROM a\r' },
    { name: 'NUL bytes and lone surrogates', make: () => 'FROM alp\u0000ine AS \ud800a\nRUN \udfff\u0000\n' },
    { name: 'a file over the size limit', make: () => 'FROM alpine AS a\n' + 'RUN true\n'.repeat(115_000) },
    { name: 'nothing but comments and blanks', make: () => '# only\n\n#\n'.repeat(10_000) },
    { name: '2,000 FROMs on one continued line', make: () => `FROM ${Array.from({ length: 2000 }, () => 'a \\').join('\n')}\n AS x\n` },
];

function mutate(r: Random, corpus: readonly string[], base: string): string {
    let text = base;
    const ops = 1 + r.int(8);
    for (let k = 0; k < ops; k++) {
        const at = r.int(text.length + 1);
        switch (r.int(9)) {
            case 0: case 1: case 2: text = text.slice(0, at) + r.pick(SNIPPETS) + text.slice(at); break;
            case 3: text = text.slice(0, at) + text.slice(at + 1 + r.int(40)); break;
            case 4: { // repeat a few lines many times
                const lines = text.split('\n');
                const i = r.int(lines.length);
                const block = lines.slice(i, i + 1 + r.int(4));
                lines.splice(i, 0, ...Array.from({ length: 1 + r.int(60) }, () => block).flat());
                text = lines.join('\n');
                break;
            }
            case 5: { // swap two lines
                const lines = text.split('\n');
                const i = r.int(lines.length);
                const j = r.int(lines.length);
                [lines[i], lines[j]] = [lines[j]!, lines[i]!];
                text = lines.join('\n');
                break;
            }
            case 6: { // a piece of another file
                const other = r.pick(corpus);
                const from = r.int(other.length + 1);
                text = text.slice(0, at) + other.slice(from, from + r.int(400)) + text.slice(at);
                break;
            }
            case 7: text = text.slice(0, at); break;
            default: text = text.slice(0, at) + String.fromCharCode(r.int(0x3000)) + text.slice(at + 1); break;
        }
    }
    return text;
}

/** Input number `index` of `seed`: an extreme, or a mutated corpus file; with analysis options. */
export function input(seed: number, index: number, corpus: readonly string[]): { text: string; options: AnalyzeOptions; origin: string } {
    const r = new Random((seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
    const options: AnalyzeOptions = {};
    if (r.chance(0.2)) options.target = r.pick(['app', 'build', '0', '1', '3', 'missing', '']);
    if (r.chance(0.2)) options.buildArgs = { GO_VERSION: '1.23', A: r.pick(['', 'x', '${A}', 'alpine']), NODE_VERSION: '22' };
    if (r.chance(0.1)) options.platform = r.pick(['linux/arm64', 'windows/amd64', 'linux/arm/v7', 'bad', '']);
    const extreme = index % 500;
    if (extreme < EXTREMES.length) return { text: EXTREMES[extreme]!.make(), options, origin: `extreme: ${EXTREMES[extreme]!.name}` };
    const file = r.int(corpus.length);
    return { text: mutate(r, corpus, corpus[file]!), options, origin: `mutation of corpus file ${file}` };
}

// ---- checks -----------------------------------------------------------------------------------

function message(e: unknown): string {
    return e instanceof Error ? `${e.name}: ${e.message.split('\n').slice(0, 3).join(' ')}` : String(e);
}

/** Every editor feature on the analysis, at a few positions; throws what a feature threw. */
function features(text: string, an: Analysis, r: Random): void {
    const doc = TextDocument.create('file:///fuzz/Dockerfile', 'dockerfile', 1, text);
    const settings = defaultSettings();
    const textDocument = { uri: doc.uri };
    const positions = [{ line: 0, character: 0 }];
    for (const s of an.stages.slice(0, 4)) positions.push(s.fromRange.start, s.imageRange?.end ?? s.fromRange.end, s.nameRange?.start ?? s.fromRange.end);
    for (let k = 0; k < 3; k++) positions.push(doc.positionAt(r.int(text.length + 1)));
    for (const position of positions) {
        const hover: Hover | null = provideHover(doc, an, { textDocument, position }, settings, { workspaceFolders: ['file:///fuzz'] });
        const value = hover ? (hover.contents as { value: string }).value : '';
        if (value.length > MAX_HOVER) throw new Error(`a hover of ${value.length} characters`);
        provideCompletion(doc, an, { textDocument, position });
        provideDefinition(doc, an, { textDocument, position });
        provideReferences(doc, an, { textDocument, position, context: { includeDeclaration: true } });
        provideDocumentHighlights(doc, an, { textDocument, position });
        prepareRename(doc, an, { textDocument, position });
    }
    for (const lens of provideCodeLenses(doc, an, { textDocument }, settings, 1).slice(0, 50)) resolveCodeLens(doc, an, lens);
    provideInlayHints(doc, an, { textDocument, range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) } });
    const diagnostics: Diagnostic[] = provideDiagnostics(doc, an, settings);
    provideDocumentSymbols(doc, an, { textDocument });
    provideFoldingRanges(doc, an, { textDocument });
    const at = positions[r.int(positions.length)]!;
    provideCodeActions(doc, an, { textDocument, range: { start: at, end: at }, context: { diagnostics } }, settings);
}

async function runCli(text: string, dir: string): Promise<string | null> {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, text);
    let out = '';
    let err = '';
    const code = await cli(['analyze', '--json', file], { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env: {} });
    if (code === 0) {
        try { JSON.parse(out); } catch { return `exit 0 with output that is not JSON (${out.length} characters)`; }
        return err === '' ? null : `exit 0 with stderr: ${err.slice(0, 200)}`;
    }
    if (code === 2 && /^stagecraft analyze: [^\n]+\n$/.test(err) && out === '') return null;
    return `exit ${code}: ${err.slice(0, 300)}`;
}

class Server {
    private client: LspClient | null = null;
    private version = 0;
    private readonly uri = 'file:///fuzz/Dockerfile';

    /** One input through the real server; a finding's text or null. */
    async check(text: string, r: Random): Promise<string | null> {
        if (!this.client || !this.client.alive) {
            this.client = await LspClient.start({ initializationOptions: { otherDockerExtension: false } });
            await this.client.open(this.uri, '');
        }
        const c = this.client;
        const logged = c.logMessages.length;
        const version = await c.change(this.uri, text);
        this.version = version;
        const lines = text.split('\n').length;
        const position = { line: r.int(Math.min(lines, 1000)), character: r.int(20) };
        const textDocument = { uri: this.uri };
        try {
            await Promise.all([
                c.request('textDocument/hover', { textDocument, position }),
                c.request('textDocument/completion', { textDocument, position }),
                c.request('textDocument/codeLens', { textDocument }),
                c.request('textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }),
                c.request('textDocument/documentSymbol', { textDocument }),
                c.request('textDocument/foldingRange', { textDocument }),
            ]);
            const published = await c.diagnostics(this.uri, version);
            if (published.diagnostics.some((d) => d.code === 'internal-error')) return 'an internal-error diagnostic';
        } catch (e) {
            if (!c.alive) return `the server exited (code ${c.exitCode}): ${c.stderr.slice(-300)}`;
            return `a request failed: ${message(e)}`;
        }
        const errors = c.logMessages.slice(logged).filter((m) => m.type === 1);
        return errors.length > 0 ? `logged: ${errors[0]!.message.slice(0, 300)}` : null;
    }

    async stop(): Promise<void> {
        await this.client?.stop();
    }

    get runs(): number { return this.version; }
}

// ---- the run ----------------------------------------------------------------------------------

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
    const t0 = performance.now();
    const files = corpusFiles();
    const corpus = files.map((f) => fs.readFileSync(f, 'utf8'));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-fuzz-cli-'));
    const findings: Finding[] = [];
    const large: FuzzReport['large'] = [];
    const server = new Server();
    let cliRuns = 0;
    let serverRuns = 0;
    let slowestMs = 0;
    let slowestRealSizeMs = 0;
    const found = (kind: FindingKind, index: number, what: string, text: string) => {
        let file: string | null = null;
        if (findings.filter((f) => f.kind === kind).length < 50) {
            fs.mkdirSync(opts.out, { recursive: true });
            file = path.join(opts.out, `${kind}-${opts.seed}-${index}.Dockerfile`);
            fs.writeFileSync(file, text);
        }
        findings.push({ kind, index, what, file, size: text.length });
        if (opts.progress) process.stderr.write(`finding: ${kind} at input ${index} (${text.length} characters): ${what}\n`);
    };
    const first = opts.only ?? 0;
    const end = opts.only !== undefined ? opts.only + 1 : opts.count;
    try {
        for (let index = first; index < end; index++) {
            const { text, options } = input(opts.seed, index, corpus);
            const r = new Random(opts.seed ^ index);
            let an: Analysis;
            const a0 = performance.now();
            try {
                an = analyze(text, options);
            } catch (e) {
                found('throw', index, `analyze threw ${message(e)}`, text);
                continue;
            }
            const ms = performance.now() - a0;
            slowestMs = Math.max(slowestMs, ms);
            if (text.length <= REAL_FILE_SIZE) slowestRealSizeMs = Math.max(slowestRealSizeMs, ms);
            if (ms > SLOW_MS && text.length <= REAL_FILE_SIZE) found('slow', index, `analysis took ${ms.toFixed(0)} ms`, text);
            else if (ms > SLOW_MS) large.push({ index, size: text.length, ms });
            const bug = an.problems.find((p) => p.code === 'internal-error');
            if (bug) found('internal-error', index, bug.message, text);
            if (an.problems.some((p) => p.code === 'no-stages') && an.stages.length > 0) found('internal-error', index, 'no-stages with stages: a bug passed off as a file without FROM', text);
            try {
                assertWellFormed(an, text);
            } catch (e) {
                found('violation', index, message(e), text);
            }
            try {
                features(text, an, r);
            } catch (e) {
                found('throw', index, `a feature threw ${message(e)}`, text);
            }
            if (opts.cliEvery > 0 && index % opts.cliEvery === 0) {
                cliRuns++;
                try {
                    const bad = await runCli(text, tmp);
                    if (bad) found('cli', index, bad, text);
                } catch (e) {
                    found('cli', index, `the CLI threw ${message(e)}`, text);
                }
            }
            if (opts.serverEvery > 0 && index % opts.serverEvery === 0) {
                serverRuns++;
                const bad = await server.check(text, r);
                if (bad) found('server', index, bad, text);
            }
            if (opts.progress && index > 0 && index % 10_000 === 0) {
                process.stderr.write(`${index} inputs, ${findings.length} findings, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
            }
        }
    } finally {
        await server.stop().catch((e: unknown) => {
            findings.push({ kind: 'server', index: -1, what: message(e), file: null, size: 0 });
        });
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return {
        seed: opts.seed, inputs: end - first, corpusFiles: files.length, cliRuns, serverRuns, findings, large, slowestMs, slowestRealSizeMs,
        ms: performance.now() - t0,
    };
}

export function formatReport(rep: FuzzReport): string {
    const count = (k: FindingKind) => rep.findings.filter((f) => f.kind === k).length;
    const lines = [
        `fuzz: ${rep.inputs} inputs (seed ${rep.seed}; ${rep.corpusFiles} corpus files, ${EXTREMES.length} kinds of extremes), ${rep.cliRuns} CLI runs, ${rep.serverRuns} through the server, ${(rep.ms / 1000).toFixed(0)} s`,
        `throws ${count('throw')}, internal errors ${count('internal-error')}, invariant violations ${count('violation')}, CLI ${count('cli')}, server ${count('server')}, over 1 s at a real file's size (up to ${REAL_FILE_SIZE / 1000} kB) ${count('slow')}`,
        `slowest analysis of a real file's size ${rep.slowestRealSizeMs.toFixed(0)} ms; of any ${rep.slowestMs.toFixed(0)} ms; larger inputs over 1 s (not findings): ${rep.large.length}${rep.large.length ? ` (${rep.large.slice(0, 5).map((l) => `input ${l.index}: ${Math.round(l.size / 1000)} kB in ${l.ms.toFixed(0)} ms`).join(', ')})` : ''}`,
    ];
    for (const f of rep.findings.slice(0, 20)) lines.push(`  ${f.kind} at input ${f.index}: ${f.what}${f.file ? ` (${f.file})` : ''}`);
    if (rep.findings.length > 0) lines.push(`reproduce one: npm run fuzz -- --seed ${rep.seed} --only <input>`);
    return lines.join('\n') + '\n';
}

function parseArgv(argv: string[]): FuzzOptions {
    const opt = (name: string, dflt: number): number => {
        const i = argv.indexOf(`--${name}`);
        if (i < 0) return dflt;
        const n = Number(argv[i + 1]);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number`);
        return n;
    };
    const outAt = argv.indexOf('--out');
    const seed = opt('seed', 1);
    const only = argv.includes('--only') ? opt('only', 0) : undefined;
    return {
        count: opt('count', 100_000), seed, cliEvery: opt('cli-every', 50), serverEvery: opt('server-every', 200),
        ...(only !== undefined ? { only } : {}),
        out: outAt >= 0 ? argv[outAt + 1]! : path.join(os.tmpdir(), `stagecraft-fuzz-${seed}`),
        progress: !argv.includes('--quiet'),
    };
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    if (argv.includes('--help') || argv.includes('-h')) {
        process.stdout.write('usage: npm run fuzz -- [--count 100000] [--seed 1] [--cli-every 50] [--server-every 200] [--only i] [--out DIR] [--quiet]\n');
        process.exit(0);
    }
    runFuzz(parseArgv(argv)).then((rep) => {
        process.stdout.write(formatReport(rep));
        process.exitCode = rep.findings.length === 0 ? 0 : 1;
    }, (e: unknown) => {
        process.stderr.write(`fuzz: ${message(e)}\n`);
        process.exitCode = 2;
    });
}
