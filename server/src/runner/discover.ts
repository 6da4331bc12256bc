/**
 * Step "discover the cache": which cache images exist, so a missing one is one line of notice and
 * never reaches docker (BuildKit prints an error block for every missing `--cache-from`).
 * - classic with a registry: HEAD requests first, then `docker pull` of every stage's cache image
 *   that is there, all at once (the classic builder only uses local images); the findings are
 *   reported in build order, one line per reason;
 * - buildkit and buildx with a registry: HEAD requests on the registry (no pull: BuildKit reads
 *   the cache straight from it); started before the engine is probed (`askRegistry`);
 * - buildx with a local cache directory: does it exist;
 * - save-load: `docker load` the tarball.
 */
import * as fs from 'fs';
import * as path from 'path';
import { planBuild } from '../plan/plan';
import { runDocker } from './process';
import { parseRef, type Presence, probeRefWhy } from './registry';
import { classifyRegistryError, EXIT, lastLine, type RunState, seconds, shortRegistryError } from './state';

/** HEAD checks of refs, all at once, into `state.presence` (what is already there is not asked again). */
export async function askRegistry(state: RunState, refs: readonly string[]): Promise<void> {
    const todo = [...new Set(refs)].filter((r) => !state.presence.has(r));
    await Promise.all(todo.map(async (r) => {
        const p = await probeRefWhy(r, state.docker.env).catch(() => ({ presence: 'unknown' as Presence, why: null }));
        state.presence.set(r, p.presence);
        if (p.why !== null && p.presence === 'unreachable') { state.hostTrouble.set(parseRef(r).host, p.why); }
    }));
}

/** Every registry ref a run with these options may ask about (for the early HEAD checks). */
export function registryRefs(state: RunState, backends: readonly ('buildkit' | 'buildx')[]): string[] {
    const out: string[] = [];
    for (const backend of backends) {
        try {
            const p = planBuild(state.req.analysis, state.req.text, { ...state.req.options, cacheDirGiven: state.req.cacheDirGiven, backend });
            if (p.local) { continue; }
            out.push(...p.stages.flatMap((s) => s.ownRefs), ...(p.buildx?.candidates ?? []));
        } catch { /* the plan error is reported later */ }
    }
    return out;
}

/**
 * A registry found unreachable: said once, with why and what follows (no cache from it, nothing
 * pushed to it: the run then ends with exit 4). Later steps read `deadHosts` and say nothing more.
 */
function markDead(state: RunState, host: string, why: string | null): void {
    if (state.deadHosts.has(host)) { return; }
    const what = `registry ${host} unreachable${why ? ` (${why})` : ''}`;
    state.deadHosts.set(host, what);
    const pushes = (state.plan?.stages ?? []).some((s) => s.push.some((p) => parseRef(p).host === host));
    state.notice(`${what}; building without its cache${pushes ? ', and pushing nothing to it' : ''}`);
}

/**
 * Missing cache images, said once per reason: "no cache images for stages base, deps, app (not in
 * the registry yet ...): building them without cache", not a line per stage.
 */
function sayMissing(state: RunState, missing: { label: string; reason: string }[]): void {
    const byReason = new Map<string, string[]>();
    for (const m of missing) { byReason.set(m.reason, [...(byReason.get(m.reason) ?? []), m.label]); }
    for (const [reason, labels] of byReason) {
        state.notice(labels.length === 1
            ? `no cache image for stage ${labels[0]} (${reason}): building it without cache`
            : `no cache images for stages ${labels.join(', ')} (${reason}): building them without cache`);
    }
}

/** Returns false when the run stops (interrupted). */
export async function discoverCache(state: RunState): Promise<boolean> {
    const plan = state.plan;
    if (plan === null) { return false; }
    const { docker, req } = state;
    if (plan.tarball !== null) {
        if (fs.existsSync(path.resolve(docker.cwd, plan.tarball))) {
            const t0 = Date.now();
            const r = await runDocker(docker, ['load', '-i', plan.tarball], { signal: req.signal });
            if (state.interrupted()) { state.notice('interrupted'); state.code = EXIT.interrupted; return false; }
            if (r.code === 0) { state.tarballLoaded = true; state.say(`stagecraft: loaded the saved stage images from ${plan.tarball} in ${seconds(Date.now() - t0)}`); } else {
                state.notice(`could not load ${plan.tarball} (${lastLine(r.output)}); building without it`);
            }
        } else {
            state.notice(`no saved cache at ${plan.tarball} yet (first run?); building without it`);
        }
    } else if (plan.buildx !== null && plan.buildx.localDir !== null) {
        if (!fs.existsSync(path.resolve(docker.cwd, plan.buildx.localDir, 'index.json'))) {
            state.missing.add(plan.buildx.localDir);
            state.notice(`no buildx cache in ${plan.buildx.localDir} yet (first run?); building without it`);
        }
    } else if (!plan.local && plan.builder === 'classic') {
        await pullClassic(state);
        if (state.interrupted()) { state.notice('interrupted'); state.code = EXIT.interrupted; return false; }
    } else if (!plan.local) {
        await askRegistry(state, [...plan.stages.flatMap((s) => s.ownRefs), ...(plan.buildx?.candidates ?? [])]);
        headChecks(state);
    }
    // The plan again, without the refs found missing; the rows follow its stages.
    state.plan = planBuild(req.analysis, req.text, state.options ?? { ...req.options, backend: plan.backend }, { missingRefs: state.missing });
    const byIndex = new Map(state.plan.stages.map((s) => [s.index, s]));
    for (const res of state.results) { res.stage = byIndex.get(res.stage.index) ?? res.stage; }
    return true;
}

