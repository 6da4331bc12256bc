/** What the readers of YAML and JSON build files share: target fields, parse errors as notes. Pure. */
import { isScalar, type YAMLError } from 'yaml';
import type { BuildFileNote, BuildRef } from './model';
import type { LineIndex } from './text';
import { stringOf, type YNode } from './yamlSupport';
import type { Scalar } from 'yaml';

type TargetFields = Pick<BuildRef, 'target' | 'targetRange' | 'literal' | 'targetSlot'>;

/** The target of a build from its `target:` entry (absent, empty, a literal or an expression). */
export function targetFields(text: string, lines: LineIndex, entry: { key: Scalar; value: YNode } | undefined): TargetFields {
    if (!entry) return { target: null, targetRange: null, literal: true, targetSlot: null };
    const s = stringOf(text, entry.value);
    if (!s || s.value === '') {
        // `target:` with nothing after it yet: the rest of the line is where a name is typed.
        const empty = !entry.value || (isScalar(entry.value) && (entry.value.value === null || entry.value.value === ''));
        if (!empty) return { target: null, targetRange: null, literal: false, targetSlot: null };
        const after = entry.key.range![1] + 1;
        const eol = text.indexOf('\n', after);
        const slotEnd = eol < 0 ? text.length : text[eol - 1] === '\r' ? eol - 1 : eol;
        const quoted = entry.value && isScalar(entry.value) && entry.value.range && entry.value.value === '' ? entry.value.range : null;
        return { target: null, targetRange: null, literal: true, targetSlot: quoted ? lines.range(quoted[0] + 1, quoted[1] - 1) : lines.range(after, Math.max(after, slotEnd)) };
    }
    const literal = isLiteralName(s.value);
    const exact = literal ? s.exact : null;
    return {
        target: s.value,
        targetRange: exact ? lines.range(exact.start, exact.end) : null,
        literal,
        targetSlot: exact ? lines.range(exact.start, exact.end) : lines.range(s.start, s.end),
    };
}

/** A name with no variable or expression in it (`${X}`, `$X`, `${{ x }}`). */
export function isLiteralName(value: string): boolean {
    return !/[$`{}]/.test(value);
}

/** The parser's first errors as notes (the rest of the file is still read). */
export function parseErrorNotes(errors: readonly YAMLError[], lines: LineIndex): BuildFileNote[] {
    return errors.slice(0, 3).map((e) => ({ code: 'parse-error', message: `Not valid YAML here: ${e.message.split('\n')[0]}`, range: lines.range(e.pos[0], e.pos[1]) }));
}
