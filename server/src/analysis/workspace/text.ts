/** Offsets to LSP positions in one text, found by binary search over line starts. Pure. */
import type { Position, Range } from 'vscode-languageserver-types';

export class LineIndex {
    private readonly starts: number[] = [0];

    constructor(readonly text: string) {
        for (let i = 0; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (c === 10) this.starts.push(i + 1);
            else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
        }
    }

    position(offset: number): Position {
        const o = Math.max(0, Math.min(offset, this.text.length));
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.starts[mid]! <= o) lo = mid;
            else hi = mid - 1;
        }
        // An offset inside a line break is the end of the line's text.
        return { line: lo, character: Math.min(o, this.contentEnd(lo)) - this.starts[lo]! };
    }

    /** The offset where line `line`'s text ends (before its line break). */
    private contentEnd(line: number): number {
        const next = this.starts[line + 1];
        if (next === undefined) return this.text.length;
        let end = next - 1;
        if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13 && end - 1 >= this.starts[line]!) end--;
        return end;
    }

    range(start: number, end: number): Range {
        return { start: this.position(start), end: this.position(end) };
    }
}
