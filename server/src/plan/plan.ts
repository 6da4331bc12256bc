/**
 * The build planner: (analysis, options, facts) -> plan. Pure: no I/O, no clock, no `vscode`.
 *
 * A plan builds each stage the target needs, one `docker build --target <stage>` per stage in
 * dependency order, tags each stage's image as its cache image, and says where each build reads
 * its cache from. What the world looks like (which cache images exist) is handed in as facts by
 * the runner; without facts the plan lists every candidate (what `stagecraft plan` prints).
 */
import type { Analysis, Stage } from '../analysis';
import { type BuildxCache, buildxCache, type BuildxCacheType } from './buildx';
import { deriveDockerfile } from './dockerfile';
import { type BuilderKind, cacheTag, checkRepo, componentSafe, stageKeys, targetNameFor } from './names';

export type BackendName = 'classic' | 'buildkit' | 'buildx' | 'save-load';
export type BackendChoice = BackendName | 'auto';
export const BACKENDS: readonly BackendChoice[] = ['auto', 'classic', 'buildkit', 'buildx', 'save-load'];
export type { BuildxCacheType };

export interface PlanOptions {
    /** The Dockerfile as docker should be given it (`-f`). */
    dockerfile: string;
    /** The build context. */
    context: string;
    backend: BackendName;
    /** Registry repository for cache images; null: local tags `stagecraft-cache/<project>`. */
    cacheRepo: string | null;
    /** Names the local cache repository (usually the context folder's name). */
    project: string;
    /** Current branch; with `defaultBranch`, stages get per-branch tags falling back to the default's. */
    branch?: string | null;
    defaultBranch?: string | null;
    push?: boolean;
    buildArgs?: Record<string, string>;
    platform?: string | null;
    /** Where save-load keeps its tarball, buildx its local cache, and derived Dockerfiles go. */
    cacheDir: string;
    /** The user named the cache dir (buildx then keeps its cache there, `type=local`). */
    cacheDirGiven?: boolean;
    /** buildx: where the cache lives; default registry with a repo, local with a cache dir, else none (the engine's own). */
    buildxCache?: BuildxCacheType | 'none' | null;
    /** buildx with --push: also load the image into the engine (the docker driver does anyway). */
    load?: boolean;
    /** Extra tags for the target's image. */
    tags?: string[];
}

/** What the runner found out before building. */
export interface PlanFacts {
    /** Cache image refs known not to exist (or not readable): left out of `--cache-from`. */
    missingRefs?: ReadonlySet<string>;
}

export interface Command {
    argv: string[];
    env?: Record<string, string>;
    /** What it is for, one line. */
    description: string;
}

export interface PlanStage {
    index: number;
    /** Name as written, null for an unnamed stage. */
    name: string | null;
    /** Tag-safe stable key (`deps`, `stage-2`). */
    key: string;
    /** For people: the name, or `#<index>`. */
    label: string;
    /** 1-based line of the FROM. */
    line: number;
    /** The needed stages it depends on (indexes). */
    dependsOn: number[];
    /** Its parallel group: every stage of group k depends only on stages of groups < k. */
    group: number;
    /** Position in the build order, 1-based. */
    step: number;
    /** What `--target` gets. */
    targetName: string;
    /** The Dockerfile this stage is built from: the user's, or a derived one (see `files`). */
    dockerfile: string;
    derived: boolean;
    /** The cache image this build writes. */
    ref: string;
    /** Cache image refs of this stage, best first (branch, then default branch). */
    ownRefs: string[];
    /** `--cache-from` values passed. */
    cacheFrom: string[];
    /** Classic with a registry: refs to try pulling first, in order (first that exists wins). */
    pull: string[];
    /** Refs to push after a successful build (empty unless --push on a registry backend). */
    push: string[];
    /** Extra tags given to this stage's image (the target's `--tag`s). */
    tags: string[];
    env: Record<string, string>;
    /** `docker` arguments without the tag options and the context (the runner adds `--iidfile`). */
    args: string[];
    /** The whole command as a script runs it: `args`, `-t ref`, `-t tag`..., context. */
    argv: string[];
}

