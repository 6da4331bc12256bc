/** Small readers of a command's words, shared by the tool tables. Pure. */
import type { FileNeeds, Move, Step } from './types';
import type { HeavyKind } from '../model';

/** Positional arguments, skipping flags and the values of the value-taking flags given. */
export function positionals(args: readonly string[], valueFlags: readonly string[] = []): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--') { out.push(...args.slice(i + 1)); break; }
        if (a.startsWith('-') && a.length > 1) {
            if (!a.includes('=') && valueFlags.includes(a)) i++;
            continue;
        }
        out.push(a);
    }
    return out;
}

/** Values of a flag, in the `-r x`, `-rx`, `--requirement x` and `--requirement=x` forms. */
export function flagValues(args: readonly string[], names: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        for (const n of names) {
            if (a === n && i + 1 < args.length) out.push(args[i + 1]);
            else if (n.startsWith('--') && a.startsWith(n + '=')) out.push(a.slice(n.length + 1));
            else if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length && a[n.length] !== '=' && !a.startsWith('--')) out.push(a.slice(n.length));
        }
    }
    return out;
}

export function hasFlag(args: readonly string[], ...names: string[]): boolean {
    return args.some((a) => names.includes(a) || names.some((n) => n.startsWith('--') && a.startsWith(n + '=')));
}

/** A positional argument that points into the build context (a path, not a package name). */
export function isLocalPath(arg: string): boolean {
    return arg.startsWith('.') || arg.startsWith('/') || arg.includes('/') || /\.(whl|tar\.gz|tgz|zip|deb|rpm|apk|gem)$/i.test(arg) || arg.includes('$');
}

/** A path the split fix cannot copy: a variable, absolute, or outside the working directory. */
export function isOutside(p: string): boolean {
    return p.includes('$') || p.startsWith('/') || p.startsWith('..');
}

export function normalizeRel(p: string): string {
    return p.replace(/^(\.\/)+/, '');
}

export function needs(required: string[], optional: string[] = []): FileNeeds {
    return { required, optional };
}

export const NO_FILES: FileNeeds = { required: [], optional: [] };

export function movable(files: FileNeeds = NO_FILES, caveat: string | null = null): Move {
    return { movable: true, files, caveat };
}

export function stuck(reason: string): Move {
    return { movable: false, reason };
}

/** The words through index `last`, as the step's short name: `npm ci`, `mvn -B dependency:go-offline`. */
export function upTo(words: readonly string[], last: number): string {
    return words.slice(0, Math.min(last, words.length - 1) + 1).join(' ');
}

export function heavy(kind: HeavyKind, tool: string, command: string, move: Move): Step {
    return { kind: 'heavy', heavy: kind, tool, command, move };
}

export const HARMLESS: Step = { kind: 'harmless' };

export function other(reason: string): Step {
    return { kind: 'other', reason };
}
