/**
 * Quick-fixes (code actions). STUB created by the server engineer so the server compiles;
 * the client engineer owns this file and replaces it.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeActionParams } from 'vscode-languageserver-protocol';
import type { CodeAction } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';
import type { StagecraftSettings } from '../common/settings';

export function provideCodeActions(
    _document: TextDocument,
    _analysis: Analysis,
    _params: CodeActionParams,
    _settings: StagecraftSettings,
): CodeAction[] {
    return [];
}
