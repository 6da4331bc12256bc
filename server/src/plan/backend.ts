/**
 * Which backend runs a build: the user's choice, or `auto` decided from facts about the engine.
 * Pure; the runner finds the facts (runner/engine.ts). The rules follow what we measured on each
 * engine (docs/BUILDS.md, "Which backend fits which engine").
 */
import type { BackendChoice, BackendName } from './plan';

export interface EngineFacts {
    clientVersion: string;
    serverVersion: string;
    /** `docker build` runs BuildKit with this client: built in before 23, through the buildx plugin from 23 on. */
    buildkit: boolean;
    /** The buildx plugin is installed for this client. */
    buildx: boolean;
    /** The driver of buildx's current builder (`docker`, `docker-container`, ...), null without buildx. */
    buildxDriver: string | null;
    /** The daemon keeps images in containerd (the containerd image store). */
    containerdStore: boolean;
}

export interface BackendDecision {
    backend: BackendName;
    /** Why, one line (auto), or why it cannot run (error). */
    reason: string;
    /** A line the user should read even though the build goes on (how to get a better backend). */
    advice: string | null;
    error: string | null;
}

export interface BackendNeeds {
    cacheRepo: string | null;
    cacheDirGiven: boolean;
}

function major(v: string): number {
    const m = /^(\d+)\./.exec(v);
    return m ? Number(m[1]) : 0;
}

/** BuildKit 0.8 era (Docker before 23): the classic builder is the robust registry cache there. */
export function legacyEngine(e: EngineFacts): boolean {
    return major(e.serverVersion) > 0 && major(e.serverVersion) < 23;
}

/**
 * The builder can export cache to a registry or a directory (not only inline): a
 * `docker-container` (or remote, kubernetes) builder, or the `docker` driver on a daemon with the
 * containerd image store. Measured on Docker 26.1 without the store: "Cache export is not
 * supported for the docker driver".
 */
export function canExportCache(e: EngineFacts): boolean {
    if (!e.buildx || legacyEngine(e)) { return false; }
    return e.buildxDriver !== null && e.buildxDriver !== 'docker' ? true : e.containerdStore;
}

const STORE_ADVICE = 'turn on the containerd image store ({"features": {"containerd-snapshotter": true}} in /etc/docker/daemon.json, then restart dockerd) so buildx can export the cache of every stage in one build';

/**
 * `auto`, by engine:
 * - Docker before 23 (BuildKit 0.8): a registry -> classic (BuildKit 0.8's inline cache loses
 *   layers every other build); a cache dir only -> save-load; neither -> BuildKit's own cache.
 * - buildx whose builder exports cache (the containerd image store, or a docker-container
 *   builder) -> buildx: one build of the target, the cache of every stage in one export.
 * - buildx on the docker driver without the containerd store: no cache export -> per-stage
 *   inline cache (buildkit), with a line on how to turn the store on.
 * - a client from 23 on without buildx: the classic builder where it still works (no containerd
 *   store; pulled cache images fail on the store); else an error that says to install buildx.
 * `engine` null (`stagecraft plan`, no engine asked): the engine CI runners have today, buildx.
 */
