/**
 * Step "build": runs the plan's docker builds, reads each stage's cache state from docker's own
 * output (never from timings) and queues the pushes. Three ways, one per kind of backend:
 * - `stageByStage`: classic, save-load, and BuildKit on an empty registry: one
 *   `docker build --target <stage>` per stage in dependency order, each pushed while the next
 *   builds (never two builds at once: Docker 20.10 crashes, docs/BUILDS.md);
 * - `targetFirst`: BuildKit with a warm registry: one build of the target checks every stage
 *   (independent ones in parallel); then only the stages whose images must be pushed or tagged
 *   are built on their own, from the build cache the first build filled;
 * - `oneBuild`: buildx: one `buildx build` of the target builds every stage, pushes the image and
 *   exports the cache of every stage.
 * Every build writes `--iidfile` and is tagged only after docker succeeded: a failed or
 * interrupted build tags nothing, and nothing is ever deleted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shCommand } from '../plan/formats';
import { cacheState, lineOf, parseBuildkit, parseBuildkitStages, parseClassic, type BuildOutcome } from '../plan/output';
import { runDocker } from './process';
import { type Pushes, pushFailure } from './publish';
import { parseRef } from './registry';
import { EXIT, lastLine, type RunState, seconds, shortRegistryError, type StageResult } from './state';

type Known = Pick<StageResult, 'status' | 'cached' | 'steps'>;

/** Builds the plan; returns the image IDs built (for one size inspect at the end). */
export async function build(state: RunState, pushes: Pushes): Promise<Map<StageResult, string>> {
    const plan = state.plan;
    const ids = new Map<StageResult, string>();
    if (plan === null || state.skipped) { return ids; }
    for (const f of plan.files) {
        fs.mkdirSync(path.dirname(path.resolve(state.docker.cwd, f.path)), { recursive: true });
        fs.writeFileSync(path.resolve(state.docker.cwd, f.path), f.content);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-'));
    const b = new Builder(state, pushes, tmp, ids);
    try {
        // A cold registry (no stage image there yet: first run, new repository): every stage is
        // built and pushed anyway, so they are built in order and each push overlaps the next
        // stage's build; the target's own push, last, then only uploads its own layers.
        const coldRegistry = !plan.local && plan.stages.every((s) => s.ownRefs.every((r) => state.missing.has(r)));
        if (plan.buildx !== null) {
            await b.oneBuild();
        } else if (plan.builder === 'buildkit' && plan.stages.length > 1 && !coldRegistry) {
            await b.targetFirst();
        } else {
            await b.stageByStage();
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return ids;
}

class Builder {
    private started = 0;
    private lastOutput = '';

    constructor(private readonly state: RunState, private readonly pushes: Pushes, private readonly tmp: string, private readonly ids: Map<StageResult, string>) {}

    private get plan() { return this.state.plan as NonNullable<RunState['plan']>; }

    async stageByStage(): Promise<void> {
        for (const res of this.state.results) {
            if (await this.buildStage(res) === null) { break; }
            this.pushes.push(res);
        }
    }

    /**
     * BuildKit: one build of the target runs every stage it needs (independent ones in parallel)
     * and reports each stage's cache state. A stage is then built on its own only to get its own
     * image: to tag it on this engine (no registry), or to push it when it changed or the
     * registry lacks it. A no-change job is one build.
     */
    async targetFirst(): Promise<void> {
        const state = this.state;
        const plan = this.plan;
        const results = state.results;
        const target = results[results.length - 1];
        const out = await this.buildStage(target, ' (the target first: one build checks every stage)');
        const failed = out === null && state.code === EXIT.buildFailed && state.failedIndex !== null;
        if (out === null && !failed) { return; }
        // After a failure: keep what did build. The stages that do not depend on the failing one
        // get their images (from the build cache the failed run filled) and are pushed, so the
        // next run starts from them.
        const broken = new Set<number>(failed ? [state.failedIndex as number] : []);
        for (const res of results) {
            if (res.stage.dependsOn.some((d) => broken.has(d))) { broken.add(res.stage.index); }
        }
        const failure = state.code;
        state.code = EXIT.ok;
        const seen = parseBuildkitStages(this.lastOutput);
        for (const res of results.slice(0, -1)) {
            const s = res.stage;
            if (broken.has(s.index)) { continue; }
            const steps = seen.get(s.name !== null ? s.name.toLowerCase() : `stage-${s.index}`);
            const known: Known | undefined = steps === undefined ? undefined
                : { status: cacheState({ steps }), steps: steps.length, cached: steps.filter((x) => x.cached).length };
            const wanted = plan.local || (s.push.length > 0 && !(known?.status === 'hit' && s.push.every((p) => state.remotePresent.has(p))));
            if (known !== undefined && !wanted) {
                Object.assign(res, known);
                if (s.push.length > 0) { res.pushed = 'skipped'; res.image = s.ref; }
                state.say(`[${++this.started}/${plan.stages.length}] ${s.label} ... ${known.status === 'hit' ? 'cached' : known.status === 'miss' ? 'built' : `built (${known.cached} of ${known.steps} steps cached)`} in the target's build${s.push.length > 0 ? '; the registry\'s copy is kept' : ''}`);
                continue;
            }
            if (await this.buildStage(res, failed ? ' (keeping what built before the failure)' : '', failed ? undefined : known) === null) { break; }
            this.pushes.push(res);
        }
        // The target's image, which carries the inputs fingerprint, is pushed after every other
        // stage's: if one of those pushes fails, the next job with the same inputs finds the old
        // fingerprint and builds, instead of trusting a stale stage image.
        if (out !== null && state.code === EXIT.ok) { this.pushes.push(target); }
        if (state.code === EXIT.ok) { state.code = failure; }
    }

    /**
     * buildx: one build of the target. Its output names every stage's steps (`#N [deps 2/3]`,
     * `#N CACHED`), so each stage's row is read from it; the image is pushed and the cache
     * exported by the build itself. A registry found unreachable before the build is left out
     * (built and loaded here, exit 4), so an outage never fails the build.
     */
    async oneBuild(): Promise<void> {
        const state = this.state;
        const plan = this.plan;
        const results = state.results;
        const target = results[results.length - 1];
        const s = target.stage;
        const dead = [...new Set(s.push.map((p) => state.deadHosts.get(parseRef(p).host)).filter((x): x is string => x !== undefined))];
        let args = s.args;
        if (dead.length > 0) {
            // No push and no cache export to a registry that is down: build and load here.
            args = dropRegistryOutputs(args);
            state.pushBroken = `the image and the cache were not pushed: ${dead.join('; ')} since the start of this build`;
        }
        const label = `[1/1] ${s.label} (one build of every stage: ${plan.stages.map((p) => p.label).join(', ')})`;
        state.say(`${label}: ${shCommand([...args, ...state.labelArgs, ...s.argv.slice(s.args.length)], s.env, state.docker.bin)}`);
        const t0 = Date.now();
        const r = await runDocker(state.docker, [...args, ...state.labelArgs, ...s.argv.slice(s.args.length)], {
            env: s.env, signal: state.req.signal, onOutput: state.req.quiet ? undefined : (c) => state.io.stdout.write(c),
        });
        target.seconds = (Date.now() - t0) / 1000;
        this.lastOutput = r.output;
        const seen = parseBuildkitStages(r.output);
        for (const res of results) {
            const steps = seen.get(res.stage.name !== null ? res.stage.name.toLowerCase() : res.stage.targetName.toLowerCase());
            if (steps !== undefined) {
                res.steps = steps.length;
                res.cached = steps.filter((x) => x.cached).length;
                res.status = cacheState({ steps });
            } else if (r.code === 0) {
                res.status = 'hit'; // a stage with no steps of its own (an alias)
            }
            res.image = res === target ? s.ref : null;
        }
        if (r.aborted || state.interrupted()) {
            target.status = 'interrupted';
            state.notice('interrupted: stopped docker; nothing was tagged or pushed by this build');
            state.code = EXIT.interrupted;
            return;
        }
        if (r.spawnError) { state.notice(`cannot run ${state.docker.bin}: ${r.spawnError.message}`); state.code = EXIT.docker; return; }
        // A cache that could not be read (dropped connections, 5xx): BuildKit builds without it.
        for (const m of r.output.matchAll(/^#(\d+) importing cache manifest from (\S+)\s*$/gm)) {
            const err = new RegExp(`^#${m[1]} ERROR: (.*)$`, 'm').exec(r.output);
            if (err) { state.notice(`could not read the cache ${m[2]} (${shortRegistryError(err[1])}); the build went on without it`); }
        }
        const exportTime = /^#(\d+) exporting cache to (?:registry|client directory|GitHub Actions cache)\s*$/m.exec(r.output);
        const exported = exportTime !== null ? new RegExp(`^#${exportTime[1]} DONE ([0-9.]+)s`, 'm').exec(r.output) : null;
        const exportError = exportTime !== null ? new RegExp(`^#${exportTime[1]} ERROR: (.*)$`, 'm').exec(r.output) : null;
        if (r.code !== 0) {
            const outcome = parseBuildkit(r.output, s.targetName);
            const stepFailed = outcome.failure !== null && outcome.failure.text !== null;
            if (!stepFailed && /failed to push|pushing|unexpected status|exporting to image/i.test(r.output.split('\n').slice(-30).join('\n'))) {
                // Every step ran; the push failed. The image is on this engine (the docker driver stores it).
                for (const res of results) { if (res.status === 'not built') { res.status = 'hit'; } }
                target.pushed = 'failed';
                state.pushBroken = pushFailure(s.ref, r.output);
                state.notice(state.pushBroken);
                state.notice('the image is built here; nothing was deleted');
                return;
            }
            this.reportFailure(target, outcome, r.output, r.code);
            return;
        }
        const pushedNow = s.push.length > 0 && dead.length === 0;
        target.pushed = pushedNow ? 'yes' : s.push.length > 0 ? 'failed' : null;
        if (pushedNow) { for (const p of s.push) { state.remotePresent.add(p); } }
        if (plan.buildx?.writes && dead.length === 0) {
            if (exportError !== null) {
                state.pushBroken = `the cache export to ${plan.buildx.writes} failed: ${shortRegistryError(exportError[1])}`;
                state.notice(`${state.pushBroken} (the build and its image are fine; the next job starts from the old cache)`);
            } else if (exported !== null) {
                state.say(`stagecraft: exported the cache of every stage to ${plan.buildx.writes} in ${seconds(Number(exported[1]) * 1000)}`);
            }
        }
        this.ids.set(target, s.ref);
        const hits = results.filter((x) => x.status === 'hit').length;
        state.say(`[1/1] ${s.label} ... built in ${seconds(target.seconds * 1000)}: ${hits} of ${results.length} stages fully cached`);
    }

    /**
     * Builds one stage and tags it. Returns docker's output, or null when the run stops
     * (`state.code` says why). `known`: the stage's cache state as the target's build saw it.
     */
    async buildStage(res: StageResult, what = '', known?: Known): Promise<string | null> {
        const state = this.state;
        const plan = this.plan;
        const s = res.stage;
        const n = `[${++this.started}/${plan.stages.length}] ${s.label}`;
        // The target's image carries the inputs fingerprint (a label: no build step, no cache change).
        const labels = s.index === plan.target.index ? state.labelArgs : [];
        state.say(`${n}${what}: ${shCommand([...s.args, ...labels, ...s.argv.slice(s.args.length)], s.env, state.docker.bin)}`);
        const iid = path.join(this.tmp, `${s.key}.iid`);
        const t0 = Date.now();
        const r = await runDocker(state.docker, [...s.args, ...labels, '--iidfile', iid, s.argv[s.argv.length - 1]], {
            env: s.env, signal: state.req.signal, onOutput: state.req.quiet ? undefined : (c) => state.io.stdout.write(c),
        });
        res.seconds = (Date.now() - t0) / 1000;
        this.lastOutput = r.output;
        const outcome: BuildOutcome = plan.builder === 'classic' ? parseClassic(r.output, s.index) : parseBuildkit(r.output, s.targetName);
        res.steps = outcome.steps.length;
        res.cached = outcome.steps.filter((x) => x.cached).length;
        if (r.aborted || state.interrupted()) {
            res.status = 'interrupted';
            state.notice(`interrupted: stopped docker while building stage ${s.label}; nothing was tagged for it${this.started > 1 ? ', stages built before keep their tags' : ''}`);
            state.code = EXIT.interrupted;
            return null;
        }
        const id = r.code === 0 && fs.existsSync(iid) ? fs.readFileSync(iid, 'utf8').trim() : '';
        if (r.code !== 0 || id === '') {
            res.status = 'failed';
            if (r.spawnError) { state.notice(`cannot run ${state.docker.bin}: ${r.spawnError.message}`); state.code = EXIT.docker; return null; }
            this.reportFailure(res, outcome, r.output, r.code);
            return null;
        }
        for (const t of [s.ref, ...s.tags]) {
            const tr = await runDocker(state.docker, ['tag', id, t]);
            if (tr.code !== 0) { state.notice(`could not tag ${id} as ${t}: ${lastLine(tr.output)}`); state.code = EXIT.buildFailed; }
        }
        if (state.code !== EXIT.ok) { res.status = 'failed'; return null; }
        if (known !== undefined) { Object.assign(res, known); } else { res.status = cacheState(outcome); }
        res.image = s.ref;
        this.ids.set(res, id);
        const ran = known !== undefined ? ' (its steps ran in the target\'s build)' : '';
        state.say(`${n} ... ${res.status === 'hit' ? 'cached' : `built in ${seconds(res.seconds * 1000)}${ran}`}` + (res.status === 'partial' ? ` (${res.cached} of ${res.steps} steps cached)` : ''));
        return r.output;
    }

    /** A failed build: the stage and line that failed, in one line; exit 1 (or 3 when the daemon went away). */
    private reportFailure(res: StageResult, outcome: BuildOutcome, output: string, code: number | null): void {
        const state = this.state;
        const plan = this.plan;
        const results = state.results;
        if (state.req.quiet) { state.io.stdout.write(output.split('\n').slice(-40).join('\n') + '\n'); }
        const f = outcome.failure;
        let idx = res.stage.index;
        const stages = state.req.analysis.stages;
        if (f?.stage !== null && f?.stage !== undefined && stages[f.stage]) { idx = f.stage; } else if (f?.stageLabel) {
            const hit = plan.stages.find((p) => p.targetName.toLowerCase() === f.stageLabel || p.key === f.stageLabel || (p.name === null && `stage-${p.index}` === f.stageLabel));
            if (hit) { idx = hit.index; }
        } else if (f?.line !== undefined) {
            // Only BuildKit's excerpt says where: the stage whose lines hold it.
            const holder = stages.filter((s) => s.line <= (f.line as number)).pop();
            if (holder !== undefined) { idx = holder.index; }
        }
        // The row of the stage that failed says so (BuildKit builds a target's stages in one go).
        const failedRow = results.find((x) => x.stage.index === idx);
        res.status = 'failed';
        if (failedRow !== undefined && failedRow !== res) { failedRow.status = 'failed'; res.status = 'not built'; }
        state.failedIndex = idx;
        const st = state.req.analysis.stages[idx];
        const line = f?.line ?? lineOf(st, f?.text ?? null);
        const shown = f?.text ? ` (${f.text.length > 70 ? f.text.slice(0, 67) + '...' : f.text})` : '';
        const why = f?.reason || lastLine(output) || `docker exited with ${code}`;
        if (/Cannot connect to the Docker daemon|error during connect|daemon.*(closed|EOF)|connection reset by peer.*docker\.sock|rpc error: code = Unavailable|error reading from server: EOF|failed to receive status|closing transport due to|connection closed before server preface|Is the docker daemon running/i.test(`${why}\n${lastLine(output)}`)) {
            state.notice(`lost the Docker daemon while building stage ${res.stage.label}: ${why}`);
            state.code = EXIT.docker;
            return;
        }
        // A cause docker's own line leaves out, from the step's output.
        const cause = /no space left on device/i.test(output) && !/no space left/i.test(why) ? ' (no space left on device)' : '';
        state.notice(`stage ${st.name ?? '#' + idx} failed at ${state.req.options.dockerfile}:${line}${shown}: ${why}${cause}`);
        state.code = EXIT.buildFailed;
    }
}

/** The args without `--push` and registry `--cache-to` (a registry found down before the build). */
function dropRegistryOutputs(args: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === '--push') { continue; }
        if (args[i] === '--cache-to' && /^type=registry,/.test(args[i + 1] ?? '')) { i++; continue; }
        out.push(args[i]);
    }
    if (!out.includes('--load')) { out.push('--load'); }
    return out;
}
