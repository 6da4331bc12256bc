/**
 * The buildx backend's arguments: ONE `docker buildx build` of the target, which runs every stage
 * the target needs (independent stages in parallel) and exports the cache of every stage at once
 * (`mode=max`), with the image and the cache under different tags. Pure.
 *
 * Cache refs (registry cache):
 * - write: `<repo>:<target>--buildx-cache` on the default branch, `...--buildx-cache--<branch>` on
 *   another branch;
 * - read, best first: this branch's, then the default branch's (a new branch starts warm), then
 *   the same two of the file's last stage (a build of another stage, from an editor lens, reads
 *   the cache the main target's CI job wrote). Refs the runner found missing are left out, so a
 *   first run prints no "not found" error block.
 * The image: `<repo>:<target>--buildx[--<branch>]` and the `--tag`s.
 *
 * How the cache is exported was chosen by measurement (docs/BUILDS.md, "The buildx backend"):
 * zstd, because compressing every stage's layers is most of the export and zstd does it several
 * times faster than gzip (measured: 6.6 s against 17.7-26 s for the benchmark's cold job) and the
 * only reader is BuildKit; the image itself stays gzip, which every engine can pull (Docker 20.10
 * cannot pull zstd layers: "archive/tar: invalid tar header", measured). `ignore-error=true`: a
 * registry that refuses the cache fails no build (the runner reports it).
 */
import { componentSafe, tagSafe } from './names';

export type BuildxCacheType = 'registry' | 'local' | 'gha';

/** The `--cache-to` attributes of every export. */
export const CACHE_EXPORT_ATTRS = 'mode=max,compression=zstd,ignore-error=true';

export interface BuildxCacheInput {
    type: BuildxCacheType;
    repo: string;
    /** Keys of the target and of the file's last stage. */
    targetKey: string;
    mainKey: string;
    branch: string | null;
    /** Where `type=local` keeps its cache. */
    cacheDir: string;
    project: string;
    /** Export the cache (with --push, or a cache dir). */
    write: boolean;
    missing: ReadonlySet<string>;
}

export interface BuildxCache {
    /** The registry refs read (all candidates, before leaving out missing ones); empty for local/gha. */
    candidates: string[];
    /** `--cache-from` values. */
    from: string[];
    /** `--cache-to` value, or null. */
    to: string | null;
    /** The ref (registry), directory (local) or scope (gha) the cache is written to. */
    writes: string | null;
    /** type=local: the directory a finished build's new cache replaces (written to `<dir>.new` first). */
    localDir: string | null;
}

export function buildxCacheTag(key: string, branch: string | null): string {
    const tag = `${key}--buildx-cache` + (branch !== null ? `--${tagSafe(branch, 40)}` : '');
    return tag.length <= 128 ? tag : tagSafe(tag, 128);
}

function joinPath(dir: string, name: string): string {
    return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function buildxCache(c: BuildxCacheInput): BuildxCache {
    if (c.type === 'registry') {
        const refsOf = (key: string) => [...(c.branch !== null ? [`${c.repo}:${buildxCacheTag(key, c.branch)}`] : []), `${c.repo}:${buildxCacheTag(key, null)}`];
        const candidates = [...new Set([...refsOf(c.targetKey), ...refsOf(c.mainKey)])];
        const writes = refsOf(c.targetKey)[0];
        return {
            candidates,
            from: candidates.filter((r) => !c.missing.has(r)).map((r) => `type=registry,ref=${r}`),
            to: c.write ? `type=registry,ref=${writes},${CACHE_EXPORT_ATTRS}` : null,
            writes: c.write ? writes : null,
            localDir: null,
        };
    }
    if (c.type === 'local') {
        // One directory per target; a finished build's cache is written beside it and replaces it
        // (buildx adds to a local cache directory forever otherwise).
        const dir = joinPath(joinPath(c.cacheDir, 'buildx'), c.targetKey);
        return {
            candidates: [], from: c.missing.has(dir) ? [] : [`type=local,src=${dir}`],
            to: c.write ? `type=local,dest=${dir}.new,${CACHE_EXPORT_ATTRS}` : null,
            writes: c.write ? dir : null, localDir: dir,
        };
    }
    // GitHub Actions cache: one scope per target; GitHub itself lets a branch read the default branch's entries.
    const scope = `stagecraft-${componentSafe(c.project)}-${c.targetKey}`;
    const main = `stagecraft-${componentSafe(c.project)}-${c.mainKey}`;
    return {
        candidates: [], from: [...new Set([scope, main])].map((s) => `type=gha,scope=${s}`),
        to: c.write ? `type=gha,scope=${scope},${CACHE_EXPORT_ATTRS}` : null,
        writes: c.write ? scope : null, localDir: null,
    };
}
