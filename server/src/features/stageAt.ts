/**
 * Shared lookups for the stage features: which stage (or reference) is under a position,
 * how to print a stage's label. Pure.
 */
import type { Position, Range } from 'vscode-languageserver-types';
import type { Analysis, Stage, StageRef } from '../analysis';

/** True when `pos` is inside `range`, both ends included (a cursor right after a word is on it). */
export function inRange(range: Range | null | undefined, pos: Position): boolean {
    if (!range) return false;
    const { start, end } = range;
    if (pos.line < start.line || pos.line > end.line) return false;
    if (pos.line === start.line && pos.character < start.character) return false;
    if (pos.line === end.line && pos.character > end.character) return false;
    return true;
}

/** Longest text from the file (a name, an image) that a feature shows whole. */
export const MAX_SHOWN = 120;

/** `text` cut to `max` characters with an ellipsis: what the editor shows stays small whatever the file holds. */
export function clip(text: string, max = MAX_SHOWN): string {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `builder`, or `stage 2` for an unnamed stage (a name longer than `MAX_SHOWN` is clipped). */
export function stageLabel(stage: Stage): string {
    return stage.name === null ? `stage ${stage.index}` : clip(stage.name);
}

/** What a position points at, for hover and navigation. */
export interface StageHit {
    /** The stage meant. */
    stage: Stage;
    /** How the position refers to it. */
    via: 'name' | 'ref' | 'from-line';
    /** The text range under the cursor (the name or the reference), or the FROM for `from-line`. */
    range: Range;
    /** The reference under the cursor, for `ref`. */
    ref: StageRef | null;
}

/**
 * The stage a position designates: its `AS` name, a reference that resolves to it (FROM,
 * `--from`, `from=`, numeric), or, when `wholeFromLine`, anywhere on its FROM instruction.
 */
export function stageAt(analysis: Analysis, pos: Position, wholeFromLine: boolean): StageHit | null {
    const stages = analysis.stages;
    for (const stage of stages) {
        if (inRange(stage.nameRange, pos)) return { stage, via: 'name', range: stage.nameRange as Range, ref: null };
    }
    for (const stage of stages) {
        for (const ref of stage.refs) {
            if (ref.stage !== null && inRange(ref.range, pos)) {
                const target = stages[ref.stage];
                if (target) return { stage: target, via: 'ref', range: ref.range, ref };
            }
        }
    }
    if (wholeFromLine) {
        for (const stage of stages) {
            if (inRange(stage.fromRange, pos)) return { stage, via: 'from-line', range: stage.fromRange, ref: null };
        }
    }
    return null;
}

/** The stage whose range holds this 0-based line, or null (e.g. above the first FROM). */
export function stageOfLine(analysis: Analysis, line: number): Stage | null {
    let found: Stage | null = null;
    for (const stage of analysis.stages) {
        if (stage.range.start.line <= line) found = stage;
        else break;
    }
    return found;
}

/** The range of a stage without its trailing blank lines and comments: FROM to last instruction. */
export function stageBodyRange(stage: Stage): Range {
    let end = stage.fromRange.end;
    for (const ins of stage.instructions) {
        if (ins.range.end.line > end.line || (ins.range.end.line === end.line && ins.range.end.character > end.character)) {
            end = ins.range.end;
        }
    }
    return { start: stage.fromRange.start, end };
}

/** The target stage of the analysis, or null. */
export function targetStage(analysis: Analysis): Stage | null {
    return analysis.target === null ? null : analysis.stages[analysis.target] ?? null;
}
