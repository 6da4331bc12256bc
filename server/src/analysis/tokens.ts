/**
 * Instruction arguments exactly as dockerfile-ast 0.7.1 tokenises them, in one pass over the
 * document text, without its per-call allocations.
 *
 * dockerfile-ast splits the file into instructions (the parse, which the analysis keeps) but
 * re-tokenises an instruction's arguments on every `getArguments()` call: a substring of the
 * instruction, a string concatenation per character, a `Range` per argument with two binary
 * searches. That was a third of the analysis' own time. This module mirrors
 * `Instruction.getRawArguments()` (escape character, line continuations, comment lines inside
 * continuations, `\ ` followed by blanks, and its quirks) and `ModifiableInstruction.getFlags()`,
 * but yields plain offsets and turns only the offsets the analysis needs into positions.
 *
 * The contract is dockerfile-ast's own output: `test/unit/differential.test.ts` compares both on
 * thousands of random and mutated instructions (values, ranges, flags, `getArguments()` after the
 * flags). Pure; never throws.
 */
import type { Position, Range } from 'vscode-languageserver-types';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const HASH = 35;
const DOLLAR = 36;

/**
 * Offsets to LSP positions and back, exactly as `vscode-languageserver-textdocument` (which
 * dockerfile-ast uses) computes them: `\r\n`, `\r` and `\n` end a line.
 */
export class LineIndex {
    private offsets: number[] | null = null;

    constructor(readonly text: string) {}

    private lineOffsets(): number[] {
        if (this.offsets === null) {
            const text = this.text;
            const result = [0];
            if (text.indexOf('\r') === -1) {
                // The usual case, with the native search: only \n ends lines.
                for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) { result.push(i + 1); }
                this.offsets = result;
                return result;
            }
            for (let i = 0; i < text.length; i++) {
                const ch = text.charCodeAt(i);
                if (ch === CR || ch === LF) {
                    if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) { i++; }
                    result.push(i + 1);
                }
            }
            this.offsets = result;
        }
        return this.offsets;
    }

    private beforeEOL(offset: number, lineOffset: number): number {
        while (offset > lineOffset) {
            const ch = this.text.charCodeAt(offset - 1);
            if (ch !== CR && ch !== LF) { break; }
            offset--;
        }
        return offset;
    }

    /** `hint`: the line the offset is likely on (checked first, instead of a binary search). */
    positionAt(offset: number, hint = -1): Position {
        offset = Math.max(Math.min(offset, this.text.length), 0);
        const lineOffsets = this.lineOffsets();
        let line: number;
        if (hint >= 0 && hint < lineOffsets.length && lineOffsets[hint] <= offset && (hint + 1 === lineOffsets.length || offset < lineOffsets[hint + 1])) {
            line = hint;
        } else {
            let low = 0;
            let high = lineOffsets.length;
            while (low < high) {
                const mid = (low + high) >>> 1;
                if (lineOffsets[mid] > offset) { high = mid; } else { low = mid + 1; }
            }
            line = low - 1;
        }
        offset = this.beforeEOL(offset, lineOffsets[line]);
        return { line, character: offset - lineOffsets[line] };
    }

    offsetAt(position: Position): number {
        const lineOffsets = this.lineOffsets();
        if (position.line >= lineOffsets.length) { return this.text.length; }
        if (position.line < 0) { return 0; }
        const lineOffset = lineOffsets[position.line];
        if (position.character <= 0) { return lineOffset; }
        const next = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this.text.length;
        return this.beforeEOL(Math.min(lineOffset + position.character, next), lineOffset);
    }

    range(start: number, end: number, hint = -1): Range {
        const s = this.positionAt(start, hint);
        return { start: s, end: this.positionAt(end, s.line) };
    }
}

/** The arguments of one instruction: parallel arrays, reused from one instruction to the next. */
export interface Tokens {
    count: number;
    values: string[];
    /** Document offsets of each argument (what dockerfile-ast turns into its range). */
    starts: number[];
    ends: number[];
}

export function newTokens(): Tokens {
    return { count: 0, values: [], starts: [], ends: [] };
}

/**
 * `Instruction.getRawArguments()` of the instruction whose arguments are `text[from, to)` (from
 * the end of the keyword to the end of the instruction). `escape`: the escape character's code.
 * Mirrors the library statement by statement; indexes are relative to `from` as there, because
 * its degenerate arguments (an empty one that starts one character before `from`) depend on it.
 */
