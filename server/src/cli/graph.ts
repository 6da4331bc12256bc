/**
 * `stagecraft graph [--format dot|svg|mermaid|json] [--target T] [--build-arg K=V]... [--platform P]
 *                   [--report FILE] FILE`: the stage graph the editor draws, for CI and documents.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../analysis';
import { parseReport } from '../common/report';
import { defaultSettings } from '../common/settings';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { provideStageGraph } from '../features/stageGraph';
import { toDot } from '../graph/dot';
import { renderSvg } from '../graph/layout';
import { toMermaid } from '../graph/mermaid';
import { withReport } from '../graph/build';
import type { StageGraph } from '../graph/model';
import { readDockerfile } from './analyze';
import { type CliIO, UsageError, parseArgs, parseBuildArgs } from './io';

export const GRAPH_FORMATS = ['dot', 'svg', 'mermaid', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export const GRAPH_HELP = `usage: stagecraft graph [--format dot|svg|mermaid|json] [--target T] [--build-arg K=V]...
                       [--platform os/arch] [--report FILE] FILE

Prints the stage graph of a Dockerfile: a node per stage (name, index, patterns) and per external
image, edges FROM (solid), COPY --from (dashed), RUN --mount from= (dotted); the target marked,
stages it does not need faded, stages with problems marked. The same picture as VS Code's view.
  --format F          dot (default; Graphviz), svg (laid out by Graphviz, no browser needed),
                      mermaid (for READMEs and pull requests), json (the graph model)
  --target T          the build target: a stage name or index (default: the last stage)
  --build-arg K=V     override a global ARG (repeatable)
  --platform os/arch  target platform for TARGETOS, TARGETARCH, ... (default linux/amd64)
  --report FILE       a \`stagecraft build --report\` file: each stage's result on its node
Exit codes: 0 printed, 2 bad option or unreadable file or unknown target.
`;

/** The graph of a file as the CLI sees it: default diagnostic severities, an optional report. */
export function graphOf(text: string, opts: { target?: string; buildArgs: Record<string, string>; platform?: string }): StageGraph {
    const analysis = analyze(text, opts);
    for (const p of analysis.problems) {
        if (p.code === 'bad-platform' || p.code === 'unknown-target' || p.code === 'no-stages') throw new UsageError(p.message);
    }
    return provideStageGraph(TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text), analysis, defaultSettings()).graph;
}

function readReport(file: string, cwd: string) {
    let text: string;
    try { text = fs.readFileSync(path.resolve(cwd, file), 'utf8'); } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const parsed = parseReport(text);
    if (!parsed.ok) throw new UsageError(`${file} is not a build report: ${parsed.error}`);
    return parsed.report;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, {
        values: ['format', 'target', 'build-arg', 'platform', 'file', 'report'], flags: ['help'],
        repeat: ['build-arg'], aliases: { f: 'file', h: 'help' },
    });
    if (args.flags.has('help')) { io.stdout.write(GRAPH_HELP); return 0; }
    const format = (args.options.get('format')?.[0] ?? 'dot') as GraphFormat;
    if (!GRAPH_FORMATS.includes(format)) { throw new UsageError(`--format ${format}: choose one of ${GRAPH_FORMATS.join(', ')}`); }
    const files = [...(args.options.get('file') ?? []), ...args.positional];
    if (files.length !== 1) { throw new UsageError('graph takes exactly one Dockerfile (see stagecraft graph --help)'); }
    const text = readDockerfile(files[0], io.cwd);
    const reportFile = args.options.get('report')?.[0];
    let graph = graphOf(text, {
        target: args.options.get('target')?.[0],
        buildArgs: parseBuildArgs(args.options.get('build-arg'), io.env),
        platform: args.options.get('platform')?.[0],
    });
    if (reportFile !== undefined) graph = withReport(graph, readReport(reportFile, io.cwd));
    switch (format) {
        case 'json': io.stdout.write(JSON.stringify(graph, null, 2) + '\n'); break;
        case 'mermaid': io.stdout.write(toMermaid(graph)); break;
        case 'svg': io.stdout.write(await renderSvg(toDot(graph))); break;
        default: io.stdout.write(toDot(graph));
    }
    return 0;
}
