/** Document highlights of a stage: the `AS` name (write) and every reference to it (read). Pure. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentHighlightParams } from 'vscode-languageserver-protocol';
import { DocumentHighlightKind, type DocumentHighlight } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import { stageOccurrences } from './references';
import { stageAt } from './stageAt';

export function provideDocumentHighlights(
    _document: TextDocument,
    analysis: Analysis,
    params: DocumentHighlightParams,
): DocumentHighlight[] | null {
    const hit = stageAt(analysis, params.position, false);
    if (!hit) return null;
    return stageOccurrences(analysis, hit.stage.index).map((o) => ({
        range: o.range,
        kind: o.kind === 'declaration' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}
