/**
 * Find all references of a stage: its `AS` name (the declaration) and every reference that
 * resolves to it: `FROM name`, `COPY/ADD --from=name`, `RUN --mount=...,from=name`, and numeric
 * `--from=N`. The shared helper behind definition, references, rename and highlights. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReferenceParams } from 'vscode-languageserver-protocol';
import type { Location, Range } from 'vscode-languageserver-types';
import type { Analysis, StageRef } from '../analysis';
import type { BuildRef } from '../analysis/workspace';
import { buildLocations } from './builtBy';
import { stageAt } from './stageAt';

export interface StageOccurrence {
    range: Range;
    /** `declaration`: the `AS` name; otherwise the reference. */
    kind: 'declaration' | 'reference';
    /** The reference, for `reference`. */
    ref: StageRef | null;
}

/** Every occurrence of stage `index`, in document order (declaration first when it is first). */
export function stageOccurrences(analysis: Analysis, index: number): StageOccurrence[] {
    const stage = analysis.stages[index];
    if (!stage) return [];
    const out: StageOccurrence[] = [];
    if (stage.nameRange) out.push({ range: stage.nameRange, kind: 'declaration', ref: null });
    for (const s of analysis.stages) {
        for (const ref of s.refs) {
            if (ref.stage === index) out.push({ range: ref.range, kind: 'reference', ref });
        }
    }
    out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return out;
}

/** `builds`: the workspace's builds of this Dockerfile; those that name the stage come last. */
export function provideReferences(
    document: TextDocument,
    analysis: Analysis,
    params: ReferenceParams,
    builds: readonly BuildRef[] = [],
): Location[] | null {
    const hit = stageAt(analysis, params.position, false);
    if (!hit) return null;
    const includeDecl = params.context?.includeDeclaration !== false;
    return [
        ...stageOccurrences(analysis, hit.stage.index)
            .filter((o) => includeDecl || o.kind !== 'declaration')
            .map((o) => ({ uri: document.uri, range: o.range })),
        ...buildLocations(hit.stage, builds),
    ];
}