export interface Plan {
    backend: BackendName;
    builder: BuilderKind;
    /** The repository the cache images live in. */
    cacheRepo: string;
    /** True when cache images stay on this engine (no registry). */
    local: boolean;
    branch: string | null;
    target: { index: number; label: string; key: string };
    stages: PlanStage[];
    /** Stage indexes by parallel group. */
    groups: number[][];
    /** Stages of the file the target does not need: never built. */
    skipped: { index: number; label: string; line: number }[];
    /** Derived Dockerfiles to write before building. */
    files: { path: string; content: string }[];
    /** Before the first build (save-load: `docker load`). */
    setup: Command[];
    /** After the last build (save-load: `docker save`). */
    teardown: Command[];
    /** The save-load tarball, or null. */
    tarball: string | null;
    /** One-line notes for the user (options ignored and why). */
    notes: string[];
    /**
     * buildx: one build of the target runs every stage; the other stages' `args` build that stage
     * as the target against the same cache (what a lens on it runs). Null for the other backends.
     */
    buildx: (BuildxCache & { type: BuildxCacheType | 'none' }) | null;
}

/** A plan that cannot be made: the user's file or options are wrong. The message says what to do. */
export class PlanError extends Error {}

export function builderOf(backend: BackendName): BuilderKind {
    return backend === 'buildkit' ? 'buildkit' : backend === 'buildx' ? 'buildx' : 'classic';
}

