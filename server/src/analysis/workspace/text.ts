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
        return { line: lo, character: o - this.starts[lo]! };
    }

    range(start: number, end: number): Range {
        return { start: this.position(start), end: this.position(end) };
    }

    /** The offset of a position (clamped to its line). */
    offset(pos: Position): number {
        const start = this.starts[Math.min(pos.line, this.starts.length - 1)] ?? 0;
        const next = this.starts[pos.line + 1] ?? this.text.length + 1;
        return Math.min(start + pos.character, next - 1, this.text.length);
    }
}
