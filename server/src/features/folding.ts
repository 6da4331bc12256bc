/** Folding: one region per stage, from its FROM to its last instruction. Pure. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FoldingRangeParams } from 'vscode-languageserver-protocol';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import { stageBodyRange } from './stageAt';

export function provideFoldingRanges(
    _document: TextDocument,
    analysis: Analysis,
    _params: FoldingRangeParams,
): FoldingRange[] {
    const out: FoldingRange[] = [];
    for (const stage of analysis.stages) {
        const r = stageBodyRange(stage);
        if (r.end.line > r.start.line) out.push({ startLine: r.start.line, endLine: r.end.line, kind: FoldingRangeKind.Region });
    }
    return out;
}
