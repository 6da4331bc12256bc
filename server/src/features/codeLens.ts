/**
 * One code lens above every FROM: `$(play) Build with cache` → `stagecraft.buildStage
 * [uri, index, name]`, run by the client as a VS Code task (`stagecraft build ... --target <stage>`).
 * The stage's summary (patterns, `used by N`, ...) is an inlay hint at the end of the FROM line
 * (`inlayHints.ts`; `summaryTitle` here is the one source of its text).
 *
 * In two steps, because a 1,000-stage file has 1,000 lenses: `provideCodeLenses` answers lenses
 * WITHOUT a command, each with the document's key as `data` (a small number the server hands out
 * per open document, since `codeLens/resolve` carries no URI), and `resolveCodeLens` fills in the
 * command of one lens (VS Code resolves only the lenses on screen), for the stage whose FROM starts
 * on the lens's line in the CURRENT analysis. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLensParams } from 'vscode-languageserver-protocol';
import type { CodeLens } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { Commands, type StageCommandArgs } from '../common/protocol';
import type { StagecraftSettings } from '../common/settings';
import { builtBySummary, neededByWorkspace, type StageUsage } from './builtBy';
import { stageLabel, targetStage } from './stageAt';

export const BUILD_LENS_TITLE = '$(play) Build with cache';

/**
 * `builder-app, split-step · used by 2`, `unused by app`, `build target`, and with the workspace's
 * builds (`builtBy.ts`) `built by compose service api +1`; a stage a workspace build needs is not
 * `unused`.
 */
export function summaryTitle(analysis: Analysis, stage: Stage, workspace?: StageUsage, maxOwners?: number): string {
    const parts: string[] = [];
    if (stage.patterns.length) parts.push(stage.patterns.map((p) => p.label).join(', '));
    const target = targetStage(analysis);
    const builtBy = builtBySummary(workspace, stage, maxOwners);
    if (target && target.index === stage.index) parts.push('build target');
    else if (!target || stage.reachable || neededByWorkspace(workspace, stage)) {
        if (!builtBy || stage.usedBy.length) parts.push(`used by ${stage.usedBy.length}`);
    } else parts.push(`unused by ${stageLabel(target)}`);
    if (builtBy) parts.push(builtBy);
    return parts.join(' · ');
}

/**
 * The unresolved lenses: one per stage, at character 0 of its FROM line, with the document key as
 * `data` and no `command` (~90 bytes a lens, nearly all of it the range). The line says which
 * stage: see `resolveCodeLens`.
 */
export function provideCodeLenses(
    _document: TextDocument,
    analysis: Analysis,
    _params: CodeLensParams,
    _settings: StagecraftSettings,
    documentKey: number,
): CodeLens[] {
    return analysis.stages.map((stage) => {
        const line = stage.fromRange.start.line;
        return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, data: documentKey };
    });
}

/** The document key in the `data` of a lens from `provideCodeLenses`, or null when malformed. */
export function lensDocumentKey(lens: CodeLens | null | undefined): number | null {
    const d: unknown = lens?.data;
    return typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : null;
}

/** The stage whose FROM starts on this 0-based line, or undefined (stages are in line order). */
export function stageOnFromLine(analysis: Analysis, line: number): Stage | undefined {
    const stages = analysis.stages;
    let lo = 0;
    let hi = stages.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = stages[mid]!.fromRange.start.line;
        if (at === line) return stages[mid];
        if (at < line) lo = mid + 1;
        else hi = mid - 1;
    }
    return undefined;
}

/**
 * A lens that resolves to nothing to show: an empty title and no command id. VS Code needs a
 * `command` on every resolved lens (without one its extension host logs "INVALID code lens
 * resolved, lacks command" as an error of the extension); an empty title renders as nothing.
 */
export function emptyLens(lens: CodeLens | null | undefined): CodeLens {
    const range = lens?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { range, command: { title: '', command: '' } };
}

/**
 * Fills in the command of one lens from the CURRENT analysis of its document: the stage whose
 * FROM starts on `lens.range.start.line`. A lens of an older version whose line no longer starts
 * a FROM (VS Code asks for fresh lenses after every edit anyway), or a lens that is not ours,
 * gives `emptyLens`. (LSP 3.17's `Command` has no tooltip, so the lens has none.)
 */
export function resolveCodeLens(document: TextDocument, analysis: Analysis, lens: CodeLens): CodeLens {
    const line: unknown = lens?.range?.start?.line;
    const stage = typeof line === 'number' && Number.isInteger(line) && line >= 0 ? stageOnFromLine(analysis, line) : undefined;
    if (!stage) return emptyLens(lens);
    const args: StageCommandArgs = [document.uri, stage.index, stage.name];
    return { range: lens.range, command: { title: BUILD_LENS_TITLE, command: Commands.buildStage, arguments: args } };
}
