/**
 * ARG expansion as BuildKit does it for FROM lines: `$V`, `${V}`, `${V:-w}`, `${V-w}`, `${V:+w}`,
 * `${V+w}`, escapes, and quote removal. Pure; never throws.
 *
 * A variable is "unknown" when it is declared without a value and not overridden, or not declared
 * at all: BuildKit expands it to the empty string, but the result is then decided by something the
 * file does not say, so `certain` turns false when such a variable is substituted.
 *
 * Bounded and linear: one left-to-right pass with an explicit stack of the `${V:-word}` words
 * being expanded (no recursion, so no stack overflow however deep the nesting), each `}` found
 * once, and two limits: `${` nested deeper than `MAX_EXPANSION_DEPTH`, or a value longer than
 * `MAX_EXPANDED_LENGTH`, stops the expansion with `limit` saying which; the value is then unknown.
 */

/** `undefined`: not declared; `null`: declared with no value; a string: the value. */
export type VariableLookup = (name: string) => string | null | undefined;

export interface Expansion {
    value: string;
    /** False when an unknown variable was substituted into the value. */
    certain: boolean;
    /** Set when a limit stopped the expansion (then `value` is '' and `certain` false): why, in words. */
    limit?: string;
}

/** `${` inside `${V:-...}` words, at most this deep (real files nest two or three). */
export const MAX_EXPANSION_DEPTH = 32;
/** An expanded value, at most this long (an image reference is at most a few hundred characters). */
export const MAX_EXPANDED_LENGTH = 4096;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function expandWord(text: string, lookup: VariableLookup, escapeChar = '\\'): Expansion {
    // Nothing to expand, unescape or unquote (most image names): the text itself.
    if (text.indexOf('$') === -1 && text.indexOf('"') === -1 && text.indexOf("'") === -1 && text.indexOf(escapeChar) === -1) {
        return text.length > MAX_EXPANDED_LENGTH ? tooLong() : { value: text, certain: true };
    }
    return new Expander(text, lookup, escapeChar).run();
}

function tooLong(): Expansion {
    return { value: '', certain: false, limit: `it comes to more than ${MAX_EXPANDED_LENGTH.toLocaleString('en-US')} characters` };
}

/** A stretch of text being expanded: the whole word, or the `word` of a `${V:-word}` / `${V:+word}`. */
interface Frame {
    /** Next position to read, and the end of this stretch (exclusive). */
    pos: number;
    end: number;
    out: string;
    quote: '"' | "'" | null;
    /** Only the whole word removes quotes; a `${V:-word}` keeps them. */
    removeQuotes: boolean;
}

class Expander {
    private certain = true;
    /** `{` position -> its `}`, for every brace inside a `${...}` met at the top level. */
    private readonly closes = new Map<number, number>();

    constructor(private readonly text: string, private readonly lookup: VariableLookup, private readonly escapeChar: string) {}

    run(): Expansion {
        const stack: Frame[] = [{ pos: 0, end: this.text.length, out: '', quote: null, removeQuotes: true }];
        while (true) {
            const f = stack[stack.length - 1];
            if (f.pos >= f.end) {
                stack.pop();
                if (stack.length === 0) { return { value: f.out, certain: this.certain }; }
                stack[stack.length - 1].out += f.out; // its `pos` is past the word's `}` already
            } else {
                const word = this.step(f, stack.length === 1);
                if (word !== null) {
                    if (stack.length > MAX_EXPANSION_DEPTH) {
                        return { value: '', certain: false, limit: `\${...} is nested more than ${MAX_EXPANSION_DEPTH} levels deep` };
                    }
                    stack.push(word);
                }
            }
            if (stack[stack.length - 1].out.length > MAX_EXPANDED_LENGTH) { return tooLong(); }
        }
    }

