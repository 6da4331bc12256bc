/**
 * `stagecraft build` on the engines users run, each a private engine of this suite
 * (test/support/engines.ts) reset to "a fresh CI machine" before every job, against a real
 * registry. The engine is named in every test title.
 *
 * Cache hits are asserted from what docker reports (the summary's CACHE column is read from
 * `---> Using cache` / `CACHED`), never from timings.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BuildReport, REPORT_SCHEMA } from '../../server/src/common/report';
import type { BackendChoice } from '../../server/src/plan/plan';
import { INPUTS_LABEL } from '../../server/src/runner/inputs';
import { imageLabels, probeRef } from '../../server/src/runner/registry';
import { cli, summary } from '../support/cli';
import { type Registry, registryHas, startRegistry, tempDir } from '../support/docker';
import { type EngineKind, engineSkip, engineTitle, useEngine } from '../support/engines';
import { assertStages, builds, project, pushes } from './project';

const CACHE_HOME = tempDir('stagecraft-xdg-');

/** Which backends each engine runs through a whole CI life (auto: what `--backend auto` picks there). */
const MATRIX: [EngineKind, BackendChoice, string][] = [
    ['docker26', 'auto', 'buildx'],
    ['docker26', 'buildkit', 'buildkit'],
    ['docker26-overlay2', 'auto', 'buildkit'],
    ['docker20', 'classic', 'classic'],
    ['docker20', 'buildkit', 'buildkit'],
    ['docker20', 'save-load', 'save-load'],
];

const ALL_HIT = { base: 'hit', deps: 'hit', build: 'hit', app: 'hit' };

