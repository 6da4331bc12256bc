/**
 * `stagecraft/stageGraph`: the stage graph of a document for the editor's graph view, with the
 * diagnostics the editor shows (the same severities and switches). Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../analysis';
import type { StageGraphResult } from '../common/graphProtocol';
import type { StagecraftSettings } from '../common/settings';
import { stageDiagnostics, stageGraph } from '../graph/build';
import { provideDiagnostics } from './diagnostics';

export function provideStageGraph(document: TextDocument, analysis: Analysis, settings: StagecraftSettings): StageGraphResult {
    const diagnostics = settings.features.diagnostics ? provideDiagnostics(document, analysis, settings) : [];
    return { uri: document.uri, version: document.version, graph: stageGraph(analysis, stageDiagnostics(diagnostics)) };
}
