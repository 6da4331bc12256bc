/**
 * Text helpers shared by the quick-fixes: line slices with in-place replacements, stage names
 * that cannot be mistaken for anything else in the file, and the renumbering of numeric
 * `--from=N` references when a stage is inserted. Pure.
 */
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { Analysis } from '../analysis';

export interface Replacement {
    range: Range;
    newText: string;
}

/** The document as lines, with the line break it uses. */
export interface Lines {
    lines: string[];
    eol: string;
}

export function toLines(text: string): Lines {
    // Line ends as the parser and the editor count them: `\r\n`, `\n`, or a lone `\r`.
    return { lines: text.split(/\r\n|\r|\n/), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/**
 * Lines `first..last` (inclusive) joined with the document's line break, with the single-line
 * replacements that fall inside them applied.
 */
export function sliceLines(doc: Lines, first: number, last: number, replacements: Replacement[] = []): string {
    const out: string[] = [];
    for (let l = first; l <= last && l < doc.lines.length; l++) {
        let line = doc.lines[l];
        const here = replacements
            .filter((r) => r.range.start.line === l && r.range.end.line === l)
            .sort((a, b) => b.range.start.character - a.range.start.character);
        for (const r of here) {
            line = line.slice(0, r.range.start.character) + r.newText + line.slice(r.range.end.character);
        }
        out.push(line);
    }
    return out.join(doc.eol);
}

/** The text inside a range. */
export function textOf(doc: Lines, range: Range): string {
    if (range.start.line === range.end.line) {
        return (doc.lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
    }
    const parts = [(doc.lines[range.start.line] ?? '').slice(range.start.character)];
    for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(doc.lines[l] ?? '');
    parts.push((doc.lines[range.end.line] ?? '').slice(0, range.end.character));
    return parts.join(doc.eol);
}

/** BuildKit's stage-name shape, lower case. */
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/**
 * A stage name from an image reference: `golang:1.22` -> `golang`, `ghcr.io/org/api-base@sha256:..`
 * -> `api-base`, `${BASE}` -> `stage`.
 */
export function nameFromImage(image: string): string {
    let s = image.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
    s = s.replace(/@.*$/, '');
    const lastSlash = s.lastIndexOf('/');
    const lastColon = s.lastIndexOf(':');
    if (lastColon > lastSlash) s = s.slice(0, lastColon);
    s = s.slice(lastSlash + 1).toLowerCase();
    s = s.replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z]+/, '').replace(/[-_.]+$/, '');
    return STAGE_NAME.test(s) ? s : 'stage';
}

/**
 * Every word that must not become a new stage name, lower-cased: existing stage names, every
 * reference text (a new stage named like an image some FROM or --from uses would capture it),
 * and the reserved `scratch` and `context`.
 */
export function takenNames(analysis: Analysis): Set<string> {
    const taken = new Set<string>(['scratch', 'context']);
    for (const stage of analysis.stages) {
        if (stage.name) taken.add(stage.name.toLowerCase());
        for (const ref of stage.refs) {
            taken.add(ref.text.toLowerCase());
            if (ref.resolved) taken.add(ref.resolved.toLowerCase());
        }
    }
    return taken;
}

/** `base`, else `base-2`, `base-3`, ...: the first not in `taken` (which it is added to). */
export function uniqueName(base: string, taken: Set<string>): string {
    const b = STAGE_NAME.test(base.toLowerCase()) ? base : 'stage';
    let name = b;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${b}-${n}`;
    taken.add(name.toLowerCase());
    return name;
}

/** Replacements renumbering numeric references to stages at or after `inserted` (a stage goes in before it). */
export function numericShifts(analysis: Analysis, inserted: number): Replacement[] {
    const out: Replacement[] = [];
    for (const stage of analysis.stages) {
        for (const ref of stage.refs) {
            if (ref.numeric && ref.stage !== null && ref.stage >= inserted) {
                out.push({ range: ref.range, newText: String(ref.stage + 1) });
            }
        }
    }
    return out;
}

export function lineInside(r: Replacement, first: number, last: number): boolean {
    return r.range.start.line >= first && r.range.end.line <= last;
}

function before(a: Range['start'], b: Range['start']): number {
    return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/**
 * Edits sorted, with an insertion that starts where a replacement starts merged into it, so no
 * two edits share a start (clients order such edits differently).
 */
export function normalizeEdits(edits: TextEdit[]): TextEdit[] {
    const sorted = [...edits].sort((a, b) => before(a.range.start, b.range.start) || before(a.range.end, b.range.end));
    const out: TextEdit[] = [];
    for (const e of sorted) {
        const last = out[out.length - 1];
        if (last && before(last.range.start, e.range.start) === 0 && before(last.range.start, last.range.end) === 0) {
            out[out.length - 1] = { range: e.range, newText: last.newText + e.newText };
        } else {
            out.push(e);
        }
    }
    return out;
}

/** Applies LSP text edits to a text (tests, and checking a fix before offering it). */
export function applyEdits(text: string, edits: TextEdit[]): string {
    const doc = toLines(text);
    const offsets: number[] = [];
    let acc = 0;
    for (const line of doc.lines) {
        offsets.push(acc);
        acc += line.length + doc.eol.length;
    }
    const offset = (p: Range['start']) => Math.min((offsets[p.line] ?? text.length) + p.character, text.length);
    const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
    let out = text;
    for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
    return out;
}