function joinPath(dir: string, name: string): string {
    return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function stageLabel(s: Pick<Stage, 'index' | 'name'>): string {
    return s.name ?? `#${s.index}`;
}

/** The stages `target` needs (itself included), sorted. */
export function neededStages(stages: readonly Stage[], target: number): number[] {
    const seen = new Set<number>();
    const todo = [target];
    while (todo.length > 0) {
        const i = todo.pop() as number;
        if (seen.has(i) || !stages[i]) { continue; }
        seen.add(i);
        todo.push(...stages[i].dependsOn);
    }
    return [...seen].sort((a, b) => a - b);
}

/** Dependency order (file order among ready stages) and parallel groups. Throws on a cycle. */
export function order(stages: readonly Stage[], needed: readonly number[]): { order: number[]; group: Map<number, number> } {
    const set = new Set(needed);
    const group = new Map<number, number>();
    const out: number[] = [];
    const remaining = new Set(needed);
    while (remaining.size > 0) {
        const ready = [...remaining].filter((i) => stages[i].dependsOn.every((d) => !set.has(d) || group.has(d)));
        if (ready.length === 0) {
            const s = stages[Math.min(...remaining)];
            throw new PlanError(`stage ${stageLabel(s)} (line ${s.line}) is part of a dependency cycle; break the cycle of COPY --from / FROM references`);
        }
        ready.sort((a, b) => a - b);
        for (const i of ready) {
            const deps = stages[i].dependsOn.filter((d) => set.has(d));
            group.set(i, deps.length === 0 ? 0 : Math.max(...deps.map((d) => group.get(d) as number)) + 1);
            out.push(i);
            remaining.delete(i);
        }
    }
    out.sort((a, b) => (group.get(a) as number) - (group.get(b) as number) || a - b);
    return { order: out, group };
}

export function planBuild(analysis: Analysis, text: string, options: PlanOptions, facts: PlanFacts = {}): Plan {
    const { stages } = analysis;
    const noStages = analysis.problems.find((p) => p.code === 'no-stages');
    if (stages.length === 0 || noStages) { throw new PlanError(`${options.dockerfile}: ${noStages?.message ?? 'the Dockerfile has no FROM instruction'}`); }
    const badTarget = analysis.problems.find((p) => p.code === 'unknown-target' || p.code === 'bad-platform');
    if (badTarget) { throw new PlanError(badTarget.message + (badTarget.code === 'unknown-target' ? `; stages: ${stages.map(stageLabel).join(', ')}` : '')); }
    if (analysis.target === null) { throw new PlanError('no target stage'); }
    const backend = options.backend;
    const builder = builderOf(backend);
    const notes: string[] = [];

    let cacheRepo = options.cacheRepo?.trim() || null;
    if (cacheRepo !== null) {
        const why = checkRepo(cacheRepo);
        if (why) { throw new PlanError(`--cache-repo ${cacheRepo}: ${why}`); }
    }
    if (backend === 'save-load' && cacheRepo !== null) {
        notes.push(`--cache-repo ${cacheRepo} names the images; save-load keeps them in ${options.cacheDir}, not in the registry`);
    }
    const bxType: BuildxCacheType | 'none' = options.buildxCache ?? (cacheRepo !== null ? 'registry' : options.cacheDirGiven ? 'local' : 'none');
    const local = backend === 'buildx' ? bxType !== 'registry' : cacheRepo === null || backend === 'save-load';
    if (backend === 'buildx' && bxType === 'registry' && cacheRepo === null) {
        throw new PlanError('buildx registry cache needs --cache-repo (or use --buildx-cache local|gha)');
    }
    const repo = cacheRepo ?? `stagecraft-cache/${componentSafe(options.project)}`;
    let push = !!options.push;
    if (push && local && !(backend === 'buildx' && cacheRepo !== null)) {
        notes.push(backend === 'save-load'
            ? `--push ignored: save-load keeps the cache in ${options.cacheDir}`
            : '--push ignored: there is no --cache-repo to push to');
        push = false;
    }
    const branchRaw = options.branch?.trim() || null;
    const defaultBranch = options.defaultBranch?.trim() || null;
    const branch = branchRaw !== null && !local && branchRaw !== defaultBranch ? branchRaw : null;
    const missing = facts.missingRefs ?? new Set<string>();

    const target = analysis.target;
    const needed = neededStages(stages, target);
    const { order: buildOrder, group } = order(stages, needed);
    const keys = stageKeys(stages);
    const neededSet = new Set(needed);

    // docker accepts stage names of letters, digits, `-`, `_` and `.` only; anything else would
    // reach docker as a --target it refuses (and is never handed to a shell).
    for (const i of needed) {
        const n = stages[i].name;
        if (n !== null && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(n)) {
            throw new PlanError(`stage name ${JSON.stringify(n)} (line ${stages[i].line}) is not valid for docker; use letters, digits, "-", "_" and ".", starting with a letter`);
        }
    }
    // The classic builder cannot use a stage defined later in the file.
    if (builder === 'classic') {
        for (const i of needed) {
            for (const r of stages[i].refs) {
                if (r.forward && r.stage !== null && neededSet.has(r.stage)) {
                    throw new PlanError(`stage ${stageLabel(stages[i])}, line ${r.line}: "${r.text}" refers to a stage defined later in the file, which the classic builder cannot do; move stage ${stageLabel(stages[r.stage])} above it, or use --backend buildkit`);
                }
            }
        }
    }

    const refsOf = (i: number): string[] => {
        const def = `${repo}:${cacheTag(keys[i], builder, null)}`;
        return branch !== null ? [`${repo}:${cacheTag(keys[i], builder, branch)}`, def] : [def];
    };
    const buildArgs = options.buildArgs ?? {};
    const files: Plan['files'] = [];
    const planStages: PlanStage[] = [];
    const extraTags = options.tags ?? [];
    const tarball = backend === 'save-load' ? joinPath(options.cacheDir, 'stagecraft-cache.tar') : null;
    let bxPlan: Plan['buildx'] = null;

    buildOrder.forEach((i, pos) => {
        const s = stages[i];
        const mine = neededStages(stages, i);
        const keep = new Set(mine);
        const unnamed = s.name === null;
        // Classic runs every stage before the target: stub the ones this stage does not need.
        const stubs = builder === 'classic' && stages.some((o) => o.index < i && !keep.has(o.index));
        const targetName = unnamed ? targetNameFor(i, stages) : (s.name as string);
        let dockerfile = options.dockerfile;
        if (stubs || unnamed) {
            dockerfile = joinPath(joinPath(options.cacheDir, 'dockerfiles'), `${keys[i]}.Dockerfile`);
            // Classic: stages after this one are cut (classic stops at its target). BuildKit only
            // needs the name, so the whole file is kept.
            const keepAll = builder === 'classic' ? keep : new Set(stages.map((o) => o.index));
            files.push({
                path: dockerfile,
                content: deriveDockerfile({
                    text, stages, keep: keepAll, names: new Map(unnamed ? [[i, targetName]] : []),
                    cutAfter: builder === 'classic' ? i : undefined,
                }),
            });
        }
        const own = refsOf(i);
        const ancestors = mine.filter((d) => d !== i);
        const ref = own[0];
        let cacheFrom: string[] = [];
        let pull: string[] = [];
        const extra: string[] = [];
        // Classic (and save-load, which builds classic): ancestors first, in file order, the
        // stage's own image last. The classic builder keeps to the first cache image a step
        // matches; a stage rebuilt earlier in this run must come before the older images that
        // also hold its steps (measured: with the stage's own image first, a manifest change
        // re-ran `npm ci` in every later stage's build).
        if (backend === 'save-load') {
            cacheFrom = [...ancestors.map((d) => refsOf(d)[0]), ref];
        } else if (backend === 'classic' && !local) {
            cacheFrom = [...ancestors.flatMap(refsOf), ...own].filter((r) => !missing.has(r));
            pull = own;
        } else if (backend === 'buildkit' && !local) {
            // BuildKit 0.8 sometimes fails to use a layer record one image has while another
            // image of the same build has it (tested): every stage image of the plan is a source.
            // A stage's own build (after the target's): its own first, then its ancestors', then
            // the others'. The target's build, which runs first and checks every stage: the
            // stages latest in the build order first (their images carry the longest chains of
            // earlier stages' steps), its own last. Measured on the benchmark's manifest change:
            // 1 of deps' 4 steps reused this way, 0 with the target's own image first.
            const others = needed.filter((d) => d !== i && !ancestors.includes(d));
            cacheFrom = (i === target
                ? [...[...buildOrder].filter((d) => d !== i).reverse().flatMap(refsOf), ...own]
                : [...own, ...ancestors.flatMap(refsOf), ...others.flatMap(refsOf)]).filter((r) => !missing.has(r));
        } else if (backend === 'buildx' && bxType !== 'none') {
            // One build per run: this stage as the target (the run's target, or a lens on it).
            const bx = buildxCache({
                type: bxType, repo, targetKey: keys[i], mainKey: keys[stages.length - 1], branch, cacheDir: options.cacheDir,
                project: options.project, write: bxType !== 'registry' || push, missing,
            });
            cacheFrom = bx.from;
            if (bx.to !== null) { extra.push('--cache-to', bx.to); }
            if (i === target) { bxPlan = { ...bx, type: bxType }; }
        }
        cacheFrom = [...new Set(cacheFrom)];
        if (backend === 'buildx' && bxType === 'none' && i === target) { bxPlan = { candidates: [], from: [], to: null, writes: null, localDir: null, type: 'none' }; }
        const env: Record<string, string> = builder === 'buildx' ? {} : { DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' };
        // Classic: --force-rm, so a failed or interrupted step leaves no stopped container behind.
        const args: string[] = builder === 'buildx' ? ['buildx', 'build', '--progress=plain'] : builder === 'buildkit' ? ['build', '--progress=plain'] : ['build', '--force-rm'];
        args.push('-f', dockerfile, '--target', targetName);
        if (builder === 'buildkit') { args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1'); }
        for (const [k, v] of Object.entries(buildArgs)) { args.push('--build-arg', `${k}=${v}`); }
        if (options.platform) { args.push('--platform', options.platform); }
        for (const c of cacheFrom) { args.push('--cache-from', c); }
        args.push(...extra);
        // buildx: --push sends the image straight to the registry (the docker driver keeps it here
        // too); without --push, or when asked, --load puts it into this engine's images.
        if (builder === 'buildx') { args.push(...(push ? ['--push'] : []), ...(!push || options.load ? ['--load'] : [])); }
        const tags = i === target ? extraTags : [];
        const argv = [...args, '-t', ref, ...tags.flatMap((t) => ['-t', t]), options.context];
        // buildx: the one build of the target pushes its image; the other stages live in its cache.
        const pushRefs = !push || (builder === 'buildx' && i !== target) ? [] : [ref, ...tags];
        planStages.push({
            index: i, name: s.name, key: keys[i], label: stageLabel(s), line: s.line,
            dependsOn: s.dependsOn.filter((d) => neededSet.has(d)), group: group.get(i) as number, step: pos + 1,
            targetName, dockerfile, derived: dockerfile !== options.dockerfile, ref, ownRefs: own,
            cacheFrom, pull, push: pushRefs, tags, env, args, argv,
        });
    });

    const groups: number[][] = [];
    for (const ps of planStages) { (groups[ps.group] ??= []).push(ps.index); }
    const setup: Command[] = [];
    const teardown: Command[] = [];
    if (tarball !== null) {
        setup.push({ argv: ['load', '-i', tarball], description: `load the stage images saved by the last build (${tarball})` });
        teardown.push({
            argv: ['save', '-o', `${tarball}.tmp`, ...planStages.map((p) => p.ref)],
            description: `save every stage image into one tarball (${tarball}; shared layers stored once)`,
        });
    }
    return {
        backend, builder, cacheRepo: repo, local, branch,
        target: { index: target, label: stageLabel(stages[target]), key: keys[target] },
        stages: planStages, groups,
        skipped: stages.filter((s) => !neededSet.has(s.index)).map((s) => ({ index: s.index, label: stageLabel(s), line: s.line })),
        files, setup, teardown, tarball, notes, buildx: bxPlan,
    };
}
