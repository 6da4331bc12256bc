/**
 * Names for cache images: stage keys, tags and repositories. Pure string functions.
 *
 * A stage's cache image is `<repo>:<key>--<builder>` on the default branch and
 * `<repo>:<key>--<builder>--<branch>` on another branch. The builder is part of the tag because
 * the classic builder and BuildKit cannot use each other's images as cache (docs/BUILDS.md).
 */
import type { Stage } from '../analysis';

/** Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A path component of a repository name. */
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Small stable hash (FNV-1a, 32 bit), hex: keeps truncated names distinct. */
export function shortHash(s: string): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
}

/**
 * Lower-cased, tag-safe text: runs of other characters become one `-`, no leading `.`/`-`,
 * at most `max` characters (a hash keeps long texts apart). Never empty.
 */
export function tagSafe(text: string, max = 60): string {
    let s = text.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').replace(/-+$/, '');
    if (s === '') { s = 'x' + shortHash(text); }
    if (s.length > max) { s = s.slice(0, max - 9).replace(/[.-]+$/, '') + '-' + shortHash(text); }
    return s;
}

/** A repository path component made from free text (a project folder name). */
export function componentSafe(text: string): string {
    const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    return s === '' ? 'project' : s.slice(0, 60).replace(/-+$/, '');
}

/** Null when `repo` is a valid repository reference without tag or digest, else why not. */
export function checkRepo(repo: string): string | null {
    if (repo.includes('@')) { return 'a cache repository takes no digest'; }
    const parts = repo.split('/');
    let start = 0;
    if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) {
        if (!/^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9a-fA-F:]+\](:[0-9]+)?$/.test(parts[0])) { return `"${parts[0]}" is not a registry host[:port]`; }
        start = 1;
    }
    const path = parts.slice(start);
    if (path.length === 0) { return 'the repository has no name after the registry'; }
    for (const c of path) {
        if (c.includes(':')) { return 'give a repository without a tag: tags are made per stage (<repo>:<stage>--<builder>)'; }
        if (!COMPONENT_RE.test(c)) { return `"${c}" is not a valid repository name component (lower-case letters, digits, . _ -)`; }
    }
    return null;
}

/**
 * The key of each stage: its name lower-cased and made tag-safe, or `stage-<index>` (BuildKit's
 * own name for an unnamed stage). Keys are unique within a file.
 */
export function stageKeys(stages: readonly Pick<Stage, 'index' | 'name'>[]): string[] {
    const taken = new Set<string>();
    const keys: string[] = [];
    for (const s of stages) {
        let key = s.name !== null && s.name.trim() !== '' ? tagSafe(s.name, 80) : `stage-${s.index}`;
        if (taken.has(key)) { key = `${key}-${s.index}`; }
        while (taken.has(key)) { key = `${key}-x`; }
        taken.add(key);
        keys.push(key);
    }
    return keys;
}

export type BuilderKind = 'classic' | 'buildkit' | 'buildx';

/** The tag of a stage's cache image. `branch` null: the default branch's tag. */
export function cacheTag(key: string, builder: BuilderKind, branch: string | null): string {
    const tag = `${key}--${builder}` + (branch !== null ? `--${tagSafe(branch, 40)}` : '');
    return tag.length <= 128 ? tag : tagSafe(tag, 128);
}

/** A name for a `docker build --target` that cannot clash with the file's stage names. */
export function targetNameFor(index: number, stages: readonly Pick<Stage, 'name'>[]): string {
    const names = new Set(stages.map((s) => (s.name ?? '').toLowerCase()));
    let n = `stage-${index}`;
    while (names.has(n)) { n = `stagecraft-${n}`; }
    return n;
}
