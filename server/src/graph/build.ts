/**
 * The stage graph of an analysis (`stageGraph`), the stage diagnostics in its terms
 * (`stageDiagnostics`), and a build report's results on its nodes (`withReport`). Pure.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { sameName, type Analysis, type Stage } from '../analysis';
import type { BuildReport } from '../common/report';
import { stageLabel } from '../features/stageAt';
import {
    GRAPH_SCHEMA, type EdgeKind, type GraphEdge, type ImageNode, type ProblemSeverity, type StageDiagnosticLike,
    type StageGraph, type StageNode, type StageProblem, type StageRole,
} from './model';

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

function roleOf(analysis: Analysis, stage: Stage): StageRole {
    if (analysis.target === stage.index) return 'target';
    // Without a known target nothing is faded: every stage counts as needed.
    return analysis.target === null || stage.reachable ? 'needed' : 'unneeded';
}

const isScratch = (image: string): boolean => image.trim().toLowerCase() === 'scratch';

/**
 * The graph of an analysis. `diagnostics` are the stage diagnostics the editor shows (the caller
 * decides which: severities and switches come from the settings); `unused-stage` is left out, the
 * node's `role` already says it. Build results come later: `withReport`.
 */
export function stageGraph(analysis: Analysis, diagnostics: readonly StageDiagnosticLike[] = []): StageGraph {
    const problemsOf = new Map<number, StageProblem[]>();
    for (const d of diagnostics) {
        if (d.code === 'unused-stage' || !analysis.stages[d.stage]) continue;
        const list = problemsOf.get(d.stage) ?? [];
        list.push({ severity: d.severity, code: d.code, message: d.message, line: d.line });
        problemsOf.set(d.stage, list);
    }

    const stages: StageNode[] = analysis.stages.map((s) => ({
        kind: 'stage',
        id: `s${s.index}`,
        index: s.index,
        name: s.name,
        label: stageLabel(s),
        line: s.line,
        selection: s.nameRange ?? s.imageRange ?? s.fromRange,
        from: s.from,
        patterns: s.patterns.map((p) => p.label),
        role: roleOf(analysis, s),
        description: s.description,
        heavySteps: s.heavySteps.length,
        testSteps: s.testSteps.length,
        problems: (problemsOf.get(s.index) ?? []).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.line - b.line),
        build: null,
    }));

    const images: ImageNode[] = [];
    const imageIds = new Map<string, ImageNode>();
    const imageNode = (image: string, unresolved: boolean, needed: boolean): ImageNode => {
        let node = imageIds.get(image);
        if (!node) {
            node = { kind: 'image', id: `i${images.length}`, image, unresolved, needed: false };
            imageIds.set(image, node);
            images.push(node);
        }
        node.needed ||= needed;
        return node;
    };

    const edges: GraphEdge[] = [];
    const edgeAt = new Map<string, GraphEdge>();
    for (const s of analysis.stages) {
        const needed = roleOf(analysis, s) !== 'unneeded';
        for (const r of s.refs) {
            if (r.self) continue;
            let from: string;
            if (r.stage !== null) {
                from = `s${r.stage}`;
            } else {
                const image = r.resolved ?? r.text;
                // FROM scratch is the empty image: nothing is pulled, nothing to draw.
                if (r.kind === 'from' && isScratch(image)) continue;
                if (image.trim() === '') continue;
                from = imageNode(image, r.resolved === null, needed).id;
            }
            const kind: EdgeKind = r.kind === 'add' ? 'copy' : r.kind;
            const key = `${from}>${s.index}>${kind}`;
            const known = edgeAt.get(key);
            if (known) { known.count++; continue; }
            const edge: GraphEdge = { from, to: `s${s.index}`, kind, line: r.line, count: 1, needed };
            edgeAt.set(key, edge);
            edges.push(edge);
        }
    }
    return { schema: GRAPH_SCHEMA, target: analysis.target, platform: analysis.platform, stages, images, edges };
}


const SEVERITY_NAMES: Record<number, ProblemSeverity> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

/**
 * The stage diagnostics among LSP diagnostics (ours carry `data.stage`, see
 * `features/diagnostics.ts`), in the graph's terms. Others, and file-level ones (stage -1), are left out.
 */
export function stageDiagnostics(diagnostics: readonly Diagnostic[]): StageDiagnosticLike[] {
    const out: StageDiagnosticLike[] = [];
    for (const d of diagnostics) {
        const data = d.data as { stage?: unknown; code?: unknown } | undefined;
        if (typeof data?.stage !== 'number' || data.stage < 0) continue;
        out.push({
            stage: data.stage,
            severity: SEVERITY_NAMES[d.severity ?? 1] ?? 'error',
            code: typeof d.code === 'string' ? d.code : String(data.code ?? ''),
            message: d.message,
            line: d.range.start.line + 1,
        });
    }
    return out;
}

/**
 * The graph with a build report's result on each stage. A report stage counts for the node of the
 * same index when their names agree (both unnamed counts), else for the node of its name: the
 * file may have changed since the build. Stages the report does not name keep `build: null`.
 */
export function withReport(graph: StageGraph, report: BuildReport | null): StageGraph {
    if (!report) return graph;
    const byIndex = new Map(report.stages.map((s) => [s.index, s]));
    const byName = new Map(report.stages.filter((s) => s.name).map((s) => [s.name!.toLowerCase(), s]));
    const stages = graph.stages.map((node) => {
        const same = byIndex.get(node.index);
        const r = same && (sameName(same.name, node.name) || (same.name === null && node.name === null))
            ? same
            : node.name ? byName.get(node.name.toLowerCase()) : undefined;
        return r ? { ...node, build: { result: r.result, seconds: r.seconds, sizeBytes: r.sizeBytes } } : node;
    });
    return { ...graph, stages };
}
