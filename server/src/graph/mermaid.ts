/**
 * The stage graph as a Mermaid flowchart, for READMEs and pull requests (GitHub and GitLab render
 * it). Same nodes and edges as the DOT: FROM `-->`, `COPY --from` `-.->|COPY|`, mount
 * `-.->|mount|`; the target, unneeded stages, stages with problems and images by class. Pure.
 */
import { PALETTE } from './palette';
import { resultText } from './dot';
import { worstProblem, type EdgeKind, type StageGraph, type StageNode } from './model';

/** Text inside a quoted Mermaid label (Mermaid's own entity codes). */
export function mermaidText(text: string): string {
    return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

const ARROW: Record<EdgeKind, string> = { from: '-->', copy: '-.->|COPY|', mount: '-.->|mount|' };

function stageText(node: StageNode): string {
    const worst = worstProblem(node);
    const mark = worst === 'error' ? '✖ ' : worst === 'warning' ? '⚠ ' : '';
    const lines = [`${mark}<b>${mermaidText(node.label)}</b>`];
    const meta = [`#${node.index}`];
    if (node.role === 'target') meta.push('target');
    if (node.patterns.length) meta.push(node.patterns.join(', '));
    lines.push(mermaidText(meta.join(' · ')));
    if (node.build) lines.push(mermaidText(resultText(node.build)));
    return lines.join('<br/>');
}

export function toMermaid(graph: StageGraph): string {
    const out = ['flowchart TB'];
    for (const i of graph.images) out.push(`  ${i.id}(["${mermaidText(i.image)}"])`);
    for (const s of graph.stages) out.push(`  ${s.id}["${stageText(s)}"]`);
    for (const e of graph.edges) out.push(`  ${e.from} ${ARROW[e.kind]} ${e.to}`);
    out.push(`  classDef image fill:${PALETTE.imageFill.print},stroke:${PALETTE.imageBorder.print},color:${PALETTE.imageText.print}`);
    out.push(`  classDef target stroke:${PALETTE.targetBorder.print},stroke-width:3px`);
    out.push(`  classDef unneeded fill:${PALETTE.unneededFill.print},stroke:${PALETTE.unneededBorder.print},color:${PALETTE.unneededText.print},stroke-dasharray:4 3`);
    out.push(`  classDef error stroke:${PALETTE.error.print},stroke-width:2px`);
    out.push(`  classDef warning stroke:${PALETTE.warning.print},stroke-width:2px`);
    const classes = new Map<string, string[]>();
    const add = (cls: string, id: string) => classes.set(cls, [...(classes.get(cls) ?? []), id]);
    for (const i of graph.images) add('image', i.id);
    for (const s of graph.stages) {
        if (s.role !== 'needed') add(s.role, s.id);
        const worst = worstProblem(s);
        if (worst === 'error' || worst === 'warning') add(worst, s.id);
    }
    for (const [cls, ids] of classes) out.push(`  class ${ids.join(',')} ${cls}`);
    return out.join('\n') + '\n';
}
