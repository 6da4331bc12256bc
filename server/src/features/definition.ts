/**
 * Go to definition of a stage reference: the stage's `AS` name, or its FROM for an unnamed stage
 * referred to by index. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DefinitionParams } from 'vscode-languageserver-protocol';
import type { Location } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import { stageAt } from './stageAt';

export function provideDefinition(
    document: TextDocument,
    analysis: Analysis,
    params: DefinitionParams,
): Location | null {
    const hit = stageAt(analysis, params.position, false);
    if (!hit) return null;
    return { uri: document.uri, range: hit.stage.nameRange ?? hit.stage.fromRange };
}
