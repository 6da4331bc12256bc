/**
 * Which backend runs a build: the user's choice, or `auto` decided from facts about the engine.
 * Pure; the runner finds the facts (runner/engine.ts).
 */
import type { BackendChoice, BackendName } from './plan';

export interface EngineFacts {
    clientVersion: string;
    serverVersion: string;
    /** `DOCKER_BUILDKIT=1 docker build` works with this client and daemon. */
    buildkit: boolean;
    buildx: boolean;
}

export interface BackendDecision {
    backend: BackendName;
    /** Why, one line (auto), or why it cannot run (error). */
    reason: string;
    error: string | null;
}

/**
 * `auto`: a registry -> classic (its per-stage cache survives every rebuild; BuildKit 0.8's inline
 * cache loses layers every other build, docs/BUILDS.md); a cache dir and no registry -> save-load;
 * neither -> the local engine's BuildKit (skips unneeded stages by itself), else classic.
 * `engine` null: not known (`stagecraft plan`), assume BuildKit works.
 */
export function chooseBackend(choice: BackendChoice, opts: { cacheRepo: string | null; cacheDirGiven: boolean }, engine: EngineFacts | null): BackendDecision {
    const bk = engine === null || engine.buildkit;
    if (choice === 'auto') {
        if (opts.cacheRepo) { return { backend: 'classic', reason: 'a cache registry is given: classic per-stage cache (robust across rebuilds)', error: null }; }
        if (opts.cacheDirGiven) { return { backend: 'save-load', reason: 'a cache dir and no registry: save-load', error: null }; }
        return bk
            ? { backend: 'buildkit', reason: 'no registry: the local engine\'s BuildKit cache', error: null }
            : { backend: 'classic', reason: 'no registry and BuildKit is not usable with this docker client: classic builder', error: null };
    }
    if (choice === 'buildkit' && !bk) {
        return { backend: choice, reason: '', error: `--backend buildkit: BuildKit is not usable with this docker client (${engine?.clientVersion}; clients from 23 on need the buildx plugin). Use the Debian/20.10 client via STAGECRAFT_DOCKER, install buildx, or use --backend classic` };
    }
    if (choice === 'buildx' && engine !== null && !engine.buildx) {
        return { backend: choice, reason: '', error: '--backend buildx: `docker buildx` is not installed for this client. Install the buildx plugin, or use --backend buildkit or classic' };
    }
    return { backend: choice, reason: 'chosen with --backend', error: null };
}
