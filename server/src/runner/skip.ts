/**
 * Step "decide to skip": nothing changed. With a registry and --push (buildkit and buildx), the
 * target's image carries a fingerprint of every input of its build (runner/inputs.ts) as a label.
 * When the registry's target image has this job's fingerprint, and every cache image the next job
 * needs is there, the job builds, pushes and (without --load) pulls nothing.
 * Image indexes (BuildKit's provenance, the containerd image store) are followed to the image of
 * the build's platform (registry.ts `imageLabels`).
 */
import { neededStages } from '../plan/plan';
import { fingerprint, type Fingerprint, INPUTS_LABEL } from './inputs';
import { runDocker } from './process';
import { imageLabels } from './registry';
import { EXIT, lastLine, type RunState, seconds } from './state';

/** Starts hashing the inputs (context files, base images) while the engine and the registry are asked. */
export function startFingerprint(state: RunState, settings: Promise<unknown>): void {
    const { req, docker } = state;
    const o = req.options;
    if (!o.cacheRepo || !o.push) { return; }
    const target = req.analysis.target;
    if (target === null) { return; }
    const needed = neededStages(req.analysis.stages, target);
    state.fingerprinting = fingerprint(docker, {
        analysis: req.analysis, text: req.text, dockerfile: o.dockerfile, context: o.context,
        needed, exclude: [o.cacheDir], settings,
    }).catch((e: unknown): Fingerprint => ({ ok: false, reason: `could not fingerprint the inputs: ${(e as Error).message}` }));
}

/** Whether this plan can skip at all: a registry, --push, and a builder that labels its target. */
function skippable(state: RunState): boolean {
    const plan = state.plan;
    return plan !== null && !plan.local && (plan.builder === 'buildkit' || plan.builder === 'buildx') && plan.stages[plan.stages.length - 1].push.length > 0;
}

/** Returns false when the run stops (interrupted). */
export async function decideSkip(state: RunState): Promise<boolean> {
    const plan = state.plan;
    if (plan === null || !skippable(state) || state.fingerprinting === null) { return true; }
    const { docker, req } = state;
    const inputs = await state.fingerprinting;
    state.inputs = inputs;
    if (!inputs.ok) { state.say(`stagecraft: every stage is checked by a build: ${inputs.reason}`); return true; }
    state.labelArgs = ['--label', `${INPUTS_LABEL}=${inputs.digest}`];
    if (req.skipUnchanged === false) { return true; }
    const target = plan.stages[plan.stages.length - 1];
    const ref = target.ownRefs[0];
    // What the next job reads must be there too: every stage image (buildkit), the cache (buildx).
    const needs = plan.buildx !== null ? [ref, ...(plan.buildx.writes !== null ? [plan.buildx.writes] : [])] : plan.stages.map((s) => s.ownRefs[0]);
    if (!needs.every((r) => state.remotePresent.has(r))) { return true; }
    const labels = await imageLabels(ref, docker.env, req.options.platform ?? null);
    if (labels === null || labels[INPUTS_LABEL] !== inputs.digest) {
        if (labels !== null && labels[INPUTS_LABEL] !== undefined) { state.say(`stagecraft: inputs changed since ${ref} was built; building`); }
        return true;
    }
    state.say(`stagecraft: nothing changed: ${ref} was built from these exact inputs (Dockerfile, build args, base images, ${inputs.files} context files: ${inputs.digest.slice(0, 19)}); ${plan.buildx !== null ? 'its cache is' : 'every stage\'s image is'} in the registry`);
    state.skipped = true;
    let tagsPushed = false;
    const extra = target.push.filter((p) => p !== ref);
    if (extra.length > 0 && plan.builder === 'buildx') {
        // The registry copies the image (its whole index, attestations included) to the other tags:
        // nothing is pulled or pushed through this engine.
        const t0 = Date.now();
        const r = await runDocker(docker, ['buildx', 'imagetools', 'create', ...extra.flatMap((t) => ['--tag', t]), ref], { signal: req.signal });
        if (state.interrupted()) { state.notice('interrupted'); state.code = EXIT.interrupted; return false; }
        if (r.code !== 0) { state.notice(`could not tag ${ref} as ${extra.join(', ')} in the registry: ${lastLine(r.output)}`); state.code = EXIT.publish; } else {
            state.say(`stagecraft: tagged ${ref} as ${extra.join(', ')} in the registry in ${seconds(Date.now() - t0)}`);
            tagsPushed = true;
        }
    }
    if (req.load || (extra.length > 0 && plan.builder !== 'buildx')) {
        const t0 = Date.now();
        const pr = await runDocker(docker, ['pull', '-q', ref], { signal: req.signal });
        if (state.interrupted()) { state.notice('interrupted'); state.code = EXIT.interrupted; return false; }
        if (pr.code !== 0) {
            state.notice(`could not pull ${ref} (${lastLine(pr.output)}); building instead`);
            state.skipped = false;
            return true;
        }
        state.say(`stagecraft: pulled ${ref} in ${seconds(Date.now() - t0)}`);
        for (const t of target.tags) {
            const tr = await runDocker(docker, ['tag', ref, t]);
            if (tr.code !== 0) { state.notice(`could not tag ${ref} as ${t}: ${lastLine(tr.output)}`); state.code = EXIT.buildFailed; }
        }
        if (plan.builder !== 'buildx') {
            for (const t of extra) {
                if (state.code !== EXIT.ok) { break; }
                const pu = await runDocker(docker, ['push', t], { signal: req.signal });
                if (pu.code !== 0) { state.notice(`push of ${t} failed: ${lastLine(pu.output)}`); state.code = EXIT.publish; }
            }
            tagsPushed = state.code === EXIT.ok && extra.length > 0;
        }
    } else {
        state.say('stagecraft: nothing pulled either (pass --load to have the image on this engine)');
    }
    for (const res of state.results) {
        res.status = 'hit';
        res.pushed = res.stage.push.length > 0 ? 'skipped' : null;
        res.image = plan.buildx === null || res.stage.index === plan.target.index ? res.stage.ownRefs[0] : null;
    }
    if (tagsPushed) { state.results[state.results.length - 1].pushed = 'yes'; }
    return true;
}
