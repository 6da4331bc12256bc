/**
 * `docker build` command lines in shell text (a workflow's `run:`, a GitLab `script:`, a Makefile
 * recipe): which Dockerfile (`-f`), which context, which `--target`, with the offsets of each word.
 * The words come from the one shell reader of the analysis (`../shell.ts`). A word that holds a
 * variable or a command substitution is not literal: its value is never trusted (that is "found
 * reliably": a `--target "$STAGE"` is skipped, not guessed). Pure.
 */
import { commandStart, shellCommands, type ShellWord } from '../shell';

export { shellCommands, type ShellWord };

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

/** `docker` options that come before the subcommand and take a value. */
const DOCKER_GLOBAL_VALUES = new Set(['--context', '-c', '--host', '-H', '--config', '--log-level', '-l', '--tlscacert', '--tlscert', '--tlskey']);
/** Build options that take no value (every other option takes one, as almost all of them do). */
const BUILD_FLAGS = new Set([
    '--load', '--push', '--pull', '--no-cache', '-q', '--quiet', '--rm', '--force-rm', '--compress', '--squash',
    '--disable-content-trust', '--debug', '-D', '--check', '--help', '--layers', '--stdin',
]);
/** The build command a list of words is, with its `--target`, `-f` and context; null when it is not one. */
export function dockerBuild(words: ShellWord[], text: string): DockerBuildCommand | null {
    const i = commandStart(words.map((w) => w.value));
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
