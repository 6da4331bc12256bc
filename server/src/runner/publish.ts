/**
 * Step "publish": the cache leaves this engine.
 * - Per-stage backends (classic, buildkit): `docker push` of each stage image as soon as it is
 *   built, one push at a time, while later stages build, so a later failing stage does not lose
 *   the cache of earlier ones and the job does not wait for each push (`Pushes`).
 * - save-load: one `docker save` of every stage image into `<tarball>.tmp`, renamed when complete.
 * - buildx: the build itself exports its cache and pushes its image; a `type=local` cache written
 *   to `<dir>.new` replaces the old directory once the build succeeded (`rotateLocalCache`).
 * A refused push (credentials) or an unreachable registry stops further pushes, keeps building,
 * and ends with exit 4; the images stay tagged locally.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runDocker } from './process';
import { parseRef } from './registry';
import { classifyRegistryError, EXIT, lastLine, type RunState, seconds, shortRegistryError, type StageResult } from './state';

export class Pushes {
    private queue: Promise<void> = Promise.resolve();

    constructor(private readonly state: RunState) {}

    /** BuildKit: a fully cached stage whose images the registry has is not pushed again. */
    unchangedInRegistry(res: StageResult): boolean {
        const s = this.state;
        return s.plan?.builder === 'buildkit' && res.status === 'hit' && res.stage.push.length > 0 && res.stage.push.every((p) => s.remotePresent.has(p));
    }

    /** Queue the pushes of a built stage. */
    push(res: StageResult): void {
        const st = this.state;
        const s = res.stage;
        if (s.push.length === 0) { return; }
        if (this.unchangedInRegistry(res)) {
            // Re-pushing a fully cached image would replace a good inline cache with one that
            // lost its layers' records (BuildKit 0.8), the every-other-build loss.
            res.pushed = 'skipped';
            st.say(`[${s.label}] unchanged: the registry's copy is kept`);
            return;
        }
        this.queue = this.queue.then(async () => {
            if (st.pushBroken !== null || st.code === EXIT.interrupted) { res.pushed = 'skipped'; return; }
            for (const p of s.push) {
                const dead = st.deadHosts.get(parseRef(p).host);
                if (dead !== undefined) {
                    // Said once when the registry was found unreachable (discover.ts).
                    st.pushBroken = `push of ${p} not tried: ${dead} since the start of this build`;
                    res.pushed = 'failed';
                    return;
                }
                const t0 = Date.now();
                const pr = await runDocker(st.docker, ['push', p], { signal: st.req.signal });
                if (st.interrupted()) { st.notice('interrupted while pushing; the registry keeps its previous tag'); st.code = EXIT.interrupted; return; }
                if (pr.code !== 0) {
                    st.pushBroken = pushFailure(p, pr.output);
                    st.notice(st.pushBroken);
                    st.notice('the images are built and tagged locally; nothing was deleted');
                    res.pushed = 'failed';
                    return;
                }
                res.pushed = 'yes';
                st.say(`stagecraft: pushed ${p} in ${seconds(Date.now() - t0)}`);
            }
        });
    }

    /** Wait for every queued push. */
    async drain(): Promise<void> { await this.queue; }
}

/** One line: why pushing `ref` failed and what to do. */
export function pushFailure(ref: string, output: string): string {
    const host = parseRef(ref).host;
    const kind = classifyRegistryError(output);
    return kind === 'auth'
        ? `push of ${ref} failed: registry ${host} refused the credentials (${shortRegistryError(output)}). Run \`docker login ${host}\` (in CI, log in before stagecraft build)`
        : `push of ${ref} failed: ${shortRegistryError(output)}${kind === 'unreachable' ? ` (registry ${host} unreachable)` : ''}`;
}

/** save-load: one tarball of every stage image (shared layers stored once), written whole or not at all. */
export async function saveTarball(state: RunState): Promise<void> {
    const plan = state.plan;
    if (plan === null || plan.tarball === null || state.code !== EXIT.ok) { return; }
    const { docker, req } = state;
    if (state.tarballLoaded && state.results.every((r) => r.status === 'hit')) {
        state.say(`stagecraft: every stage came from cache; ${plan.tarball} is kept as it is`);
        return;
    }
    fs.mkdirSync(path.dirname(path.resolve(docker.cwd, plan.tarball)), { recursive: true });
    const t0 = Date.now();
    const tmpTar = `${plan.tarball}.tmp`;
    const r = await runDocker(docker, plan.teardown[0].argv, { signal: req.signal });
    if (r.code === 0 && !state.interrupted()) {
        fs.renameSync(path.resolve(docker.cwd, tmpTar), path.resolve(docker.cwd, plan.tarball));
        state.say(`stagecraft: saved ${plan.stages.length} stage images to ${plan.tarball} in ${seconds(Date.now() - t0)}`);
        return;
    }
    try { fs.rmSync(path.resolve(docker.cwd, tmpTar), { force: true }); } catch { /* best effort */ }
    if (state.interrupted()) { state.code = EXIT.interrupted; return; }
    state.pushBroken = `could not save the stage images to ${plan.tarball}: ${lastLine(r.output)}`;
    state.notice(state.pushBroken);
    state.code = EXIT.publish;
}

/** buildx `type=local`: the new cache directory replaces the old one once the build succeeded. */
export function rotateLocalCache(state: RunState): void {
    const dir = state.plan?.buildx?.localDir ?? null;
    if (dir === null || state.plan?.buildx?.writes === null) { return; }
    const abs = path.resolve(state.docker.cwd, dir);
    const fresh = `${abs}.new`;
    if (state.code !== EXIT.ok || !fs.existsSync(path.join(fresh, 'index.json'))) {
        fs.rmSync(fresh, { recursive: true, force: true });
        return;
    }
    const old = `${abs}.old`;
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(abs)) { fs.renameSync(abs, old); }
    fs.renameSync(fresh, abs);
    fs.rmSync(old, { recursive: true, force: true });
    state.say(`stagecraft: the cache of every stage is in ${dir}`);
}