export function chooseBackend(choice: BackendChoice, opts: BackendNeeds, engine: EngineFacts | null): BackendDecision {
    const ok = (backend: BackendName, reason: string, advice: string | null = null): BackendDecision => ({ backend, reason, advice, error: null });
    const fail = (backend: BackendName, error: string): BackendDecision => ({ backend, reason: '', advice: null, error });
    if (choice !== 'auto') {
        if (engine === null) { return ok(choice, 'chosen with --backend'); }
        return checkChoice(choice, opts, engine) ?? ok(choice, 'chosen with --backend');
    }
    if (engine === null) {
        return ok('buildx', 'today\'s engines (Docker 23+ with buildx): one build of the target, registry cache of every stage');
    }
    if (legacyEngine(engine)) {
        if (opts.cacheRepo) { return ok('classic', `Docker ${engine.serverVersion} with a cache registry: classic per-stage cache (robust across rebuilds; BuildKit 0.8's inline cache is not)`); }
        if (opts.cacheDirGiven) { return ok('save-load', 'a cache dir and no registry: save-load'); }
        return engine.buildkit
            ? ok('buildkit', 'no registry: the local engine\'s BuildKit cache')
            : ok('classic', 'no registry and BuildKit is not usable with this docker client: classic builder');
    }
    if (engine.buildx && canExportCache(engine)) {
        return ok('buildx', opts.cacheRepo
            ? 'buildx can export cache here: one build of the target, the cache of every stage in one registry export'
            : opts.cacheDirGiven ? 'buildx can export cache here: one build of the target, every stage\'s cache in the cache dir'
                : 'no registry: one buildx build on the local engine\'s cache');
    }
    if (engine.buildx) {
        // The docker driver without the containerd store: only inline cache can be exported.
        if (opts.cacheRepo) {
            return ok('buildkit', 'the docker driver exports no cache without the containerd image store: per-stage inline cache', `for a faster cache, ${STORE_ADVICE}`);
        }
        if (opts.cacheDirGiven) { return ok('save-load', 'a cache dir and no registry, and no cache export on this builder: save-load', `or ${STORE_ADVICE}`); }
        return ok('buildkit', 'no registry: the local engine\'s BuildKit cache');
    }
    // A client from 23 on without the buildx plugin: `docker build` cannot run BuildKit.
    if (engine.containerdStore && opts.cacheRepo) {
        return fail('classic', `docker ${engine.clientVersion} has no buildx plugin, and on the containerd image store the classic builder fails on pulled cache images; install the buildx plugin (Debian/Ubuntu: docker-buildx; elsewhere docker-buildx-plugin)`);
    }
    if (opts.cacheDirGiven && !opts.cacheRepo && !engine.containerdStore) { return ok('save-load', 'a cache dir and no registry: save-load (classic builder)', 'install the buildx plugin for BuildKit'); }
    return ok('classic', `docker ${engine.clientVersion} has no buildx plugin: the classic builder`, 'install the buildx plugin (Debian/Ubuntu: docker-buildx; elsewhere docker-buildx-plugin) for BuildKit and registry cache of every stage');
}

/** Null when the chosen backend can run on this engine, else the decision that says why not. */
function checkChoice(choice: BackendName, opts: BackendNeeds, engine: EngineFacts): BackendDecision | null {
    const fail = (error: string): BackendDecision => ({ backend: choice, reason: '', advice: null, error });
    if (choice === 'buildkit' && !engine.buildkit) {
        return fail(`--backend buildkit: BuildKit is not usable with this docker client (${engine.clientVersion}; clients from 23 on need the buildx plugin). Install buildx (Debian/Ubuntu: docker-buildx), or use --backend classic`);
    }
    if (choice === 'buildx') {
        if (!engine.buildx) { return fail('--backend buildx: `docker buildx` is not installed for this client. Install the buildx plugin, or use --backend buildkit or classic'); }
        const needsExport = opts.cacheRepo !== null || opts.cacheDirGiven;
        if (needsExport && !canExportCache(engine)) {
            return fail(legacyEngine(engine)
                ? `--backend buildx: Docker ${engine.serverVersion}'s builder cannot export cache (BuildKit 0.8, docker driver). Use --backend classic or buildkit`
                : `--backend buildx: the docker driver exports no cache without the containerd image store; ${STORE_ADVICE}, or use --backend buildkit (per-stage inline cache)`);
        }
    }
    if ((choice === 'classic' || choice === 'save-load') && engine.containerdStore && (opts.cacheRepo !== null || choice === 'save-load')) {
        return fail(`--backend ${choice}: on the containerd image store the classic builder fails on every cache image it did not build itself ("failed to restore cached image ... failed to read diff archive"); use --backend buildx (the default here)`);
    }
    return null;
}