    /** Reads what starts at `f.pos` into `f.out`; returns a word to expand next when it meets one. */
    private step(f: Frame, top: boolean): Frame | null {
        const text = this.text;
        const esc = this.escapeChar;
        const i = f.pos;
        const c = text[i];
        if (f.quote === "'") {
            if (c === "'") { f.quote = null; } else { f.out += c; }
            f.pos = i + 1;
            return null;
        }
        if (c !== esc && c !== '"' && c !== "'" && c !== '$') {
            // A run of characters that mean nothing here is copied as it is, in one slice.
            let j = i + 1;
            while (j < f.end) {
                const d = text[j];
                if (d === esc || d === '"' || d === "'" || d === '$') { break; }
                j++;
            }
            f.out += text.slice(i, j);
            f.pos = j;
            return null;
        }
        if (c === esc && i + 1 < f.end) {
            f.out += text[i + 1];
            f.pos = i + 2;
            return null;
        }
        if (f.removeQuotes && (c === '"' || c === "'")) {
            if (f.quote === '"' && c === '"') { f.quote = null; f.pos = i + 1; return null; }
            if (f.quote === null) { f.quote = c; f.pos = i + 1; return null; }
        }
        if (c === '$' && i + 1 < f.end) {
            const next = text[i + 1];
            if (next === '{') {
                const close = top ? this.matchBraces(i + 1, f.end) : (this.closes.get(i + 1) ?? -1);
                if (close < 0) { f.out += text.slice(i, f.end); f.pos = f.end; return null; }
                f.pos = close + 1;
                return this.braced(f, i + 2, close);
            }
            if (NAME_START.test(next)) {
                let j = i + 1;
                while (j < f.end && NAME_CHAR.test(text[j])) { j++; }
                f.out += this.substitute(text.slice(i + 1, j));
                f.pos = j;
                return null;
            }
        }
        f.out += c;
        f.pos = i + 1;
        return null;
    }

    /**
     * The `}` that closes the `{` at `open` (escaped characters skipped, bare braces counted), or -1;
     * records the closing brace of every `{` inside on the way, so nested `${` never scan again.
     */
    private matchBraces(open: number, end: number): number {
        const text = this.text;
        const opens = [open];
        for (let i = open + 1; i < end; i++) {
            const c = text[i];
            if (c === this.escapeChar) { i++; continue; }
            if (c === '{') { opens.push(i); }
            if (c === '}') {
                this.closes.set(opens.pop()!, i);
                if (opens.length === 0) { return i; }
            }
        }
        return -1;
    }

    /** `${inner}` with `inner` = text[from, close): appends its value, or returns the word to expand. */
    private braced(f: Frame, from: number, close: number): Frame | null {
        const text = this.text;
        let j = from;
        while (j < close && NAME_CHAR.test(text[j])) { j++; }
        const name = text.slice(from, j);
        if (name === '') { return null; }
        if (j === close) { f.out += this.substitute(name); return null; }
        const colon = text[j] === ':';
        const op = text[colon ? j + 1 : j];
        if (op !== '-' && op !== '+' && op !== '?') {
            // Modifiers BuildKit 0.8 does not know (#, %, /): the value cannot be predicted.
            this.certain = false;
            return null;
        }
        const raw = this.lookup(name);
        const set = raw !== undefined && raw !== null;
        const use = colon ? set && raw !== '' : set;
        const word: Frame = { pos: (colon ? j + 2 : j + 1), end: close, out: '', quote: null, removeQuotes: false };
        // An unknown variable is unset for the modifier forms: the file says what happens then.
        switch (op) {
            case '-': if (use) { f.out += raw as string; return null; } return word;
            case '+': return use ? word : null;
            default: // '?': fails the build when unset
                if (!use) { this.certain = false; return null; }
                f.out += raw as string;
                return null;
        }
    }

    private substitute(name: string): string {
        const v = this.lookup(name);
        if (v === undefined || v === null) {
            this.certain = false;
            return '';
        }
        return v;
    }
}
