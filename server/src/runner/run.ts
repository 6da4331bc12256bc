/**
 * The runner: executes a plan against the real engine. The I/O side of builds, in named steps
 * around one state object (runner/state.ts):
 *
 * 1. `chooseBackend`: reach the engine (exit 3 when it cannot), choose the backend, plan. The
 *    registry HEAD checks and the inputs fingerprint start before, while the engine is asked;
 * 2. `discoverCache` (discover.ts): which cache images exist; a missing one is a one-line notice,
 *    never a failure, and never reaches docker;
 * 3. `decideSkip` (skip.ts): nothing changed since the registry's image was built: do nothing;
 * 4. `build` (builds.ts): stage by stage, the target first, or one buildx build; tags only after
 *    success, nothing ever deleted;
 * 5. `publish` (publish.ts): pushes as stages are built, the save-load tarball, buildx's local cache;
 * 6. `report` (report.ts): the summary table, the last line, the `--report` file.
 */
import { chooseBackend as decide } from '../plan/backend';
import { PlanError, type PlanOptions, planBuild } from '../plan/plan';
import { build } from './builds';
import { askRegistry, discoverCache, registryRefs } from './discover';
import { probeEngine } from './engine';
import type { Docker } from './process';
import { Pushes, rotateLocalCache, saveTarball } from './publish';
import { fillSizes, report } from './report';
import { decideSkip, startFingerprint } from './skip';
import { EXIT, newState, type RunRequest, type RunnerIO, type RunState } from './state';

export { EXIT, type RunRequest, type RunnerIO, type StageResult } from './state';
export { summaryTable } from './report';
export { classifyRegistryError } from './state';

export async function runBuild(docker: Docker, req: RunRequest, io: RunnerIO): Promise<number> {
    const state = newState(docker, req, io);
    state.trace('start');
    // The client's version is for the report only: asked while the build runs, never before it.
    let clientVersion: Promise<string> | null = null;
    const askClient = () => (clientVersion ??= state.clientVersion !== null && req.reportFile ? state.clientVersion() : null);
    try {
        if (await chooseBackend(state) && (state.trace('backend'), await discoverCache(state)) && (state.trace('cache'), await decideSkip(state))) {
            state.trace('skip decided');
            askClient();
            const pushes = new Pushes(state);
            const ids = await build(state, pushes);
            const sizes = fillSizes(state, ids);
            await pushes.drain();
            await sizes;
            if (state.code === EXIT.buildFailed) {
                state.notice('fix that instruction (docker\'s output above has the details) and run the build again; images already built keep their tags');
            }
            if (state.code === EXIT.ok && state.pushBroken !== null) { state.code = EXIT.publish; }
            await saveTarball(state);
            rotateLocalCache(state);
        }
    } finally {
        const version = state.engine !== null ? askClient() : null;
        if (state.engine !== null && version !== null) { state.engine.clientVersion = await version; }
        report(state);
        state.trace('end');
    }
    return state.code;
}

/**
 * Step 1. The registry HEAD checks and the fingerprint do not depend on the engine, so they start
 * first and run while it is probed (a no-change job is mostly waiting for these answers).
 */
async function chooseBackend(state: RunState): Promise<boolean> {
    const { req, docker } = state;
    const guesses = req.backend === 'auto' ? ['buildx', 'buildkit'] as const : req.backend === 'buildkit' || req.backend === 'buildx' ? [req.backend] : [];
    const early = req.options.cacheRepo ? askRegistry(state, registryRefs(state, guesses)) : Promise.resolve();
    let settle: (v: unknown) => void = () => undefined;
    startFingerprint(state, new Promise((r) => { settle = r; }));
    const engine = await probeEngine(docker);
    state.trace('engine probed');
    if (!engine.ok) {
        settle(null);
        state.notice(engine.message);
        state.code = EXIT.docker;
        return false;
    }
    state.engine = engine.facts;
    state.clientVersion = engine.clientVersion ?? null;
    const decision = decide(req.backend, { cacheRepo: req.options.cacheRepo, cacheDirGiven: req.cacheDirGiven }, engine.facts);
    state.decision = decision;
    if (decision.error) { settle(null); state.notice(decision.error); state.code = EXIT.docker; return false; }
    const options: PlanOptions = { ...req.options, cacheDirGiven: req.cacheDirGiven, load: req.load, backend: decision.backend };
    state.options = options;
    try { state.plan = planBuild(req.analysis, req.text, options); } catch (e) {
        settle(null);
        if (e instanceof PlanError) { state.notice(e.message); state.code = EXIT.usage; return false; }
        throw e;
    }
    const plan = state.plan;
    settle({ builder: plan.builder, target: plan.stages[plan.stages.length - 1].targetName, buildArgs: options.buildArgs ?? {}, platform: options.platform ?? null, engine: engine.facts.serverVersion });
    state.results = plan.stages.map((stage) => ({ stage, status: 'not built', cached: 0, steps: 0, seconds: 0, size: null, pushed: null, image: null }));
    state.say(`stagecraft: target ${plan.target.label}, backend ${plan.backend} (${decision.reason}), cache ${plan.cacheRepo}${plan.local ? ' (local)' : ''}`);
    if (decision.advice) { state.notice(decision.advice); }
    state.say(`stagecraft: building ${plan.stages.map((s) => s.label).join(' -> ')}` + (plan.skipped.length > 0 ? `; not needed, never built: ${plan.skipped.map((s) => s.label).join(', ')}` : ''));
    for (const n of plan.notes) { state.notice(n); }
    await early;
    return true;
}