for (const kind of ['docker26', 'docker26-overlay2', 'docker20'] as const) {
    const skip = engineSkip(kind);
    const engine = () => useEngine(kind);
    const title = (t: string) => `${engineTitle(kind)} ${t}`;
    const env = (extra: NodeJS.ProcessEnv = {}) => engine().env({ XDG_CACHE_HOME: CACHE_HOME, ...extra });

    describe(title('per-stage cache on a fresh CI machine'), { skip }, () => {
        let registry: Registry;
        before(async () => { registry = await startRegistry(); });
        after(async () => { await registry?.stop(); });

        for (const [k, backend, resolved] of MATRIX.filter(([k]) => k === kind)) {
            it(title(`${backend}${backend === 'auto' ? ` (${resolved})` : ''}: cold with no error block, one source change, three no-change rebuilds`), async () => {
                assert.equal(k, kind);
                const dir = project();
                const cacheDir = tempDir('stagecraft-cachedir-');
                const repo = `${registry.host}/${kind}/${backend}`;
                const args = ['build', '--target', 'app', '--backend', backend, '--cache-dir', cacheDir, '--project', `${kind}-${backend}`,
                    ...(backend === 'save-load' ? [] : ['--cache-repo', repo, '--push']), '.'];
                const quiet = ['build', '--quiet', ...args.slice(1)];

                engine().fresh();
                const cold = await cli(args, { cwd: dir, env: env() });
                assert.equal(cold.code, 0, cold.all);
                assert.match(cold.stdout, new RegExp(`backend ${resolved} `));
                assert.match(cold.stderr, backend === 'save-load' ? /no saved cache at .* yet/ : resolved === 'buildx' ? /no cache in .* yet \(first run/ : /^stagecraft: no cache images for stages base, deps, build, app \(not in the registry yet: first run, new branch or expired tag\): building them without cache$/m);
                assert.equal(cold.stderr.split('\n').filter((l) => /no (saved )?cache/.test(l)).length, 1, `one line for every missing cache image:\n${cold.stderr}`);
                // The first run on an empty registry: no "not found" error block from docker.
                assert.doesNotMatch(cold.all, /importing cache manifest|ERROR/);
                assert.equal(summary(cold.stdout).get('deps'), 'miss', cold.all);
                assert.doesNotMatch(cold.all, /UNUSED-STAGE-RAN|TESTS-PASSED/);
                if (resolved === 'buildx') {
                    // One build of the target, the image and the cache under different tags.
                    assert.deepEqual(builds(cold.stdout), ['app'], cold.stdout);
                    assert.match(cold.stdout, /--cache-to type=registry,ref=\S+:app--buildx-cache,mode=max,compression=zstd,ignore-error=true --push /);
                    assert.doesNotMatch(cold.stdout.split('\n').find((l) => l.includes('docker buildx build')) ?? '', /--load/, '--load only when asked');
                    assert.equal(await registryHas(registry.host, `${kind}/${backend}`, 'app--buildx'), true);
                    assert.equal(await registryHas(registry.host, `${kind}/${backend}`, 'app--buildx-cache'), true);
                    for (const s of ['base', 'deps', 'build', 'app']) { assert.equal(summary(cold.stdout).get(s), 'miss', `${s}\n${cold.stdout}`); }
                } else if (resolved === 'buildkit') {
                    // An empty registry: stage by stage, each pushed in stage order while the next builds.
                    assert.deepEqual(builds(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout);
                    assert.deepEqual(pushes(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout);
                } else if (resolved === 'classic') {
                    assert.deepEqual(pushes(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout);
                }

                fs.writeFileSync(path.join(dir, 'src/a.txt'), 'hello again\n');
                engine().fresh();
                const changed = await cli(quiet, { cwd: dir, env: env() });
                assert.equal(changed.code, 0, changed.all);
                assertStages(changed.stdout, { base: 'hit', deps: 'hit', build: 'miss', app: 'miss' }, 'one source file changed');
                if (resolved === 'buildkit') {
                    // The target's build runs every stage; only the changed stages are built again, to push them.
                    assert.deepEqual(builds(changed.stdout), ['app', 'build'], changed.stdout);
                    // The target (its image carries the inputs fingerprint) is pushed after the other stages.
                    assert.deepEqual(pushes(changed.stdout), ['build', 'app'], changed.stdout);
                }
                if (resolved === 'buildx') { assert.deepEqual(builds(changed.stdout), ['app'], changed.stdout); }

                for (let i = 1; i <= 3; i++) {
                    engine().fresh();
                    // --no-skip: the cache itself is under test here, not the no-change shortcut (below).
                    const again = await cli(['build', '--quiet', '--no-skip', ...args.slice(1)], { cwd: dir, env: env() });
                    assert.equal(again.code, 0, again.all);
                    assertStages(again.stdout, ALL_HIT, `no-change rebuild ${i} on a fresh engine`);
                    assert.doesNotMatch(again.stderr, /no cache/);
                    // BuildKit and buildx: one build of the target finds every stage cached; nothing else runs.
                    if (resolved === 'buildkit' || resolved === 'buildx') { assert.deepEqual(builds(again.stdout), ['app'], again.stdout); }
                }
            });
        }

        const skipper = kind === 'docker20' ? 'buildkit' : kind === 'docker26' ? 'buildx' : null;
        if (skipper !== null) {
            it(title(`${skipper} --push: a job whose inputs did not change builds, pushes and pulls nothing; any input change builds`), async () => {
                const dir = project();
                fs.writeFileSync(path.join(dir, '.dockerignore'), 'ignored/\n');
                const cacheDir = tempDir('stagecraft-cachedir-');
                const repo = `${registry.host}/${kind}/skip`;
                const image = `${repo}:app--${skipper}`;
                const args = ['build', '--quiet', '--target', 'app', '--backend', skipper, '--cache-dir', cacheDir, '--cache-repo', repo, '--push', '.'];
                const job = async (extra: string[] = [], what = '') => {
                    engine().fresh();
                    const r = await cli([...args.slice(0, 1), ...extra, ...args.slice(1)], { cwd: dir, env: env() });
                    assert.equal(r.code, 0, `${what}\n${r.all}`);
                    return r;
                };
                const skippedJob = (r: { stdout: string }) => /nothing changed: /.test(r.stdout) && builds(r.stdout).length === 0;

                const reportFile = path.join(tempDir('stagecraft-report-'), 'report.json');
                const readReport = () => JSON.parse(fs.readFileSync(reportFile, 'utf8')) as BuildReport;
                const serverVersion = engine().docker(['version', '--format', '{{.Server.Version}}']).out.trim();
                const cold = await job(['--report', reportFile], 'cold');
                assert.equal(skippedJob(cold), false);
                const coldReport = readReport();
                assert.equal(coldReport.schema, REPORT_SCHEMA);
                assert.deepEqual([coldReport.exitCode, coldReport.outcome, coldReport.backend], [0, 'done', skipper]);
                assert.deepEqual(coldReport.engine, { client: serverVersion, server: serverVersion }, 'the report names the engine (this client and daemon are the same release)');
                assert.deepEqual(coldReport.stages.filter((s) => s.result !== 'not needed').map((s) => [s.name, s.result]), [['base', 'built'], ['deps', 'built'], ['build', 'built'], ['app', 'built']]);
                // Docker 26 with the containerd store pushes an image index (with a provenance
                // attestation): the label is read from the image the index names for the platform.
                const labels = await imageLabels(image, process.env);
                assert.match(labels?.[INPUTS_LABEL] ?? '', /^sha256:[0-9a-f]{64}$/, 'the pushed target carries the inputs fingerprint');

                const same = await job(['--report', reportFile], 'no change');
                assert.equal(skippedJob(same), true, same.stdout);
                const sameReport = readReport();
                assert.deepEqual([sameReport.exitCode, sameReport.outcome, sameReport.engine], [0, 'unchanged', coldReport.engine]);
                assertStages(same.stdout, ALL_HIT, 'no change');
                assert.match(same.stdout, /nothing pulled either \(pass --load/);
                assert.notEqual(engine().docker(['image', 'inspect', image]).code, 0, 'nothing was pulled');
                assert.deepEqual(await imageLabels(image, process.env), labels, 'the registry keeps its image');

                const release = `${registry.host}/${kind}/skip-release:v1`;
                const loaded = await job(['--load', '-t', release], '--load and an extra tag');
                assert.equal(skippedJob(loaded), true, loaded.stdout);
                assert.equal(engine().docker(['image', 'inspect', image]).code, 0, '--load pulled the target');
                assert.equal(engine().docker(['image', 'inspect', release]).code, 0, 'and gave it the extra tag');
                assert.equal(await registryHas(registry.host, `${kind}/skip-release`, 'v1'), true, 'which --push pushed');

                fs.mkdirSync(path.join(dir, 'ignored'));
                fs.writeFileSync(path.join(dir, 'ignored', 'scratch.txt'), 'not sent to docker\n');
                assert.equal(skippedJob(await job([], 'a .dockerignored file')), true, 'a file docker never sees changes nothing');

                assert.equal(skippedJob(await job(['--no-skip'], '--no-skip')), false);

                const changes: [string, () => void][] = [
                    ['a source file', () => fs.writeFileSync(path.join(dir, 'src/b.txt'), 'world, again\n')],
                    ['a file no COPY names (the fingerprint is the whole context)', () => fs.writeFileSync(path.join(dir, 'NOTES.md'), 'notes\n')],
                    ['the mode of a file', () => fs.chmodSync(path.join(dir, 'manifest.txt'), 0o755)],
                    ['the Dockerfile', () => fs.appendFileSync(path.join(dir, 'Dockerfile'), '# a comment\n')],
                ];
                for (const [what, change] of changes) {
                    change();
                    const r = await job([], what);
                    assert.equal(skippedJob(r), false, `${what} changed: built\n${r.stdout}`);
                    assert.match(r.stdout, /inputs changed since .* was built; building/);
                }
                const arg = await job(['--build-arg', 'EXTRA=1'], 'a build arg');
                assert.equal(skippedJob(arg), false, arg.stdout);

                // A remote ADD cannot be fingerprinted: always built, and the job says why.
                fs.appendFileSync(path.join(dir, 'Dockerfile'), 'FROM base AS fetched\nADD http://127.0.0.1:9/none.txt /x\n');
                const r = await cli(['build', '--quiet', '--target', 'fetched', '--backend', skipper, '--cache-dir', cacheDir, '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
                assert.match(r.stdout, /every stage is checked by a build: stage fetched ADDs a remote source \(line \d+\)/, r.all);
            });
        }

        const brancher = kind === 'docker20' ? 'classic' : kind === 'docker26' ? 'buildx' : null;
        if (brancher !== null) {
            it(title(`${brancher}: a new branch starts warm from the default branch, then writes its own tags`), async () => {
                const dir = project();
                const repo = `${registry.host}/${kind}/branches`;
                const base = ['build', '--quiet', '--target', 'app', '--backend', brancher, '--cache-repo', repo, '--push', '--project', `${kind}-br`];
                engine().fresh();
                assert.equal((await cli([...base, '--branch', 'main', '.'], { cwd: dir, env: env() })).code, 0);
                engine().fresh();
                const feature = await cli([...base, '--branch', 'Feature/X', '.'], { cwd: dir, env: env() });
                assert.equal(feature.code, 0, feature.all);
                assertStages(feature.stdout, ALL_HIT, 'new branch from the default branch cache');
                assert.doesNotMatch(feature.stderr, /no cache/);
                const tag = brancher === 'buildx' ? 'app--buildx-cache' : 'deps--classic';
                if (brancher === 'classic') { assert.match(feature.stdout, new RegExp(`pulled cache image ${repo.replace(/[.]/g, '\\.')}:deps--classic\\n`)); }
                if (brancher === 'buildx') { assert.match(feature.stdout, /--cache-from type=registry,ref=\S+:app--buildx-cache --cache-to type=registry,ref=\S+:app--buildx-cache--feature-x,/, 'reads the default branch cache, writes its own'); }
                assert.equal(await registryHas(registry.host, `${kind}/branches`, `${tag}--feature-x`), true, 'the branch tag was pushed');
                assert.equal(await registryHas(registry.host, `${kind}/branches`, tag), true);
            });
        }

        if (kind === 'docker26') {
            it(title('buildx: a lens on another stage builds --target that stage against the CI job\'s cache'), async () => {
                const dir = project();
                const repo = `${registry.host}/${kind}/lens`;
                engine().fresh();
                const ci = await cli(['build', '--quiet', '--target', 'app', '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
                assert.equal(ci.code, 0, ci.all);
                engine().fresh();
                // What the editor's lens runs: no --push, the stage as the target.
                const lens = await cli(['build', '--quiet', '--target', 'build', '--cache-repo', repo, '.'], { cwd: dir, env: env() });
                assert.equal(lens.code, 0, lens.all);
                assert.match(lens.stdout, /--target build --cache-from type=registry,ref=\S+:app--buildx-cache --load /);
                assertStages(lens.stdout, { base: 'hit', deps: 'hit', build: 'hit' }, 'the stage from the CI job\'s cache');
                assert.doesNotMatch(lens.stderr, /no cache/, 'its own cache ref is not there yet, the main target\'s is');
                assert.equal(engine().docker(['image', 'inspect', `${repo}:build--buildx`]).code, 0, 'loaded into this engine');
                assert.equal(await probeRef(`${repo}:build--buildx`, process.env), 'missing', 'nothing pushed without --push');
            });
        }
    });

    describe(title('stages the target does not need are never built'), { skip }, () => {
        const backends: BackendChoice[] = kind === 'docker20' ? ['classic', 'buildkit'] : kind === 'docker26' ? ['auto'] : [];
        for (const backend of backends) {
            it(title(`${backend}: target app skips unused and test; target test builds test`), async () => {
                const dir = project();
                const app = await cli(['build', '--target', 'app', '--backend', backend, '--project', `${kind}-skip`, '.'], { cwd: dir, env: env() });
                assert.equal(app.code, 0, app.all);
                assert.doesNotMatch(app.all, /UNUSED-STAGE-RAN|TESTS-PASSED/);
                assert.match(app.stdout, /not needed, never built: unused, test/);
                assert.deepEqual([...summary(app.stdout).keys()], ['base', 'deps', 'build', 'app']);
                const test = await cli(['build', '--target', 'test', '--backend', backend, '--project', `${kind}-skip`, '.'], { cwd: dir, env: env() });
                assert.equal(test.code, 0, test.all);
                assert.match(test.all, /TESTS-PASSED/);
                assert.doesNotMatch(test.all, /UNUSED-STAGE-RAN/);
            });
        }
    });
}
