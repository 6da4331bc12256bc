/**
 * The runner: executes a plan against the real engine. The I/O side of builds.
 *
 * 1. reach the engine (exit 3 when it cannot), choose the backend;
 * 2. find out which cache images exist (classic: pull them; BuildKit: HEAD them on the registry;
 *    save-load: `docker load` the tarball); a missing one is a one-line notice, never a failure;
 * 3. build each stage (`--iidfile`, then `docker tag`: a build that fails or is interrupted tags
 *    nothing, and nothing is ever deleted), report cache hits from docker's own output. BuildKit:
 *    the target first, then only the stages to push or tag; on an empty registry stage by stage
 *    (never concurrently: engine 20.10 crashes, docs/BUILDS.md);
 * 4. push (or save) the stage images as they are built, the target's last; a summary table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Analysis } from '../analysis';
import { chooseBackend, type BackendDecision } from '../plan/backend';
import { shCommand } from '../plan/formats';
import { cacheState, lineOf, parseBuildkit, parseBuildkitStages, parseClassic, type BuildOutcome } from '../plan/output';
import { type BackendChoice, type Plan, PlanError, type PlanOptions, planBuild, type PlanStage } from '../plan/plan';
import { probeEngine } from './engine';
import { type Docker, runDocker } from './process';
import { fingerprint, type Fingerprint, INPUTS_LABEL } from './inputs';
import { imageLabels, parseRef, type Presence, probeRef } from './registry';

export const EXIT = { ok: 0, buildFailed: 1, usage: 2, docker: 3, publish: 4, interrupted: 130 } as const;

export interface RunnerIO {
    stdout: { write(s: string): unknown };
    stderr: { write(s: string): unknown };
}

export interface RunRequest {
    analysis: Analysis;
    text: string;
    /** Plan options, except the backend, which is chosen here. */
    options: Omit<PlanOptions, 'backend'>;
    backend: BackendChoice;
    cacheDirGiven: boolean;
    /** Do not stream docker's output (it is still shown when a step fails). */
    quiet: boolean;
    signal?: AbortSignal;
    /**
     * BuildKit with a registry and --push: when the registry's target image was built from exactly
     * these inputs (its `dev.stagecraft.inputs` label), build and push nothing. Default true.
     */
    skipUnchanged?: boolean;
    /** After such a skip, still pull the target's image onto this engine. */
    load?: boolean;
}

export interface StageResult {
    stage: PlanStage;
    status: 'hit' | 'miss' | 'partial' | 'failed' | 'interrupted' | 'not built';
    cached: number;
    steps: number;
    seconds: number;
    size: number | null;
    pushed: 'yes' | 'skipped' | 'failed' | null;
}

