/**
 * ARG expansion as BuildKit does it for FROM lines: `$V`, `${V}`, `${V:-w}`, `${V-w}`, `${V:+w}`,
 * `${V+w}`, escapes, and quote removal. Pure; never throws.
 *
 * A variable is "unknown" when it is declared without a value and not overridden, or not declared
 * at all: BuildKit expands it to the empty string, but the result is then decided by something the
 * file does not say, so `certain` turns false when such a variable is substituted.
 */

/** `undefined`: not declared; `null`: declared with no value; a string: the value. */
export type VariableLookup = (name: string) => string | null | undefined;

export interface Expansion {
    value: string;
    /** False when an unknown variable was substituted into the value. */
    certain: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function expandWord(text: string, lookup: VariableLookup, escapeChar = '\\'): Expansion {
    // Nothing to expand, unescape or unquote (most image names): the text itself.
    if (text.indexOf('$') === -1 && text.indexOf('"') === -1 && text.indexOf("'") === -1 && text.indexOf(escapeChar) === -1) {
        return { value: text, certain: true };
    }
    const state = { certain: true };
    const value = expandInner(text, lookup, escapeChar, state, true);
    return { value, certain: state.certain };
}

function expandInner(text: string, lookup: VariableLookup, escapeChar: string,
    state: { certain: boolean }, removeQuotes: boolean): string {
    let out = '';
    let quote: '"' | "'" | null = null;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'") { quote = null; } else { out += c; }
            continue;
        }
        if (c !== escapeChar && c !== '"' && c !== "'" && c !== '$') {
            // A run of characters that mean nothing here is copied as it is, in one slice.
            let j = i + 1;
            while (j < text.length) {
                const d = text[j];
                if (d === escapeChar || d === '"' || d === "'" || d === '$') { break; }
                j++;
            }
            out += text.slice(i, j);
            i = j - 1;
            continue;
        }
        if (c === escapeChar && i + 1 < text.length) {
            out += text[i + 1];
            i++;
            continue;
        }
        if (removeQuotes && (c === '"' || c === "'")) {
            if (quote === '"' && c === '"') { quote = null; continue; }
            if (quote === null) { quote = c; continue; }
        }
        if (c === '$' && i + 1 < text.length) {
            const next = text[i + 1];
            if (next === '{') {
                const close = findClosingBrace(text, i + 2, escapeChar);
                if (close < 0) { out += text.slice(i); break; }
                out += expandBraced(text.slice(i + 2, close), lookup, escapeChar, state);
                i = close;
                continue;
            }
            if (NAME_START.test(next)) {
                let j = i + 1;
                while (j < text.length && NAME_CHAR.test(text[j])) { j++; }
                out += substitute(text.slice(i + 1, j), lookup, state);
                i = j - 1;
                continue;
            }
        }
        out += c;
    }
    return out;
}

function findClosingBrace(text: string, from: number, escapeChar: string): number {
    let depth = 1;
    for (let i = from; i < text.length; i++) {
        const c = text[i];
        if (c === escapeChar) { i++; continue; }
        if (c === '{') { depth++; }
        if (c === '}') { depth--; if (depth === 0) { return i; } }
    }
    return -1;
}

function expandBraced(inner: string, lookup: VariableLookup, escapeChar: string,
    state: { certain: boolean }): string {
    let j = 0;
    while (j < inner.length && NAME_CHAR.test(inner[j])) { j++; }
    const name = inner.slice(0, j);
    const rest = inner.slice(j);
    if (name === '') { return ''; }
    if (rest === '') { return substitute(name, lookup, state); }
    const m = /^(:?)([-+?])([\s\S]*)$/.exec(rest);
    if (!m) {
        // Modifiers BuildKit 0.8 does not know (#, %, /): the value cannot be predicted.
        state.certain = false;
        return '';
    }
    const colon = m[1] === ':';
    const op = m[2];
    const word = m[3];
    const raw = lookup(name);
    const set = raw !== undefined && raw !== null;
    const nonEmpty = set && raw !== '';
    const use = colon ? nonEmpty : set;
    // An unknown variable is unset for the modifier forms: the file says what happens then.
    switch (op) {
        case '-': return use ? (raw as string) : expandInner(word, lookup, escapeChar, state, false);
        case '+': return use ? expandInner(word, lookup, escapeChar, state, false) : '';
        default: // '?': fails the build when unset
            if (!use) { state.certain = false; return ''; }
            return raw as string;
    }
}

function substitute(name: string, lookup: VariableLookup, state: { certain: boolean }): string {
    const v = lookup(name);
    if (v === undefined || v === null) {
        state.certain = false;
        return '';
    }
    return v;
}
