/**
 * The build report: what `stagecraft build --report FILE` writes, one JSON object, for the editor
 * (the stage graph shows each stage's result) and for CI (kept as an artifact). Shared by the
 * CLI, which writes it, and the extension, which reads it. Pure.
 *
 * Stability: `schema` names the version. Fields are only ever added within a version; a reader
 * ignores fields it does not know and rejects another `schema`.
 */

export const REPORT_SCHEMA = 'stagecraft.build-report/v1';

/** What became of one stage of the Dockerfile in this build. */
export type StageResultKind =
    /** every step came from cache */
    | 'cached'
    /** every step ran */
    | 'built'
    /** some steps came from cache, the rest ran */
    | 'partial'
    /** a step of this stage failed */
    | 'failed'
    /** the build was interrupted (Ctrl-C) while this stage was being built */
    | 'interrupted'
    /** needed by the target, but not reached (an earlier stage failed, or the job skipped: see `outcome`) */
    | 'not built'
    /** the target does not need it: never built */
    | 'not needed';

export interface StageReport {
    /** 0-based, file order. */
    index: number;
    /** As written; null for an unnamed stage. */
    name: string | null;
    /** 1-based line of its FROM. */
    line: number;
    result: StageResultKind;
    /** Steps of the stage docker reported, and how many of them came from cache; null when not built. */
    steps: number | null;
    cachedSteps: number | null;
    /** Wall time of the build that built this stage on its own, or null (built inside another stage's build). */
    seconds: number | null;
    /** Image size in bytes, when its image exists on this engine. */
    sizeBytes: number | null;
    /** Whether its cache image was pushed: null when there was nothing to push. */
    pushed: 'yes' | 'skipped' | 'failed' | null;
    /** The stage's cache image (or its cache ref on buildx), or null when it has none. */
    image: string | null;
}

export type BuildOutcomeKind =
    | 'done'
    /** nothing changed since the registry's image was built: nothing was built, pushed or pulled */
    | 'unchanged'
    | 'failed'
    | 'publish-failed'
    | 'interrupted'
    /** the engine was unreachable or the builder unusable (exit 3) */
    | 'engine-unavailable'
    /** a bad option or Dockerfile (exit 2) */
    | 'usage-error';

export interface BuildReport {
    schema: typeof REPORT_SCHEMA;
    /** The Dockerfile and build context, absolute paths. */
    dockerfile: string;
    context: string;
    target: { index: number; name: string | null } | null;
    /** The backend that ran (`auto` resolved), or null when the run stopped before choosing. */
    backend: string | null;
    engine: { client: string; server: string } | null;
    cacheRepo: string | null;
    /** ISO 8601, UTC. */
    startedAt: string;
    seconds: number;
    exitCode: number;
    outcome: BuildOutcomeKind;
    /** One line: why the run ended as it did (the CLI's last message). */
    message: string;
    /** Every stage of the file, in file order. */
    stages: StageReport[];
}

/** A report read from JSON, or why it cannot be used. Never throws. */
export function parseReport(text: string): { ok: true; report: BuildReport } | { ok: false; error: string } {
    let v: unknown;
    try { v = JSON.parse(text); } catch (e) { return { ok: false, error: `not JSON: ${(e as Error).message}` }; }
    if (typeof v !== 'object' || v === null) { return { ok: false, error: 'not a JSON object' }; }
    const r = v as Partial<BuildReport>;
    if (r.schema !== REPORT_SCHEMA) { return { ok: false, error: `schema ${JSON.stringify(r.schema)} is not ${REPORT_SCHEMA}` }; }
    if (!Array.isArray(r.stages) || typeof r.exitCode !== 'number' || typeof r.dockerfile !== 'string') {
        return { ok: false, error: 'missing stages, exitCode or dockerfile' };
    }
    for (const s of r.stages as unknown[]) {
        const st = s as Partial<StageReport>;
        if (typeof st !== 'object' || st === null || typeof st.index !== 'number' || typeof st.result !== 'string') {
            return { ok: false, error: 'a stage without index or result' };
        }
    }
    return { ok: true, report: r as BuildReport };
}