function humanSize(bytes: number | null): string {
    if (bytes === null) { return '-'; }
    if (bytes < 1024 * 1024) { return `${(bytes / 1024).toFixed(1)} kB`; }
    if (bytes < 1024 * 1024 * 1024) { return `${(bytes / 1024 / 1024).toFixed(1)} MB`; }
    return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function seconds(ms: number): string {
    const s = ms / 1000;
    return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

export function summaryTable(results: StageResult[]): string {
    const head = ['STAGE', 'CACHE', 'TIME', 'SIZE', 'PUSHED', 'IMAGE'];
    const rows = results.map((r) => [
        r.stage.label,
        r.status === 'partial' ? `partial ${r.cached}/${r.steps}` : r.status,
        r.status === 'not built' ? '-' : seconds(r.seconds * 1000),
        humanSize(r.size),
        r.pushed ?? '-',
        r.stage.ref,
    ]);
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const fmt = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd() + '\n';
    return fmt(head) + rows.map(fmt).join('');
}

/** Why a pull or push failed, in words, from docker's output. */
export function classifyRegistryError(output: string): 'auth' | 'missing' | 'unreachable' | 'other' {
    const o = output.toLowerCase();
    if (/unauthorized|authentication required|no basic auth credentials|denied|403 forbidden|401/.test(o)) { return 'auth'; }
    if (/not found|manifest unknown|does not exist/.test(o)) { return 'missing'; }
    if (/connection refused|no such host|i\/o timeout|dial tcp|server misbehaving|connection reset|tls handshake/.test(o)) { return 'unreachable'; }
    return 'other';
}

function lastLine(output: string): string {
    return output.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(-1)[0] ?? '';
}

/** HEAD checks of cache image refs, all at once. */
async function presenceOf(refs: string[], env: NodeJS.ProcessEnv): Promise<Map<string, Presence>> {
    const presence = new Map<string, Presence>();
    await Promise.all(refs.map(async (r) => { presence.set(r, await probeRef(r, env).catch((): Presence => 'unknown')); }));
    return presence;
}

export async function runBuild(docker: Docker, req: RunRequest, io: RunnerIO): Promise<number> {
    const say = (s: string) => { io.stdout.write(s + '\n'); };
    const notice = (s: string) => { io.stderr.write(`stagecraft: ${s}\n`); };
    const interrupted = () => req.signal?.aborted === true;

    // 1. the engine and the backend. `--backend buildkit` with a registry: the HEAD checks of
    // step 2 do not depend on the engine, so they run while it is probed.
    let early: Promise<Map<string, Presence>> | null = null;
    if (req.backend === 'buildkit' && req.options.cacheRepo) {
        try {
            const refs = [...new Set(planBuild(req.analysis, req.text, { ...req.options, backend: 'buildkit' }).stages.flatMap((s) => s.ownRefs))];
            early = presenceOf(refs, docker.env);
        } catch { /* the plan error is reported below */ }
    }
    const engine = await probeEngine(docker, req.backend === 'buildx');
    if (!engine.ok) { notice(engine.message); return EXIT.docker; }
    const decision: BackendDecision = chooseBackend(req.backend, { cacheRepo: req.options.cacheRepo, cacheDirGiven: req.cacheDirGiven }, engine.facts);
    if (decision.error) { notice(decision.error); return EXIT.docker; }
    const options: PlanOptions = { ...req.options, backend: decision.backend };

    let plan: Plan;
    try { plan = planBuild(req.analysis, req.text, options); } catch (e) {
        if (e instanceof PlanError) { notice(e.message); return EXIT.usage; }
        throw e;
    }
    say(`stagecraft: target ${plan.target.label}, backend ${plan.backend} (${decision.reason}), cache ${plan.cacheRepo}${plan.local ? ' (local)' : ''}`);
    // The inputs fingerprint (BuildKit, registry, --push): hashed while the registry is asked.
    const fingerprinting: Promise<Fingerprint> | null = plan.builder === 'buildkit' && !plan.local && plan.stages.some((s) => s.push.length > 0)
        ? fingerprint(docker, {
            analysis: req.analysis, text: req.text, dockerfile: options.dockerfile, context: options.context,
            needed: plan.stages.map((s) => s.index), exclude: [options.cacheDir],
            settings: { builder: plan.builder, target: plan.stages[plan.stages.length - 1].targetName, buildArgs: options.buildArgs ?? {}, platform: options.platform ?? null, engine: engine.facts.serverVersion },
        }).catch((e: unknown): Fingerprint => ({ ok: false, reason: `could not fingerprint the inputs: ${(e as Error).message}` }))
        : null;
    say(`stagecraft: building ${plan.stages.map((s) => s.label).join(' -> ')}` + (plan.skipped.length > 0 ? `; not needed, never built: ${plan.skipped.map((s) => s.label).join(', ')}` : ''));
    for (const n of plan.notes) { notice(n); }

    // 2. which cache images exist
    const missing = new Set<string>();
    const remotePresent = new Set<string>();
    let tarballLoaded = false;
    /** Registries found unreachable while looking for cache images: pushes there fail at once. */
    const deadHosts = new Map<string, string>();
    if (plan.tarball !== null) {
        if (fs.existsSync(path.resolve(docker.cwd, plan.tarball))) {
            const t0 = Date.now();
            const r = await runDocker(docker, ['load', '-i', plan.tarball], { signal: req.signal });
            if (interrupted()) { notice('interrupted'); return EXIT.interrupted; }
            if (r.code === 0) { tarballLoaded = true; say(`stagecraft: loaded the saved stage images from ${plan.tarball} in ${seconds(Date.now() - t0)}`); } else {
                notice(`could not load ${plan.tarball} (${lastLine(r.output)}); building without it`);
            }
        } else {
            notice(`no saved cache at ${plan.tarball} yet (first run?); building without it`);
        }
    } else if (!plan.local && plan.builder === 'classic') {
        // Every stage's cache image is pulled at once (the daemon fetches a layer shared by
        // several images once); the findings are reported afterwards, in build order.
        // A stage's own tag stays in --cache-from even when its pull failed: this run writes it
        // before any stage that depends on it is built (classic only uses the images it is given).
        const t0 = Date.now();
        const pulled = await Promise.all(plan.stages.map(async (s) => {
            const tried: { ref: string; code: number; output: string }[] = [];
            for (const ref of s.pull) {
                const r = await runDocker(docker, ['pull', '-q', ref], { signal: req.signal });
                tried.push({ ref, code: r.code ?? 1, output: r.output });
                if (r.code === 0 || interrupted() || classifyRegistryError(r.output) === 'unreachable') { break; }
            }
            return tried;
        }));
        if (interrupted()) { notice('interrupted'); return EXIT.interrupted; }
        plan.stages.forEach((s, k) => {
            let got: string | null = null;
            const reasons: string[] = [];
            for (const ref of s.pull) {
                const host = parseRef(ref).host;
                const r = pulled[k].find((t) => t.ref === ref);
                if (r === undefined) { if (deadHosts.has(host)) { reasons.push(deadHosts.get(host) as string); } continue; }
                if (r.code === 0) { got = ref; break; }
                const kind = classifyRegistryError(r.output);
                if (kind === 'unreachable' && !deadHosts.has(host)) {
                    const why = `registry ${host} unreachable`;
                    deadHosts.set(host, why);
                    notice(`${why} (${lastLine(r.output)}); building without its cache images`);
                }
                reasons.push(kind === 'auth' ? `registry ${host} asks for credentials (docker login ${host})` : kind === 'missing' ? 'not in the registry yet' : kind === 'unreachable' ? `registry ${host} unreachable` : lastLine(r.output));
            }
            for (const ref of s.pull) { if (ref !== got && ref !== s.ref) { missing.add(ref); } }
            if (got !== null) { say(`stagecraft: pulled cache image ${got}`); } else if (!reasons.every((r) => / unreachable$/.test(r))) {
                notice(`no cache image for stage ${s.label} (${[...new Set(reasons)].join('; ')}): building it without cache`);
            }
        });
        if (plan.stages.length > 1) { say(`stagecraft: looked for ${plan.stages.length} cache images at once in ${seconds(Date.now() - t0)}`); }
    } else if (!plan.local) {
        const refs = [...new Set(plan.stages.flatMap((s) => s.ownRefs))];
        let presence = early !== null ? await early : new Map<string, Presence>();
        if (!refs.every((r) => presence.has(r))) { presence = await presenceOf(refs, docker.env); }
        for (const s of plan.stages) {
            const states = s.ownRefs.map((r) => presence.get(r) as Presence);
            for (const r of s.ownRefs) {
                const p = presence.get(r) as Presence;
                if (p === 'present') { remotePresent.add(r); }
                if (p === 'missing' || p === 'unauthorized' || p === 'unreachable') { missing.add(r); }
            }
            if (states.some((p) => p === 'present' || p === 'unknown')) { continue; }
            const host = parseRef(s.ownRefs[0]).host;
            if (states.includes('unreachable')) {
                if (!deadHosts.has(host)) { deadHosts.set(host, `registry ${host} unreachable`); notice(`registry ${host} unreachable; building without its cache images`); }
            } else if (states.includes('unauthorized')) {
                notice(`no cache image for stage ${s.label} (registry ${host} asks for credentials: docker login ${host}): building it without cache`);
            } else {
                notice(`no cache image for stage ${s.label} yet (first run, new branch or expired tag): building it without cache`);
            }
        }
    }
    plan = planBuild(req.analysis, req.text, options, { missingRefs: missing });
    const results: StageResult[] = plan.stages.map((stage) => ({ stage, status: 'not built', cached: 0, steps: 0, seconds: 0, size: null, pushed: null }));
    let code: number = EXIT.ok;

    // 2b. nothing changed: the registry's target image carries this very fingerprint, and every
    // stage's image is there. Nothing is built, pushed or (without --load) pulled.
    const inputs = fingerprinting !== null ? await fingerprinting : null;
    let labelArgs: string[] = [];
    let skipped = false;
    let tagsPushed = false;
    if (inputs !== null && !inputs.ok) { say(`stagecraft: every stage is checked by a build: ${inputs.reason}`); }
    if (inputs?.ok) {
        labelArgs = ['--label', `${INPUTS_LABEL}=${inputs.digest}`];
        const target = plan.stages[plan.stages.length - 1];
        const ref = target.ownRefs[0];
        if (req.skipUnchanged !== false && plan.stages.every((s) => remotePresent.has(s.ownRefs[0]))) {
            const labels = await imageLabels(ref, docker.env);
            if (labels !== null && labels[INPUTS_LABEL] === inputs.digest) {
                say(`stagecraft: nothing changed: ${ref} was built from these exact inputs (Dockerfile, build args, base images, ${inputs.files} context files: ${inputs.digest.slice(0, 19)}); every stage's image is in the registry`);
                skipped = true;
                if (req.load || target.tags.length > 0) {
                    const t0 = Date.now();
                    const pr = await runDocker(docker, ['pull', '-q', ref], { signal: req.signal });
                    if (interrupted()) { notice('interrupted'); return EXIT.interrupted; }
                    if (pr.code !== 0) {
                        notice(`could not pull ${ref} (${lastLine(pr.output)}); building instead`);
                        skipped = false;
                    } else {
                        say(`stagecraft: pulled ${ref} in ${seconds(Date.now() - t0)}`);
                        for (const t of target.tags) {
                            const tr = await runDocker(docker, ['tag', ref, t]);
                            if (tr.code !== 0) { notice(`could not tag ${ref} as ${t}: ${lastLine(tr.output)}`); code = EXIT.buildFailed; }
                        }
                        for (const t of target.push.filter((p) => p !== ref)) {
                            if (code !== EXIT.ok) { break; }
                            const pu = await runDocker(docker, ['push', t], { signal: req.signal });
                            if (pu.code !== 0) { notice(`push of ${t} failed: ${lastLine(pu.output)}`); code = EXIT.publish; }
                        }
                        if (code === EXIT.ok && target.push.some((p) => p !== ref)) { tagsPushed = true; }
                    }
                } else {
                    say('stagecraft: nothing pulled either (pass --load to have the image on this engine)');
                }
                if (skipped) {
                    for (const res of results) { res.status = 'hit'; res.pushed = res.stage.push.length > 0 ? 'skipped' : null; }
                    if (tagsPushed) { results[results.length - 1].pushed = 'yes'; }
                }
            } else if (labels !== null && labels[INPUTS_LABEL] !== undefined) {
                say(`stagecraft: inputs changed since ${ref} was built; building`);
            }
        }
    }

    // 3. build
    for (const f of plan.files) {
        fs.mkdirSync(path.dirname(path.resolve(docker.cwd, f.path)), { recursive: true });
        fs.writeFileSync(path.resolve(docker.cwd, f.path), f.content);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-'));
    let pushBroken: string | null = null;
    /** Pushes run one after another, each as soon as its stage is built, while later stages build. */
    let pushes: Promise<void> = Promise.resolve();
    let started = 0;
    /** The stage a failed build stopped at. */
    let failedIndex = null as number | null;
    let lastOutput = '';
    /** Built images, for one `docker image inspect` of their sizes at the end. */
    const imageIds = new Map<StageResult, string>();

    /**
     * Builds one stage and tags it. Returns docker's output, or null when the run stops (`code`
     * says why). `known`: the stage's cache state as the target's build saw it (BuildKit).
     */
    const buildStage = async (res: StageResult, what = '', known?: Pick<StageResult, 'status' | 'cached' | 'steps'>): Promise<string | null> => {
        const s = res.stage;
        const n = `[${++started}/${plan.stages.length}] ${s.label}`;
        // The target's image carries the inputs fingerprint (a label: no build step, no cache change).
        const labels = s.index === plan.target.index ? labelArgs : [];
        say(`${n}${what}: ${shCommand([...s.args, ...labels, ...s.argv.slice(s.args.length)], s.env, docker.bin)}`);
        const iid = path.join(tmp, `${s.key}.iid`);
        const t0 = Date.now();
        const r = await runDocker(docker, [...s.args, ...labels, '--iidfile', iid, s.argv[s.argv.length - 1]], {
            env: s.env, signal: req.signal, onOutput: req.quiet ? undefined : (c) => io.stdout.write(c),
        });
        res.seconds = (Date.now() - t0) / 1000;
        lastOutput = r.output;
        const outcome: BuildOutcome = plan.builder === 'classic' ? parseClassic(r.output, s.index) : parseBuildkit(r.output, s.targetName);
        res.steps = outcome.steps.length;
        res.cached = outcome.steps.filter((x) => x.cached).length;
        if (r.aborted || interrupted()) {
            res.status = 'interrupted';
            notice(`interrupted: stopped docker while building stage ${s.label}; nothing was tagged for it${started > 1 ? ', stages built before keep their tags' : ''}`);
            code = EXIT.interrupted;
            return null;
        }
        const id = r.code === 0 && fs.existsSync(iid) ? fs.readFileSync(iid, 'utf8').trim() : '';
        if (r.code !== 0 || id === '') {
            res.status = 'failed';
            if (r.spawnError) { notice(`cannot run ${docker.bin}: ${r.spawnError.message}`); code = EXIT.docker; return null; }
            if (req.quiet) { io.stdout.write(r.output.split('\n').slice(-40).join('\n') + '\n'); }
            const f = outcome.failure;
            let idx = s.index;
            if (f?.stage !== null && f?.stage !== undefined && req.analysis.stages[f.stage]) { idx = f.stage; } else if (f?.stageLabel) {
                const hit = plan.stages.find((p) => p.targetName.toLowerCase() === f.stageLabel || p.key === f.stageLabel || (p.name === null && `stage-${p.index}` === f.stageLabel));
                if (hit) { idx = hit.index; }
            }
            // The row of the stage that failed says so (BuildKit builds a target's stages in one go).
            const failedRow = results.find((x) => x.stage.index === idx);
            if (failedRow !== undefined && failedRow !== res) { failedRow.status = 'failed'; res.status = 'not built'; }
            failedIndex = idx;
            const st = req.analysis.stages[idx];
            const line = lineOf(st, f?.text ?? null);
            const shown = f?.text ? ` (${f.text.length > 70 ? f.text.slice(0, 67) + '...' : f.text})` : '';
            const why = f?.reason || lastLine(r.output) || `docker exited with ${r.code}`;
            if (/Cannot connect to the Docker daemon|error during connect/i.test(why)) {
                notice(`lost the Docker daemon while building stage ${s.label}: ${why}`);
                code = EXIT.docker;
                return null;
            }
            notice(`stage ${st.name ?? '#' + idx} failed at ${req.options.dockerfile}:${line}${shown}: ${why}`);
            code = EXIT.buildFailed;
            return null;
        }
        for (const t of [s.ref, ...s.tags]) {
            const tr = await runDocker(docker, ['tag', id, t]);
            if (tr.code !== 0) { notice(`could not tag ${id} as ${t}: ${lastLine(tr.output)}`); code = EXIT.buildFailed; }
        }
        if (code !== EXIT.ok) { res.status = 'failed'; return null; }
        if (known !== undefined) { Object.assign(res, known); } else { res.status = cacheState(outcome); }
        imageIds.set(res, id);
        const ran = known !== undefined ? ' (its steps ran in the target\'s build)' : '';
        say(`${n} ... ${res.status === 'hit' ? 'cached' : `built in ${seconds(res.seconds * 1000)}${ran}`}` + (res.status === 'partial' ? ` (${res.cached} of ${res.steps} steps cached)` : ''));
        return r.output;
    };

    /** BuildKit: a fully cached stage whose images the registry has is not pushed again. */
    const unchangedInRegistry = (res: StageResult) =>
        plan.builder === 'buildkit' && res.status === 'hit' && res.stage.push.length > 0 && res.stage.push.every((p) => remotePresent.has(p));

    // 4. push as we go: a later failing stage does not lose the cache of earlier ones
    const push = (res: StageResult): void => {
        const s = res.stage;
        if (s.push.length === 0) { return; }
        if (unchangedInRegistry(res)) {
            // Re-pushing a fully cached image would replace a good inline cache with one that
            // lost its layers' records (BuildKit 0.8), the every-other-build loss.
            res.pushed = 'skipped';
            say(`[${s.label}] unchanged: the registry's copy is kept`);
            return;
        }
        pushes = pushes.then(async () => {
            if (pushBroken !== null || code === EXIT.interrupted) { res.pushed = 'skipped'; return; }
            for (const p of s.push) {
                const dead = deadHosts.get(parseRef(p).host);
                if (dead !== undefined) {
                    pushBroken = `push of ${p} not tried: ${dead} since the start of this build`;
                    notice(pushBroken);
                    notice('the images are built and tagged locally; nothing was deleted');
                    res.pushed = 'failed';
                    return;
                }
                const t0 = Date.now();
                const pr = await runDocker(docker, ['push', p], { signal: req.signal });
                if (interrupted()) { notice('interrupted while pushing; the registry keeps its previous tag'); code = EXIT.interrupted; return; }
                if (pr.code !== 0) {
                    const host = parseRef(p).host;
                    const kind = classifyRegistryError(pr.output);
                    pushBroken = kind === 'auth'
                        ? `push of ${p} failed: registry ${host} refused the credentials (${lastLine(pr.output)}). Run \`docker login ${host}\` (in CI, log in before stagecraft build)`
                        : `push of ${p} failed: ${lastLine(pr.output)}${kind === 'unreachable' ? ` (registry ${host} unreachable)` : ''}`;
                    notice(pushBroken);
                    notice('the images are built and tagged locally; nothing was deleted');
                    res.pushed = 'failed';
                    return;
                }
                res.pushed = 'yes';
                say(`stagecraft: pushed ${p} in ${seconds(Date.now() - t0)}`);
            }
        });
    };

    try {
        const target = results[results.length - 1];
        // A cold registry (no stage image there yet: first run, new repository): every stage is
        // built and pushed anyway, so they are built in order and each push overlaps the next
        // stage's build; the target's own push, last, then only uploads its own layers.
        const coldRegistry = !plan.local && plan.stages.every((s) => s.ownRefs.every((r) => missing.has(r)));
        if (skipped) {
            // 2b found nothing to do.
        } else if (plan.builder === 'buildkit' && results.length > 1 && !coldRegistry) {
            // BuildKit: one build of the target runs every stage it needs (independent ones in
            // parallel) and reports each stage's cache state. A stage is then built on its own
            // only to get its own image: to tag it on this engine (no registry), or to push it
            // when it changed or the registry lacks it. A no-change job is one build.
            const out = await buildStage(target, ' (the target first: one build checks every stage)');
            const failed = out === null && code === EXIT.buildFailed && failedIndex !== null;
            if (out !== null || failed) {
                // After a failure: keep what did build. The stages that do not depend on the
                // failing one get their images (from the build cache the failed run filled) and
                // are pushed, so the next run starts from them.
                const broken = new Set<number>(failed ? [failedIndex as number] : []);
                for (const res of results) {
                    if (res.stage.dependsOn.some((d) => broken.has(d))) { broken.add(res.stage.index); }
                }
                const failure = code;
                code = EXIT.ok;
                const seen = parseBuildkitStages(lastOutput);
                for (const res of results.slice(0, -1)) {
                    const s = res.stage;
                    if (broken.has(s.index)) { continue; }
                    const steps = seen.get(s.name !== null ? s.name.toLowerCase() : `stage-${s.index}`);
                    const known = steps === undefined ? undefined
                        : { status: cacheState({ steps }), steps: steps.length, cached: steps.filter((x) => x.cached).length };
                    const wanted = plan.local || (s.push.length > 0 && !(known?.status === 'hit' && s.push.every((p) => remotePresent.has(p))));
                    if (known !== undefined && !wanted) {
                        Object.assign(res, known);
                        if (s.push.length > 0) { res.pushed = 'skipped'; }
                        say(`[${++started}/${plan.stages.length}] ${s.label} ... ${known.status === 'hit' ? 'cached' : known.status === 'miss' ? 'built' : `built (${known.cached} of ${known.steps} steps cached)`} in the target's build${s.push.length > 0 ? '; the registry\'s copy is kept' : ''}`);
                        continue;
                    }
                    if (await buildStage(res, failed ? ' (keeping what built before the failure)' : '', failed ? undefined : known) === null) { break; }
                    push(res);
                }
                // The target's image, which carries the inputs fingerprint, is pushed after every
                // other stage's: if one of those pushes fails, the next job with the same inputs
                // finds the old fingerprint and builds, instead of trusting a stale stage image.
                if (out !== null && code === EXIT.ok) { push(target); }
                if (code === EXIT.ok) { code = failure; }
            }
        } else {
            for (const res of results) {
                if (await buildStage(res) === null) { break; }
                push(res);
            }
        }
        const ids = [...new Set(imageIds.values())];
        const sizes = ids.length === 0 ? null : runDocker(docker, ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', ...ids]);
        await pushes;
        if (sizes !== null) {
            const bySha = new Map((await sizes).output.split('\n').map((l) => l.trim().split(' ')).filter((p) => p.length === 2).map(([i, n]) => [i, Number(n) || null]));
            for (const [res, id] of imageIds) { res.size = bySha.get(id) ?? null; }
        }
        if (code === EXIT.buildFailed) {
            notice(`fix that instruction (docker's output above has the details) and run the build again; images already built keep their tags`);
        }
        if (code === EXIT.ok && pushBroken !== null) { code = EXIT.publish; }

        // save-load: one tarball of every stage image (shared layers stored once)
        if (code === EXIT.ok && plan.tarball !== null) {
            if (tarballLoaded && results.every((r) => r.status === 'hit')) {
                say(`stagecraft: every stage came from cache; ${plan.tarball} is kept as it is`);
            } else {
                fs.mkdirSync(path.dirname(path.resolve(docker.cwd, plan.tarball)), { recursive: true });
                const t0 = Date.now();
                const tmpTar = `${plan.tarball}.tmp`;
                const r = await runDocker(docker, plan.teardown[0].argv, { signal: req.signal });
                if (r.code === 0 && !interrupted()) {
                    fs.renameSync(path.resolve(docker.cwd, tmpTar), path.resolve(docker.cwd, plan.tarball));
                    say(`stagecraft: saved ${plan.stages.length} stage images to ${plan.tarball} in ${seconds(Date.now() - t0)}`);
                } else {
                    try { fs.rmSync(path.resolve(docker.cwd, tmpTar), { force: true }); } catch { /* best effort */ }
                    if (interrupted()) { code = EXIT.interrupted; } else {
                        notice(`could not save the stage images to ${plan.tarball}: ${lastLine(r.output)}`);
                        code = EXIT.publish;
                    }
                }
            }
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    say('');
    io.stdout.write(summaryTable(results));
    const hits = results.filter((r) => r.status === 'hit').length;
    const built = results.filter((r) => r.status === 'miss' || r.status === 'partial').length;
    say(`stagecraft: ${code === EXIT.ok ? 'done' : code === EXIT.publish ? 'built, but publishing the cache failed' : code === EXIT.interrupted ? 'interrupted' : 'failed'}: ${hits} cached, ${built} built` + (plan.skipped.length > 0 ? `, ${plan.skipped.length} not needed` : '') + ` (exit ${code})`);
    return code;
}