export function tokenize(text: string, from: number, to: number, escape: number, out: Tokens): Tokens {
    const length = to - from;
    let count = 0;
    let start = false;
    let comment = false;
    let found = -1;
    let escapedWhitespaceDetected = false;
    let escaping = false;
    let escapeMarker = -1;
    // The current argument's value is `acc` + text[from + runStart, from + runEnd): the library
    // appends character by character; we append runs (slices) of adjacent characters.
    let acc = '';
    let runStart = -1;
    let runEnd = -1;
    let end = -1; // where the argument being pushed ends (relative)
    const values = out.values;
    const starts = out.starts;
    const ends = out.ends;
    for (let i = 0; i < length; i++) {
        const ch = text.charCodeAt(from + i);
        // `app` >= 0: append text[from + app] to the value; `app2` too (an escaped `$` keeps its escape).
        let app = -1;
        let app2 = -1;
        let escaped = false; // an escape consumed the next character
        let stop = false;
        end = -1;
        if (ch === SPACE || ch === TAB || ch === CR || ch === LF) {
            if (escaping) {
                escapedWhitespaceDetected = true;
                if (ch === CR || ch === LF) {
                    escapedWhitespaceDetected = false;
                    if (comment) {
                        comment = false;
                        start = true;
                    }
                }
                continue;
            } else if (found !== -1) {
                end = escapeMarker === -1 ? i : escapeMarker;
                escapeMarker = -1;
            }
        } else if (ch === escape) {
            const next = i + 1 < length ? text.charCodeAt(from + i + 1) : -1;
            if (next === SPACE || next === TAB) {
                whitespaceCheck: for (let j = i + 2; j < length; j++) {
                    const c = text.charCodeAt(from + j);
                    switch (c) {
                        case SPACE:
                        case TAB:
                            continue;
                        case CR:
                        case LF:
                            if (c === CR) { j++; } // and on, as the library does, whatever follows
                            comment = false;
                            escaping = true;
                            start = true;
                            if (found !== -1) { escapeMarker = i; }
                            i = j;
                            break whitespaceCheck;
                        default:
                            escapeMarker = i;
                            if (found === -1) { i = j - 1; }
                            break whitespaceCheck;
                    }
                }
                continue;
            } else if (next === CR) {
                comment = false;
                escaping = true;
                start = true;
                if (found !== -1 && escapeMarker === -1) { escapeMarker = i; }
                i += 2;
                continue;
            } else if (next === LF) {
                comment = false;
                escaping = true;
                start = true;
                if (found !== -1 && escapeMarker === -1) { escapeMarker = i; }
                i++;
                continue;
            } else {
                if (escapedWhitespaceDetected && escapeMarker !== -1) { end = escapeMarker; }
                escapeMarker = -1;
                escapedWhitespaceDetected = false;
                escaping = false;
                if (next === -1) {
                    stop = true; // the escape character ends the text: the library stops there
                } else if (next === DOLLAR) {
                    app = i;
                    app2 = i + 1;
                } else {
                    app = i + 1;
                }
                escaped = !stop;
            }
        } else if (!comment) {
            if (start && ch === HASH) {
                comment = true;
            } else {
                if (escapedWhitespaceDetected && escapeMarker !== -1) { end = escapeMarker; }
                escapedWhitespaceDetected = false;
                escaping = false;
                escapeMarker = -1;
                app = i;
            }
            start = false;
        }
        if (end !== -1) {
            // The argument ends (the library pushes it and starts a new one).
            values[count] = runStart === -1 ? acc : acc + text.slice(from + runStart, from + runEnd);
            starts[count] = from + found;
            ends[count] = from + end;
            count++;
            acc = '';
            runStart = -1;
            found = -1;
        }
        if (stop) { break; }
        if (app !== -1) {
            // Append text[app] (and text[app2]): extend the run when adjacent, else start a new one.
            for (let k = app; k !== -1; k = k === app ? app2 : -1) {
                if (runStart !== -1 && k === runEnd) {
                    runEnd++;
                } else {
                    if (runStart !== -1) { acc += text.slice(from + runStart, from + runEnd); }
                    runStart = k;
                    runEnd = k + 1;
                }
            }
            if (found === -1) { found = i; }
            if (escaped) {
                i++;
            } else {
                // A plain character: so are the ones after it up to a blank or the escape character,
                // and on those the library's state does not change: take them in one step.
                let j = i + 1;
                while (j < length) {
                    const c = text.charCodeAt(from + j);
                    if (c === SPACE || c === TAB || c === CR || c === LF || c === escape) { break; }
                    j++;
                }
                runEnd = j;
                i = j - 1;
            }
        }
    }
    if (found !== -1) {
        values[count] = runStart === -1 ? acc : acc + text.slice(from + runStart, from + runEnd);
        starts[count] = from + found;
        ends[count] = from + (escapeMarker === -1 ? length : escapeMarker);
        count++;
    }
    out.count = count;
    return out;
}

