/**
 * The stage summary as an inlay hint at the end of every FROM line: the stage's patterns and
 * `used by N`, `unused by <target>`, or `build target` (`summaryTitle`, the one source of that
 * text), as one label part that carries `stagecraft.showStage [uri, index, name]` (the client
 * reveals the stage and its card; VS Code runs a hint's command on Ctrl/Cmd+click) and a tooltip.
 *
 * VS Code asks `textDocument/inlayHint` for the visible range only, so only the hints inside
 * `params.range` are answered: a 1,000-stage file costs what one screen does. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { InlayHintParams } from 'vscode-languageserver-protocol';
import type { InlayHint, Position } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { Commands, type StageCommandArgs } from '../common/protocol';
import type { StageUsage } from './builtBy';
import { summaryTitle } from './codeLens';
import { stageLabel } from './stageAt';

/** The end of a 0-based line (before its line break). */
function lineEnd(document: TextDocument, line: number): Position {
    const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    return { line, character: text.replace(/\r?\n$|\r$/, '').length };
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

/** The tooltip of a summary hint: which stage, and the summary in full (a long label is cut by VS Code). */
export function summaryTooltip(stage: Stage, summary: string): string {
    return `Stage ${stageLabel(stage)} (#${stage.index}): ${summary}`;
}

/**
 * One hint per stage whose FROM ends inside `params.range` (both ends included), at the end of
 * the FROM's last line (a FROM continued with `\` gets it after its last part).
 */
export function provideInlayHints(document: TextDocument, analysis: Analysis, params: InlayHintParams, workspace?: StageUsage): InlayHint[] {
    const { start, end } = params.range;
    const hints: InlayHint[] = [];
    for (const stage of analysis.stages) {
        const line = stage.fromRange.end.line;
        if (line < start.line) continue;
        if (line > end.line) break;
        const position = lineEnd(document, line);
        if (before(position, start) || before(end, position)) continue;
        const summary = summaryTitle(analysis, stage, workspace);
        const args: StageCommandArgs = [document.uri, stage.index, stage.name];
        hints.push({
            position,
            label: [{
                value: summary,
                tooltip: summaryTooltip(stage, workspace ? summaryTitle(analysis, stage, workspace, Infinity) : summary),
                command: { title: `Show stage ${stageLabel(stage)}`, command: Commands.showStage, arguments: args },
            }],
            paddingLeft: true,
        });
    }
    return hints;
}