/**
 * Every stage's cache image is pulled at once (the daemon fetches a layer shared by several
 * images once); the findings are reported afterwards, in build order. A stage's own tag stays in
 * --cache-from even when its pull failed: this run writes it before any stage that depends on it
 * is built (classic only uses the images it is given).
 */
async function pullClassic(state: RunState): Promise<void> {
    const plan = state.plan;
    if (plan === null) { return; }
    const { docker, req } = state;
    const t0 = Date.now();
    // HEAD first: only images that are there are pulled (a registry that hangs or answers 500 is
    // found in 5 s, not by a `docker pull` that waits on it).
    await askRegistry(state, plan.stages.flatMap((s) => s.pull));
    type Tried = { ref: string; ok: boolean; kind: ReturnType<typeof classifyRegistryError>; output: string };
    const pulled = await Promise.all(plan.stages.map(async (s) => {
        const tried: Tried[] = [];
        for (const ref of s.pull) {
            const p = state.presence.get(ref);
            if (p === 'missing' || p === 'unauthorized' || p === 'unreachable') {
                tried.push({ ref, ok: false, kind: p === 'missing' ? 'missing' : p === 'unauthorized' ? 'auth' : 'unreachable', output: state.hostTrouble.get(parseRef(ref).host) ?? '' });
                if (p === 'unreachable') { break; }
                continue;
            }
            const r = await runDocker(docker, ['pull', '-q', ref], { signal: req.signal });
            tried.push({ ref, ok: r.code === 0, kind: classifyRegistryError(r.output), output: r.output });
            if (r.code === 0 || state.interrupted() || classifyRegistryError(r.output) === 'unreachable') { break; }
        }
        return tried;
    }));
    if (state.interrupted()) { return; }
    const noCache: { label: string; reason: string }[] = [];
    plan.stages.forEach((s, k) => {
        let got: string | null = null;
        const reasons: string[] = [];
        for (const ref of s.pull) {
            const host = parseRef(ref).host;
            const r = pulled[k].find((t) => t.ref === ref);
            if (r === undefined) { if (state.deadHosts.has(host)) { reasons.push(state.deadHosts.get(host) as string); } continue; }
            if (r.ok) { got = ref; break; }
            if (r.kind === 'unreachable') { markDead(state, host, r.output || null); }
            reasons.push(r.kind === 'auth' ? `registry ${host} asks for credentials: docker login ${host}` : r.kind === 'missing' ? 'not in the registry yet: first run, new branch or expired tag' : r.kind === 'unreachable' ? `registry ${host} unreachable` : shortRegistryError(r.output));
        }
        for (const ref of s.pull) { if (ref !== got && ref !== s.ref) { state.missing.add(ref); } }
        if (got !== null) { state.say(`stagecraft: pulled cache image ${got}`); } else if (!reasons.every((r) => / unreachable/.test(r))) {
            noCache.push({ label: s.label, reason: [...new Set(reasons)].join('; ') });
        }
    });
    sayMissing(state, noCache);
    if (plan.stages.length > 1) { state.say(`stagecraft: looked for ${plan.stages.length} cache images at once in ${seconds(Date.now() - t0)}`); }
}

/** BuildKit and buildx: the HEAD answers (asked early) into missing / present, one line per missing stage cache. */
function headChecks(state: RunState): void {
    const plan = state.plan;
    if (plan === null) { return; }
    const noCache: { label: string; reason: string }[] = [];
    const note = (states: Presence[], host: string, what: string | null) => {
        if (states.some((p) => p === 'present' || p === 'unknown')) { return; }
        const reason = states.includes('unauthorized') ? `registry ${host} asks for credentials: docker login ${host}` : 'not in the registry yet: first run, new branch or expired tag';
        if (states.includes('unreachable')) {
            markDead(state, host, state.hostTrouble.get(host) ?? null);
        } else if (what === null) {
            state.notice(states.includes('unauthorized')
                ? `no cache from ${plan.cacheRepo} (${reason}): building without it`
                : `no cache in ${plan.cacheRepo} yet (first run, new branch or expired tag): building without it`);
        } else {
            noCache.push({ label: what, reason });
        }
    };
    const record = (r: string) => {
        const p = state.presence.get(r) ?? 'unknown';
        if (p === 'present') { state.remotePresent.add(r); }
        if (p === 'missing' || p === 'unauthorized' || p === 'unreachable') { state.missing.add(r); }
        return p;
    };
    if (plan.buildx !== null) {
        const candidates = plan.buildx.candidates;
        const states = candidates.map(record);
        plan.stages.forEach((s) => s.ownRefs.forEach(record));
        if (candidates.length > 0) { note(states, parseRef(candidates[0]).host, null); }
        return;
    }
    for (const s of plan.stages) {
        const states = s.ownRefs.map(record);
        note(states, parseRef(s.ownRefs[0]).host, s.label);
    }
    sayMissing(state, noCache);
}
