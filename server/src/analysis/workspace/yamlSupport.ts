/**
 * Reading the `yaml` library's document tree: values by key (aliases and `<<` merge keys
 * followed), string scalars with the exact range of their text, and shell scripts with a map
 * from each character back to the source. Pure.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

export type YNode = Node | null | undefined;

/** The node an alias points at; other nodes as they are. */
export function deref(doc: Document, node: unknown): YNode {
    let n = node as YNode;
    for (let k = 0; k < 10 && n && isAlias(n); k++) n = n.resolve(doc) as YNode;
    return n && isAlias(n) ? null : n;
}

/** A map's entries by key, `<<: *anchor` merges first (own keys win), aliases resolved. */
export function entries(doc: Document, node: YNode): Map<string, { key: Scalar; value: YNode }> {
    const out = new Map<string, { key: Scalar; value: YNode }>();
    const map = deref(doc, node);
    if (!map || !isMap(map)) return out;
    for (const pair of (map as YAMLMap).items as Pair[]) {
        if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
        const src = deref(doc, pair.value);
        const sources = src && isSeq(src) ? src.items.map((i) => deref(doc, i)) : [src];
        for (const s of sources) for (const [k, v] of entries(doc, s)) if (!out.has(k)) out.set(k, v);
    }
    const own = new Map<string, { key: Scalar; value: YNode }>();
    for (const pair of (map as YAMLMap).items as Pair[]) {
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        own.set(String(pair.key.value), { key: pair.key, value: deref(doc, pair.value) });
    }
    for (const [k, v] of own) out.set(k, v);
    return out;
}

/** The items of a sequence (aliases resolved); [] for anything else. */
export function items(doc: Document, node: YNode): YNode[] {
    const seq = deref(doc, node);
    return seq && isSeq(seq) ? seq.items.map((i) => deref(doc, i)) : [];
}

/** A string (or number) scalar: its value, where it is, and the offsets of exactly its text. */
export interface YString {
    value: string;
    start: number;
    end: number;
    /** Offsets of `value` in the source (inside quotes), or null when the source spells it otherwise (escapes, folding). */
    exact: { start: number; end: number } | null;
}

export function stringOf(src: string, node: YNode): YString | null {
    if (!node || !isScalar(node) || !node.range) return null;
    const v = node.value;
    if (typeof v !== 'string' && typeof v !== 'number') return null;
    const value = String(v);
    const [start, end] = node.range;
    let exact: YString['exact'] = null;
    if (node.type === 'PLAIN' && src.slice(start, end) === value) exact = { start, end };
    else if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && src.slice(start + 1, end - 1) === value) exact = { start: start + 1, end: end - 1 };
    return { value, start, end, exact };
}

/**
 * The text of a string scalar as a shell reads it, with the source offset of every character:
 * plain and quoted one-liners as written, block scalars (`|`, `>`) line by line without their
 * indentation. Null for what cannot be mapped exactly (escapes, multi-line quoted strings).
 * `folded`: newlines in the result stand for spaces (a `>` block, a multi-line plain scalar).
 */
export function scriptOf(src: string, node: YNode): { text: string; offsets: number[]; folded: boolean } | null {
    if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string') return null;
    const [start, end] = node.range;
    const raw = src.slice(start, end);
    const ident = (from: number, s: string) => ({ text: s, offsets: Array.from({ length: s.length + 1 }, (_, k) => from + k), folded: false });
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
        const inner = raw.slice(1, -1);
        return inner === node.value && !inner.includes('\n') ? ident(start + 1, inner) : null;
    }
    if (node.type === 'PLAIN' && !raw.includes('\n')) return raw === node.value ? ident(start, raw) : null;
    // Block scalars and multi-line plain scalars: the content lines, indentation removed.
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    let pos = block ? src.indexOf('\n', start) + 1 : start;
    if (block && pos === 0) return null;
    let text = '';
    const offsets: number[] = [];
    let indent = -1;
    let first = true;
    while (pos < end) {
        let lineEnd = src.indexOf('\n', pos);
        if (lineEnd < 0 || lineEnd > end) lineEnd = end;
        const line = src.slice(pos, lineEnd);
        const lead = line.length - line.trimStart().length;
        if (indent < 0 && line.trim() !== '') indent = block ? lead : 0;
        const cut = first && !block ? 0 : Math.min(lead, Math.max(indent, 0));
        if (!first) { text += '\n'; offsets.push(pos - 1); }
        const body = block ? line.slice(cut) : line.trim();
        const bodyStart = pos + (block ? cut : lead);
        for (let k = 0; k < body.length; k++) { text += body[k]; offsets.push(bodyStart + k); }
        first = false;
        pos = lineEnd + 1;
    }
    offsets.push(end);
    return { text, offsets, folded: node.type !== 'BLOCK_LITERAL' };
}
