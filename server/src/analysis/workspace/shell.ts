/**
 * `docker build` command lines in shell text (a workflow's `run:`, a GitLab `script:`, a Makefile
 * recipe): which Dockerfile (`-f`), which context, which `--target`, with the offsets of each word.
 *
 * A small word splitter, not a shell: quotes, backslash escapes and continuations, `$(...)`,
 * `${...}` and backticks kept inside one word, comments, and the operators that end a command
 * (`;`, `&&`, `||`, `|`, `&`, newline, parentheses). A word that holds a variable or a command
 * substitution is not literal: its value is never trusted (that is "found reliably": a
 * `--target "$STAGE"` is skipped, not guessed). No npm shell parser gives word offsets except
 * whole-shell ports of mvdan/sh (GopherJS or WASM, megabytes for three flags). Pure.
 */

/** One shell word: its value with quotes removed, and where it is written. */
export interface ShellWord {
    value: string;
    /** Offsets in the scanned text: the whole word, quotes included. */
    start: number;
    end: number;
    /** No `$`, backtick or glob in it: the value is what the shell passes. */
    literal: boolean;
    /** The offsets of exactly `value` (unquoted, or one quoted string with no escape), else null. */
    exact: { start: number; end: number } | null;
}

export interface DockerBuildCommand {
    /** `docker build`, `docker buildx build`, `podman build`, ... */
    tool: string;
    target: ShellWord | null;
    file: ShellWord | null;
    /** The positional context, or null when there is none or more than one. */
    context: ShellWord | null;
    /** Offset of the command's first word. */
    start: number;
}

/** Splits shell text into commands of words. `newlineIsSpace`: a newline does not end a command (YAML folded text). */
export function shellCommands(text: string, newlineIsSpace = false): ShellWord[][] {
    const commands: ShellWord[][] = [];
    let words: ShellWord[] = [];
    let i = 0;
    const n = text.length;
    const endCommand = () => {
        if (words.length) commands.push(words);
        words = [];
    };
    let skipNext = false;
    while (i < n) {
        const c = text[i]!;
        if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
            i += text[i + 1] === '\r' ? 3 : 2;
            continue;
        }
        if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
        if (c === '\n') { if (!newlineIsSpace) endCommand(); i++; continue; }
        if (c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
        if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
            endCommand();
            i++;
            continue;
        }
        if (c === '<' || c === '>') {
            // A redirection: its file is not an argument.
            while (i < n && (text[i] === '<' || text[i] === '>' || text[i] === '&')) i++;
            skipNext = true;
            continue;
        }
        const word = readWord(text, i);
        i = word.end;
        if (skipNext) { skipNext = false; continue; }
        words.push(word);
    }
    endCommand();
    return commands;
}

function readWord(text: string, start: number): ShellWord {
    let i = start;
    let value = '';
    let literal = true;
    let escaped = false;
    let quoteStarts = 0;
    const n = text.length;
    const stops = ' \t\r\n;&|()<>';
    while (i < n && !stops.includes(text[i]!)) {
        const c = text[i]!;
        if (c === '\\') {
            if (text[i + 1] === '\n') { i += 2; escaped = true; continue; }
            value += text[i + 1] ?? '';
            i += 2;
            escaped = true;
            continue;
        }
        if (c === "'") {
            quoteStarts++;
            const close = text.indexOf("'", i + 1);
            const end = close < 0 ? n : close;
            value += text.slice(i + 1, end);
            i = end + 1;
            continue;
        }
        if (c === '"') {
            quoteStarts++;
            i++;
            while (i < n && text[i] !== '"') {
                if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1]!)) { value += text[i + 1]; i += 2; escaped = true; continue; }
                if (text[i] === '$' || text[i] === '`') literal = false;
                if (text[i] === '$' && text[i + 1] === '(') { const e = closing(text, i + 1, '(', ')'); value += text.slice(i, e); i = e; continue; }
                value += text[i];
                i++;
            }
            i++;
            continue;
        }
        if (c === '$') {
            literal = false;
            if (text[i + 1] === '(' || text[i + 1] === '{') {
                const e = closing(text, i + 1, text[i + 1]!, text[i + 1] === '(' ? ')' : '}');
                value += text.slice(i, e);
                i = e;
                continue;
            }
        }
        if (c === '`') {
            literal = false;
            const close = text.indexOf('`', i + 1);
            const end = close < 0 ? n : close + 1;
            value += text.slice(i, end);
            i = end;
            continue;
        }
        if (c === '*' || c === '?' || c === '[') literal = false;
        value += c;
        i++;
    }
    const end = Math.min(i, n);
    const raw = text.slice(start, end);
    let exact: ShellWord['exact'] = null;
    if (!escaped && quoteStarts === 0 && raw === value) exact = { start, end };
    else if (!escaped && quoteStarts === 1 && (raw[0] === '"' || raw[0] === "'") && raw[raw.length - 1] === raw[0] && raw.slice(1, -1) === value) exact = { start: start + 1, end: end - 1 };
    return { value, start, end, literal, exact };
}