/**
 * How `ModifiableInstruction.getFlags()` of this keyword decides that the flags are over:
 * FROM, RUN, COPY, ADD at an argument without `--` anywhere in it; HEALTHCHECK at `CMD` or `NONE`;
 * the other JSON instructions (CMD, ENTRYPOINT, SHELL, VOLUME) at once. Other keywords have no
 * flags.
 */
type FlagRule = 0 | 1 | 2 | 3;
const NO_FLAGS = 0;
const UNTIL_NO_DASHES = 1;
const UNTIL_SUBCOMMAND = 2;
const STOP_AT_ONCE = 3;

function flagRule(keyword: string): FlagRule {
    switch (keyword) {
        case 'FROM': case 'RUN': case 'COPY': case 'ADD':
            return UNTIL_NO_DASHES;
        case 'HEALTHCHECK':
            return UNTIL_SUBCOMMAND;
        case 'CMD': case 'ENTRYPOINT': case 'SHELL': case 'VOLUME':
            return STOP_AT_ONCE;
        default:
            return NO_FLAGS;
    }
}

function stopsFlags(rule: FlagRule, value: string): boolean {
    if (rule === UNTIL_NO_DASHES) { return value.indexOf('--') === -1; }
    if (rule === UNTIL_SUBCOMMAND) { const u = value.toUpperCase(); return u === 'CMD' || u === 'NONE'; }
    return true;
}

/** A flag as `getFlags()` names it: without `--`; its value, null without `=`. */
export interface FlagToken {
    name: string;
    value: string | null;
    /** Index of the argument in the tokens. */
    index: number;
}

/**
 * `getFlags()`: the leading `--` arguments of a FROM/RUN/COPY/ADD/HEALTHCHECK (an argument that
 * contains `--` without starting with it is skipped, not a stop: the library's rule). With
 * `collect` false only the count is computed (`flags` stays empty).
 */
export function readFlags(keyword: string, tokens: Tokens, index: LineIndex, collect: boolean, flags: FlagToken[]): number {
    const rule = flagRule(keyword);
    if (rule === NO_FLAGS || rule === STOP_AT_ONCE) { return 0; }
    let n = 0;
    for (let k = 0; k < tokens.count; k++) {
        const value = tokens.values[k];
        if (stopsFlags(rule, value)) { break; }
        if (value.indexOf('--') !== 0) { continue; }
        n++;
        if (!collect) { continue; }
        // The library reads the raw text of the argument's range for `=` (offsets normalised
        // through positions, as its ranges are) and the unescaped value for the rest.
        const raw = index.text.substring(index.offsetAt(index.positionAt(tokens.starts[k])), index.offsetAt(index.positionAt(tokens.ends[k])));
        const nameIndex = value.indexOf('=');
        const rawIndex = raw.indexOf('=');
        if (rawIndex === -1) {
            flags.push({ name: value.substring(2), value: null, index: k });
        } else if (rawIndex === value.length - 1) {
            flags.push({ name: value.substring(2, rawIndex), value: '', index: k });
        } else {
            flags.push({ name: value.substring(2, nameIndex), value: value.substring(nameIndex + 1), index: k });
        }
    }
    return n;
}

/** `getArguments()` after the flags, joined by one space (dockerfile-ast's values, not the raw text). */
export function joinValues(tokens: Tokens, from: number): string {
    if (from >= tokens.count) { return ''; }
    let s = tokens.values[from];
    for (let k = from + 1; k < tokens.count; k++) { s += ' ' + tokens.values[k]; }
    return s;
}

/**
 * `Comment.getContent()` of the comment at `range`: the text after the `#` without the blanks
 * (space, tab, CR, LF) around it. A comment is one line, so the library's trip through positions
 * changes no offset.
 */
export function commentContent(index: LineIndex, range: Range): string {
    const text = index.text;
    const end = index.offsetAt(range.end);
    let s = index.offsetAt(range.start) + 1;
    while (s < end && isBlank(text.charCodeAt(s))) { s++; }
    if (s >= end) { return ''; }
    let e = end;
    while (e > s && isBlank(text.charCodeAt(e - 1))) { e--; }
    return text.substring(s, e);
}

function isBlank(ch: number): boolean {
    return ch === SPACE || ch === TAB || ch === CR || ch === LF;
}
