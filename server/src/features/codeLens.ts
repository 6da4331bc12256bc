/**
 * Code lenses above every FROM:
 * - `$(play) Build with cache` → `stagecraft.buildStage [uri, index, name]`, run by the client as
 *   a VS Code task (`stagecraft build ... --target <stage>`);
 * - a summary: the stage's patterns and `used by N`, `unused by <target>`, or `build target`
 *   → `stagecraft.showStage [uri, index, name]` (the client reveals the stage and its card).
 *
 * In two steps, because a 1,000-stage file has 2,000 lenses and their commands made ~420 KB of
 * JSON per `textDocument/codeLens`: `provideCodeLenses` answers lenses WITHOUT a command, each
 * with one number as `data` (document key, stage index and which lens: `encodeLensData`), and
 * `resolveCodeLens` fills in the command of one lens (`codeLens/resolve`; VS Code resolves only
 * the lenses on screen). The document key is a small number the server hands out per open
 * document, since the resolve request carries no URI. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLensParams } from 'vscode-languageserver-protocol';
import type { CodeLens } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { Commands, type StageCommandArgs } from '../common/protocol';
import type { StagecraftSettings } from '../common/settings';
import { stageLabel, targetStage } from './stageAt';

export const BUILD_LENS_TITLE = '$(play) Build with cache';

/** Which of the two lenses of a stage. */
export const LensKind = { build: 0, summary: 1 } as const;
export type LensKind = (typeof LensKind)[keyof typeof LensKind];

/** What the `data` of an unresolved lens stands for. */
export interface StageLensData {
    documentKey: number;
    stageIndex: number;
    kind: LensKind;
}

/** Room for the stage index and the kind in the low bits of the number (2^21 stages). */
const LOW = 2 ** 22;
/** Largest document key that keeps the number an exact integer (2^31). */
const MAX_KEY = 2 ** 31;

/**
 * `data` is ONE integer, `documentKey * 2^22 + stageIndex * 2 + kind` (7 digits for the first
 * document): measured over stdio at 2,000 lenses, an array `[key, index, kind]` per lens costs
 * ~1 ms more per request to parse, and the URI per lens (+40 bytes each) 3 ms more.
 */
export function encodeLensData(documentKey: number, stageIndex: number, kind: LensKind): number {
    if (!Number.isInteger(documentKey) || documentKey < 0 || documentKey >= MAX_KEY) throw new RangeError(`document key out of range: ${documentKey}`);
    if (!Number.isInteger(stageIndex) || stageIndex < 0 || stageIndex * 2 + 1 >= LOW) throw new RangeError(`stage index out of range: ${stageIndex}`);
    return documentKey * LOW + stageIndex * 2 + kind;
}

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

/**
 * The unresolved lenses: two per stage, at character 0 of its FROM line, with `data` and no
 * `command`. `documentKey` is whatever number lets the caller find the document again on resolve.
 */
export function provideCodeLenses(
    _document: TextDocument,
    analysis: Analysis,
    _params: CodeLensParams,
    _settings: StagecraftSettings,
    documentKey: number,
): CodeLens[] {
    const lenses: CodeLens[] = [];
    for (const stage of analysis.stages) {
        const line = stage.fromRange.start.line;
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        const build = encodeLensData(documentKey, stage.index, LensKind.build);
        lenses.push({ range, data: build }, { range, data: build + LensKind.summary });
    }
    return lenses;
}

/** The `data` of a lens from `provideCodeLenses`, or null when it is not one (or malformed). */
export function lensData(lens: CodeLens | null | undefined): StageLensData | null {
    const d: unknown = lens?.data;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return null;
    const low = d % LOW;
    return { documentKey: (d - low) / LOW, stageIndex: Math.floor(low / 2), kind: (low % 2) as LensKind };
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
 * Fills in the command of one lens from the CURRENT analysis of its document: the stage is
 * looked up by index, so a lens of an older version gets the command of the stage that now has
 * that index (VS Code asks for fresh lenses after every edit anyway). A stage that no longer
 * exists, or a lens that is not ours, gives `emptyLens`.
 */
export function resolveCodeLens(document: TextDocument, analysis: Analysis, lens: CodeLens): CodeLens {
    const data = lensData(lens);
    const stage = data ? analysis.stages[data.stageIndex] : undefined;
    if (!data || !stage) return emptyLens(lens);
    const args: StageCommandArgs = [document.uri, stage.index, stage.name];
    const command = data.kind === LensKind.build
        ? { title: BUILD_LENS_TITLE, command: Commands.buildStage, arguments: args }
        : { title: summaryTitle(analysis, stage), command: Commands.showStage, arguments: args };
    return { range: lens.range, command };
}
