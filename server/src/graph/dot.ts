/**
 * The stage graph as Graphviz DOT: what `stagecraft graph --format dot` prints, what the SVG is laid
 * out from (in the CLI and in the editor's view alike). Pure.
 *
 * Drawing: stages are rounded boxes (name in bold; `#index · line N`; pattern badges; the last
 * build's result), the target with a double border, stages the target does not need faded and
 * dashed, stages with diagnostics with a red or amber border and a mark before the name. External
 * images are small grey boxes. Edges: FROM solid, `COPY --from` dashed, `RUN --mount from=` dotted,
 * each in its own colour; edges into unneeded stages are faded. Every node and edge has an `id` and
 * a `class` (`stage target`, `edge copy`, ...) that the SVG keeps, for the view's styling and clicks.
 */
import { formatSeconds, formatSize } from '../common/units';
import type { StageResultKind } from '../common/report';
import { PALETTE, type PaletteRole } from './palette';
import { worstProblem, type EdgeKind, type GraphEdge, type ImageNode, type StageGraph, type StageNode } from './model';

const c = (role: PaletteRole): string => PALETTE[role].print;

/** A DOT double-quoted string. */
export function quote(text: string): string {
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text inside a Graphviz HTML-like label. */
export function html(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const EDGE_STYLE: Record<EdgeKind, { style: string; color: PaletteRole; label: string }> = {
    from: { style: 'solid', color: 'edgeFrom', label: 'FROM' },
    copy: { style: 'dashed', color: 'edgeCopy', label: 'COPY --from' },
    mount: { style: 'dotted', color: 'edgeMount', label: 'RUN --mount from=' },
};

const RESULT_COLOR: Record<StageResultKind, PaletteRole> = {
    cached: 'resultCached',
    built: 'resultBuilt',
    partial: 'resultPartial',
    failed: 'resultFailed',
    interrupted: 'resultFailed',
    'not built': 'resultSkipped',
    'not needed': 'resultSkipped',
};

/** `cached · 0.8 s · 12.3 MB`: a stage's result line. */
export function resultText(build: NonNullable<StageNode['build']>): string {
    const parts: string[] = [build.result];
    if (build.seconds !== null) parts.push(formatSeconds(build.seconds));
    if (build.sizeBytes !== null) parts.push(formatSize(build.sizeBytes));
    return parts.join(' · ');
}

/** The node's one-line tooltip (the SVG's `<title>` hover in a browser). */
export function stageTooltip(node: StageNode): string {
    const role = node.role === 'target' ? 'the build target' : node.role === 'needed' ? 'needed by the target' : 'not needed by the target';
    const parts = [`${node.label} (#${node.index}, line ${node.line}): ${role}`];
    if (node.patterns.length) parts.push(node.patterns.join(', '));
    for (const p of node.problems.slice(0, 3)) parts.push(`${p.severity}: ${p.message}`);
    return parts.join('; ');
}

function nodeLabel(node: StageNode): string {
    const faded = node.role === 'unneeded';
    const worst = worstProblem(node);
    const mark = worst === 'error' ? `<FONT COLOR="${c('error')}">✖ </FONT>` : worst === 'warning' ? `<FONT COLOR="${c('warning')}">⚠ </FONT>` : '';
    const lines = [`${mark}<FONT COLOR="${c(faded ? 'unneededText' : 'text')}"><B>${html(node.label)}</B></FONT>`];
    const meta = [`#${node.index}`, `line ${node.line}`];
    if (node.role === 'target') meta.push('target');
    lines.push(`<FONT POINT-SIZE="9" COLOR="${c(faded ? 'unneededText' : 'subtle')}">${html(meta.join(' · '))}</FONT>`);
    if (node.patterns.length) {
        lines.push(`<FONT POINT-SIZE="9" COLOR="${c(faded ? 'unneededText' : 'badge')}">${html(node.patterns.join(' · '))}</FONT>`);
    }
    if (node.build) {
        lines.push(`<FONT POINT-SIZE="9" COLOR="${c(RESULT_COLOR[node.build.result])}">${html(resultText(node.build))}</FONT>`);
    }
    return `<${lines.join('<BR/>')}>`;
}

function stageStatement(node: StageNode): string {
    const worst = worstProblem(node);
    const classes = ['stage', node.role];
    if (worst === 'error' || worst === 'warning') classes.push(`problem-${worst}`);
    if (node.build) classes.push(`result-${node.build.result.replace(/ /g, '-')}`);
    const border = worst === 'error' ? 'error' : worst === 'warning' ? 'warning'
        : node.role === 'target' ? 'targetBorder' : node.role === 'unneeded' ? 'unneededBorder' : 'stageBorder';
    const attrs: string[] = [
        `id=${quote(`stage-${node.index}`)}`,
        `class=${quote(classes.join(' '))}`,
        `label=${nodeLabel(node)}`,
        `tooltip=${quote(stageTooltip(node))}`,
        `color=${quote(c(border))}`,
        `fillcolor=${quote(c(node.role === 'unneeded' ? 'unneededFill' : 'stageFill'))}`,
    ];
    if (node.role === 'target') attrs.push('peripheries=2', 'penwidth=1.6');
    if (node.role === 'unneeded') attrs.push('style="rounded,filled,dashed"');
    if (worst === 'error' || worst === 'warning') attrs.push('penwidth=2');
    return `  ${node.id} [${attrs.join(', ')}];`;
}

function imageStatement(node: ImageNode, index: number): string {
    const classes = ['image', node.needed ? 'needed' : 'unneeded'];
    if (node.unresolved) classes.push('unresolved');
    return `  ${node.id} [${[
        `id=${quote(`image-${index}`)}`,
        `class=${quote(classes.join(' '))}`,
        `label=${quote(node.image)}`,
        `tooltip=${quote(node.unresolved ? `image ${node.image} (an ARG without a value decides it)` : `image ${node.image}`)}`,
    ].join(', ')}];`;
}

function edgeStatement(edge: GraphEdge, index: number, label: (id: string) => string): string {
    const style = EDGE_STYLE[edge.kind];
    const attrs = [
        `id=${quote(`edge-${index}`)}`,
        `class=${quote(`${edge.kind} ${edge.needed ? 'needed' : 'unneeded'}`)}`,
        `style=${style.style}`,
        `color=${quote(c(edge.needed ? style.color : 'edgeUnneeded'))}`,
        `tooltip=${quote(`${label(edge.to)}: ${style.label} ${label(edge.from)} (line ${edge.line})${edge.count > 1 ? `, ${edge.count} times` : ''}`)}`,
    ];
    if (edge.kind === 'from') attrs.push('weight=4');
    return `  ${edge.from} -> ${edge.to} [${attrs.join(', ')}];`;
}

/** Graph attributes chosen for speed as much as looks: see the README's "Stage graph" section. */
const GRAPH_ATTRS = [
    'rankdir=TB', 'bgcolor="transparent"', 'nodesep=0.25', 'ranksep=0.4', 'outputorder=edgesfirst',
    'fontname="Helvetica,Arial,sans-serif"',
];

export function toDot(graph: StageGraph): string {
    const names = new Map<string, string>();
    for (const s of graph.stages) names.set(s.id, s.label);
    for (const i of graph.images) names.set(i.id, i.image);
    const label = (id: string) => names.get(id) ?? id;
    const out: string[] = ['digraph stages {'];
    out.push(`  graph [${GRAPH_ATTRS.join(', ')}];`);
    out.push(`  node [shape=box, style="rounded,filled", fontname="Helvetica,Arial,sans-serif", fontsize=12, margin="0.2,0.06", penwidth=1.2, color=${quote(c('stageBorder'))}, fontcolor=${quote(c('text'))}];`);
    out.push(`  edge [arrowsize=0.7, penwidth=1.2];`);
    if (graph.images.length) {
        out.push(`  subgraph images {`);
        out.push(`    node [style="rounded,filled", fontsize=9, height=0.3, margin="0.14,0.03", color=${quote(c('imageBorder'))}, fillcolor=${quote(c('imageFill'))}, fontcolor=${quote(c('imageText'))}];`);
        graph.images.forEach((node, i) => out.push('  ' + imageStatement(node, i)));
        out.push('  }');
    }
    for (const s of graph.stages) out.push(stageStatement(s));
    graph.edges.forEach((e, i) => out.push(edgeStatement(e, i, label)));
    out.push('}');
    return out.join('\n') + '\n';
}
