/**
 * Code lenses above every FROM:
 * - `$(play) Build with cache` → `stagecraft.buildStage [uri, index, name]`, run by the client as
 *   a VS Code task (`stagecraft build ... --target <stage>`);
 * - a summary: the stage's patterns and `used by N`, `unused by <target>`, or `build target`
 *   → `stagecraft.showStage [uri, index, name]` (the client reveals the stage and its card).
 * Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLensParams } from 'vscode-languageserver-protocol';
import type { CodeLens } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { Commands, type StageCommandArgs } from '../common/protocol';
import type { StagecraftSettings } from '../common/settings';
import { stageLabel, targetStage } from './stageAt';

export const BUILD_LENS_TITLE = '$(play) Build with cache';

/** `builder-app, split-step · used by 2`, `unused by app`, `build target`. */
export function summaryTitle(analysis: Analysis, stage: Stage): string {
    const parts: string[] = [];
    if (stage.patterns.length) parts.push(stage.patterns.map((p) => p.label).join(', '));
    const target = targetStage(analysis);
    if (target && target.index === stage.index) parts.push('build target');
    else if (!target || stage.reachable) parts.push(`used by ${stage.usedBy.length}`);
    else parts.push(`unused by ${stageLabel(target)}`);
    return parts.join(' · ');
}

export function provideCodeLenses(
    document: TextDocument,
    analysis: Analysis,
    _params: CodeLensParams,
    _settings: StagecraftSettings,
): CodeLens[] {
    const lenses: CodeLens[] = [];
    for (const stage of analysis.stages) {
        const args: StageCommandArgs = [document.uri, stage.index, stage.name];
        const line = stage.fromRange.start.line;
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        lenses.push({ range, command: { title: BUILD_LENS_TITLE, command: Commands.buildStage, arguments: args } });
        lenses.push({ range, command: { title: summaryTitle(analysis, stage), command: Commands.showStage, arguments: args } });
    }
    return lenses;
}