/** The offset after the bracket that closes the one at `open` (nesting counted), or the end. */
function closing(text: string, open: number, o: string, c: string): number {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        if (text[i] === o) depth++;
        else if (text[i] === c && --depth === 0) return i + 1;
    }
    return text.length;
}

/** `docker` options that come before the subcommand and take a value. */
const DOCKER_GLOBAL_VALUES = new Set(['--context', '-c', '--host', '-H', '--config', '--log-level', '-l', '--tlscacert', '--tlscert', '--tlskey']);
/** Build options that take no value (every other option takes one, as almost all of them do). */
const BUILD_FLAGS = new Set([
    '--load', '--push', '--pull', '--no-cache', '-q', '--quiet', '--rm', '--force-rm', '--compress', '--squash',
    '--disable-content-trust', '--debug', '-D', '--check', '--help', '--layers', '--stdin',
]);
const WRAPPERS = new Set(['sudo', 'time', 'exec', 'command', 'env', 'nice']);

/** The build command a list of words is, with its `--target`, `-f` and context; null when it is not one. */
export function dockerBuild(words: ShellWord[], text: string): DockerBuildCommand | null {
    let i = 0;
    while (i < words.length && (WRAPPERS.has(words[i]!.value) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.value))) i++;
    const first = words[i];
    if (!first) return null;
    const tool = first.value.replace(/^.*\//, '');
    let sub: string | null = null;
    let j = i + 1;
    if (tool === 'docker' || tool === 'nerdctl') {
        while (j < words.length && words[j]!.value.startsWith('-')) j += DOCKER_GLOBAL_VALUES.has(words[j]!.value) ? 2 : 1;
        const a = words[j]?.value;
        const b = words[j + 1]?.value;
        if (a === 'build') { sub = `${tool} build`; j += 1; } else if ((a === 'buildx' || a === 'image' || a === 'builder') && (b === 'build' || (a === 'buildx' && b === 'b'))) { sub = `${tool} ${a} build`; j += 2; }
    } else if (tool === 'podman' || tool === 'buildah') {
        const a = words[j]?.value;
        if (a === 'build' || (tool === 'buildah' && a === 'bud')) { sub = `${tool} ${a}`; j += 1; }
    }
    if (sub === null) return null;
    let target: ShellWord | null = null;
    let file: ShellWord | null = null;
    const positional: ShellWord[] = [];
    for (; j < words.length; j++) {
        const w = words[j]!;
        const v = w.value;
        if (v === '--') { positional.push(...words.slice(j + 1)); break; }
        if (!v.startsWith('-') || v === '-') { positional.push(w); continue; }
        const eq = v.indexOf('=');
        const name = eq > 0 && v.startsWith('--') ? v.slice(0, eq) : v;
        let valueWord: ShellWord | null = null;
        if (eq > 0 && v.startsWith('--')) {
            valueWord = afterEquals(w, eq, text);
        } else if (!BUILD_FLAGS.has(name)) {
            valueWord = words[j + 1] ?? null;
            j++;
        }
        if (name === '--target' && valueWord) target = valueWord;
        if ((name === '-f' || name === '--file') && valueWord) file = valueWord;
    }
    return { tool: sub, target, file, context: positional.length === 1 ? positional[0]! : null, start: first.start };
}

/** The value part of `--name=value` as a word of its own. */
function afterEquals(w: ShellWord, eq: number, text: string): ShellWord {
    const value = w.value.slice(eq + 1);
    let exact: ShellWord['exact'] = null;
    if (w.exact) {
        exact = { start: w.exact.start + eq + 1, end: w.exact.end };
    } else {
        // `--target="x"`: the quotes come after the `=`.
        const inner = { start: w.start + eq + 2, end: w.end - 1 };
        const quote = text[inner.start - 1];
        if ((quote === '"' || quote === "'") && text[inner.end] === quote && text.slice(inner.start, inner.end) === value) exact = inner;
    }
    return { value, start: w.start + eq + 1, end: w.end, literal: w.literal, exact };
}
