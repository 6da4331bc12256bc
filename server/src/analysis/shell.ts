/**
 * The one reader of shell text in Stagecraft: RUN scripts (continuations joined, heredoc bodies
 * included) for the tool tables, and the `docker build` lines of CI files and Makefiles
 * (`workspace/shell.ts`).
 *
 * A small word splitter, not a shell: quotes, backslash escapes and continuations, `$(...)`,
 * `${...}` and backticks kept inside one word, comments, redirections (their file is not a word),
 * and the operators that end a command (`;`, `&&`, `||`, `|`, `&`, newline, parentheses); each
 * word with its offsets. No npm shell parser gives word offsets except whole-shell ports of
 * mvdan/sh (GopherJS or WASM, megabytes for three flags). On top of it, `simpleCommands` drops
 * what only wraps a command (`VAR=value`, `sudo -E`, `env`, `exec`, `if`/`then`/`do`, a `case`
 * pattern). Pure; never throws.
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


/** A command as the tool tables read it: its words (quotes removed, no expansion) without its wrappers. */
export interface SimpleCommand {
    /** The words joined by one space: `npm ci --omit=dev`. */
    readonly text: string;
    readonly words: string[];
}

/** Words that run the command after them (`sudo -E`, `env -i`, `time`, `exec`, `nohup`). */
const WRAPPERS = new Set(['sudo', 'env', 'time', 'exec', 'nice', 'command', 'nohup', '!']);
/** Shell keywords that open or continue a compound command: the command follows them. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '{']);
/** Words that end a compound command and run nothing. */
const BARE = new Set(['fi', 'done', 'esac', '}', ';;']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Where the command starts in a command's words: after the `VAR=value` assignments, the wrappers
 * (with their options: `sudo -E -u x`) and the keywords (`then yarn build`).
 */
export function commandStart(words: readonly string[]): number {
    let i = 0;
    while (i < words.length) {
        const w = words[i];
        if (ASSIGNMENT.test(w) || KEYWORDS.has(w)) { i++; continue; }
        if (WRAPPERS.has(w)) {
            i++;
            while (i < words.length && words[i].startsWith('-')) { i += w === 'sudo' && (words[i] === '-u' || words[i] === '-g') ? 2 : 1; }
            continue;
        }
        break;
    }
    return i;
}

/**
 * The simple commands of a script, without wrappers; keywords that run nothing (`fi`, `done`) and
 * the patterns of a `case` (`amd64|arm64)`, `*)`) left out.
 */
export function simpleCommands(script: string): SimpleCommand[] {
    const out: SimpleCommand[] = [];
    let inCase = false;
    for (const command of shellCommands(script)) {
        const all = command.map((w) => w.value);
        const words = all.slice(commandStart(all));
        if (words.length === 0) { continue; }
        const first = words[0];
        if (first === 'case') { inCase = true; continue; }
        if (first === 'esac') { inCase = false; continue; }
        // In a case, a lone word before `)` is a pattern (the splitter ends a command at `)`).
        if (BARE.has(first) || (inCase && words.length === 1)) { continue; }
        out.push({ text: words.join(' '), words });
    }
    return out;
}

/** The first word of a command. */
export function firstWord(cmd: SimpleCommand): string {
    return cmd.words[0] ?? '';
}

/** True when the script substitutes a command's output (`$(...)` or backticks): its effect is unknown. */
export function hasCommandSubstitution(script: string): boolean {
    return script.includes('$(') || script.includes('`');
}

/** True when the script changes directory (`cd`, `pushd`) before a later command. */
export function changesDirectory(commands: readonly SimpleCommand[]): boolean {
    return commands.some((c) => c.words[0] === 'cd' || c.words[0] === 'pushd');
}
