/**
 * `stagecraft build` against the real engine and a real registry.
 *
 * One file on purpose: these tests share the daemon and prune its build cache, so they must not
 * run in parallel with each other. Every image they make lives under `stagecraft-t<pid>` (local)
 * or in registries they start themselves; "a fresh CI machine" removes only those.
 *
 * Cache hits are asserted from what docker reports (the summary's CACHE column is read from
 * `---> Using cache` / `CACHED`), never from timings.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageLabels, probeRef } from '../../server/src/runner/registry';
import { INPUTS_LABEL } from '../../server/src/runner/inputs';
import { cli, cliProcess, summary } from '../support/cli';
import {
    BASE_IMAGE, docker, dockerBin, dockerSkip, freshEngine, type Registry, registryHas, startRegistry, tempDir, waitFor, writeTree,
} from '../support/docker';

const skip = dockerSkip();
const PREFIX = `stagecraft-t${process.pid}`;
/** Every image these tests make: local cache tags, and anything pushed to their registries. */
const OURS = [PREFIX, `stagecraft-cache/${PREFIX}`];
const CACHE_HOME = tempDir('stagecraft-xdg-');
/** The CLI's environment: the right docker client; default cache dirs in a temp dir, not ~/.cache. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, STAGECRAFT_DOCKER: dockerBin(), XDG_CACHE_HOME: CACHE_HOME, ...extra });

/** 6 stages: base alias, slow deps (manifest only), unused, build, test, slim app. */
export const DOCKERFILE = `# a realistic shape, on the local busybox image
ARG BASE=${BASE_IMAGE}
FROM \${BASE} AS base
WORKDIR /app

FROM base AS deps
COPY manifest.txt ./
RUN sleep 2 && mkdir -p /deps && cp manifest.txt /deps/ && head -c 16 /dev/urandom | od -x > /deps/stamp

FROM base AS unused
RUN echo UNUSED-STAGE-RAN

FROM deps AS build
COPY src/ ./src/
RUN cat src/*.txt /deps/manifest.txt > /app/out.txt

FROM build AS test
RUN grep -q hello /app/out.txt && echo TESTS-PASSED

FROM base AS app
COPY --from=build /app/out.txt /app/out.txt
CMD ["cat", "/app/out.txt"]
`;

function project(dockerfile = DOCKERFILE): string {
    const dir = tempDir('stagecraft-proj-');
    writeTree(dir, { Dockerfile: dockerfile, 'manifest.txt': 'dep-a 1.0\n', 'src/a.txt': 'hello\n', 'src/b.txt': 'world\n' });
    return dir;
}

/** The stages whose images a run pushed, in order (from its `stagecraft: pushed <ref>` lines). */
function pushes(stdout: string): string[] {
    return [...stdout.matchAll(/^stagecraft: pushed \S+:([a-z0-9-]+?)--\S+ in /gm)].map((m) => m[1]);
}

/** The stages a run invoked `docker build` for, in order (from its `[i/n] stage: <command>` lines). */
function builds(stdout: string): string[] {
    return [...stdout.matchAll(/^\[\d+\/\d+\] (\S+)(?: \([^)]*\))?: .*docker build /gm)].map((m) => m[1]);
}

function assertStages(stdout: string, expected: Record<string, string>, what: string): void {
    const got = Object.fromEntries(summary(stdout));
    assert.deepEqual(got, expected, `${what}: cache per stage\n${stdout.split('\n').slice(-12).join('\n')}`);
}

describe('engine: per-stage cache on a fresh CI machine', { skip }, () => {
    let registry: Registry;
    before(async () => { registry = await startRegistry(); });
    after(async () => { await registry?.stop(); freshEngine(OURS); });

    for (const backend of ['classic', 'buildkit', 'save-load'] as const) {
        it(`${backend}: cold, one source change, three no-change rebuilds`, async () => {
            const dir = project();
            const cacheDir = tempDir('stagecraft-cachedir-');
            const repo = `${registry.host}/${PREFIX}/${backend}`;
            const args = ['build', '--quiet', '--target', 'app', '--backend', backend, '--cache-dir', cacheDir, '--project', `${PREFIX}-${backend}`,
                ...(backend === 'save-load' ? [] : ['--cache-repo', repo, '--push']), '.'];
            const fresh = () => freshEngine(OURS);

            fresh();
            const cold = await cli(args, { cwd: dir, env: env() });
            assert.equal(cold.code, 0, cold.all);
            assert.match(cold.stderr, backend === 'save-load' ? /no saved cache at .* yet/ : /no cache image for stage deps/);
            assert.equal(summary(cold.stdout).get('deps'), 'miss', cold.all);
            assert.doesNotMatch(cold.all, /UNUSED-STAGE-RAN|TESTS-PASSED/);
            assert.doesNotMatch(cold.all, /importing cache manifest/);
            if (backend === 'buildkit') {
                // An empty registry: stage by stage, each pushed in stage order while the next builds.
                assert.deepEqual(builds(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout);
                assert.deepEqual(pushes(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout);
                for (const s of ['deps', 'build', 'app']) { assert.equal(summary(cold.stdout).get(s), 'miss', `${s}\n${cold.stdout}`); }
            }
            if (backend === 'classic') { assert.deepEqual(pushes(cold.stdout), ['base', 'deps', 'build', 'app'], cold.stdout); }

            fs.writeFileSync(path.join(dir, 'src/a.txt'), 'hello again\n');
            fresh();
            const changed = await cli(args, { cwd: dir, env: env() });
            assert.equal(changed.code, 0, changed.all);
            assertStages(changed.stdout, { base: 'hit', deps: 'hit', build: 'miss', app: 'miss' }, 'one source file changed');
            if (backend === 'buildkit') {
                // The target's build runs every stage; only the changed stages are built again, to push them.
                assert.deepEqual(builds(changed.stdout), ['app', 'build'], changed.stdout);
                // The target (its image carries the inputs fingerprint) is pushed after the other stages.
                assert.deepEqual(pushes(changed.stdout), ['build', 'app'], changed.stdout);
            }

            for (let i = 1; i <= 3; i++) {
                fresh();
                // --no-skip: the cache itself is under test here, not the no-change shortcut (below).
                const again = await cli(backend === 'buildkit' ? [...args.slice(0, 1), '--no-skip', ...args.slice(1)] : args, { cwd: dir, env: env() });
                assert.equal(again.code, 0, again.all);
                assertStages(again.stdout, { base: 'hit', deps: 'hit', build: 'hit', app: 'hit' }, `no-change rebuild ${i} on a fresh engine`);
                assert.doesNotMatch(again.stderr, /no cache image/);
                // BuildKit: one build of the target finds every stage cached; nothing else runs.
                if (backend === 'buildkit') { assert.deepEqual(builds(again.stdout), ['app'], again.stdout); }
            }
        });
    }

    it('buildkit --push: a job whose inputs did not change builds, pushes and pulls nothing; any input change builds', async () => {
        const dir = project();
        fs.writeFileSync(path.join(dir, '.dockerignore'), 'ignored/\n');
        const cacheDir = tempDir('stagecraft-cachedir-');
        const repo = `${registry.host}/${PREFIX}/skip`;
        const args = ['build', '--quiet', '--target', 'app', '--backend', 'buildkit', '--cache-dir', cacheDir, '--cache-repo', repo, '--push', '.'];
        const job = async (extra: string[] = [], what = '') => {
            freshEngine(OURS);
            const r = await cli([...args.slice(0, 1), ...extra, ...args.slice(1)], { cwd: dir, env: env() });
            assert.equal(r.code, 0, `${what}\n${r.all}`);
            return r;
        };
        const skippedJob = (r: { stdout: string }) => /nothing changed: /.test(r.stdout) && builds(r.stdout).length === 0;

        const cold = await job([], 'cold');
        assert.equal(skippedJob(cold), false);
        const labels = await imageLabels(`${repo}:app--buildkit`, process.env);
        assert.match(labels?.[INPUTS_LABEL] ?? '', /^sha256:[0-9a-f]{64}$/, 'the pushed target carries the inputs fingerprint');

        const same = await job([], 'no change');
        assert.equal(skippedJob(same), true, same.stdout);
        assertStages(same.stdout, { base: 'hit', deps: 'hit', build: 'hit', app: 'hit' }, 'no change');
        assert.match(same.stdout, /nothing pulled either \(pass --load/);
        assert.notEqual(docker(['image', 'inspect', `${repo}:app--buildkit`]).code, 0, 'nothing was pulled');
        assert.deepEqual(await imageLabels(`${repo}:app--buildkit`, process.env), labels, 'the registry keeps its image');

        const release = `${registry.host}/${PREFIX}/skip-release:v1`;
        const loaded = await job(['--load', '-t', release], '--load and an extra tag');
        assert.equal(skippedJob(loaded), true, loaded.stdout);
        assert.equal(docker(['image', 'inspect', `${repo}:app--buildkit`]).code, 0, '--load pulled the target');
        assert.equal(docker(['image', 'inspect', release]).code, 0, 'and gave it the extra tag');
        assert.equal(await registryHas(registry.host, `${PREFIX}/skip-release`, 'v1'), true, 'which --push pushed');

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
        const remote = await cli(['plan', '--target', 'fetched', '.'], { cwd: dir, env: env() });
        assert.equal(remote.code, 0, remote.all);
        const r = await cli(['build', '--quiet', '--target', 'fetched', '--backend', 'buildkit', '--cache-dir', cacheDir, '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
        assert.match(r.stdout, /every stage is checked by a build: stage fetched ADDs a remote source \(line \d+\)/, r.all);
    });

    it('a new branch starts warm from the default branch, then writes its own tags', async () => {
        const dir = project();
        const repo = `${registry.host}/${PREFIX}/branches`;
        const base = ['build', '--quiet', '--target', 'app', '--backend', 'classic', '--cache-repo', repo, '--push', '--project', `${PREFIX}-br`];
        freshEngine(OURS);
        assert.equal((await cli([...base, '--branch', 'main', '.'], { cwd: dir, env: env() })).code, 0);
        freshEngine(OURS);
        const feature = await cli([...base, '--branch', 'Feature/X', '.'], { cwd: dir, env: env() });
        assert.equal(feature.code, 0, feature.all);
        assertStages(feature.stdout, { base: 'hit', deps: 'hit', build: 'hit', app: 'hit' }, 'new branch from the default branch cache');
        assert.match(feature.stdout, new RegExp(`pulled cache image ${repo.replace(/[.]/g, '\\.')}:deps--classic\\n`));
        assert.equal(await registryHas(registry.host, `${PREFIX}/branches`, 'deps--classic--feature-x'), true, 'the branch tag was pushed');
        assert.equal(await registryHas(registry.host, `${PREFIX}/branches`, 'deps--classic'), true);
    });
});

describe('engine: stages the target does not need are never built', { skip }, () => {
    after(() => freshEngine(OURS));
    for (const backend of ['classic', 'buildkit'] as const) {
        it(`${backend}: target app skips unused and test; target test builds test`, async () => {
            const dir = project();
            const app = await cli(['build', '--target', 'app', '--backend', backend, '--project', `${PREFIX}-skip`, '.'], { cwd: dir, env: env() });
            assert.equal(app.code, 0, app.all);
            assert.doesNotMatch(app.all, /UNUSED-STAGE-RAN|TESTS-PASSED/);
            assert.match(app.stdout, /not needed, never built: unused, test/);
            assert.deepEqual([...summary(app.stdout).keys()], ['base', 'deps', 'build', 'app']);
            const test = await cli(['build', '--target', 'test', '--backend', backend, '--project', `${PREFIX}-skip`, '.'], { cwd: dir, env: env() });
            assert.equal(test.code, 0, test.all);
            assert.match(test.all, /TESTS-PASSED/);
            assert.doesNotMatch(test.all, /UNUSED-STAGE-RAN/);
        });
    }
});

describe('engine: faults', { skip }, () => {
    after(() => freshEngine(OURS));

    it('registry stopped: the build succeeds without cache and says so; --push fails with exit 4, images kept', async () => {
        const reg = await startRegistry();
        const host = reg.host;
        await reg.stop();
        const dir = project();
        for (const backend of ['classic', 'buildkit'] as const) {
            const r = await cli(['build', '-q', '--backend', backend, '--cache-repo', `${host}/${PREFIX}/down`, '--project', `${PREFIX}-down`, '.'], { cwd: dir, env: env() });
            assert.equal(r.code, 0, r.all);
            assert.match(r.stderr, new RegExp(`registry ${host.replace(/\./g, '\\.')} unreachable`));
            assert.equal(r.stderr.split('\n').filter((l) => /unreachable/.test(l)).length, 1, `one line, not one per stage:\n${r.stderr}`);
        }
        const pushed = await cli(['build', '-q', '--backend', 'classic', '--cache-repo', `${host}/${PREFIX}/down`, '--push', '.'], { cwd: dir, env: env() });
        assert.equal(pushed.code, 4, pushed.all);
        assert.match(pushed.stderr, /push of .* not tried: registry .* unreachable/);
        assert.equal(docker(['image', 'inspect', `${host}/${PREFIX}/down:app--classic`]).code, 0, 'built image kept');
    });

    it('registry with auth and no credentials: pull skipped, push fails clearly, built images kept', async () => {
        const reg = await startRegistry({ auth: { user: 'ci', password: 's3cret-pw' } });
        try {
            const dir = project();
            const cfg = tempDir('stagecraft-dockercfg-');
            const repo = `${reg.host}/${PREFIX}/auth`;
            for (const backend of ['classic', 'buildkit'] as const) {
                const r = await cli(['build', '-q', '--backend', backend, '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env({ DOCKER_CONFIG: cfg }) });
                assert.equal(r.code, 4, r.all);
                assert.match(r.stderr, /asks for credentials/);
                // The first push: classic pushes in build order; BuildKit builds (and pushes) the target first.
                // Nothing readable in the registry: both build (and push) in stage order.
                const first = 'base';
                assert.match(r.stderr, new RegExp(`push of ${repo.replace(/\./g, '\\.')}:${first}--${backend} failed: .*docker login ${reg.host.replace(/\./g, '\\.')}`));
                assert.equal(r.stderr.split('\n').filter((l) => /^stagecraft: push of /.test(l)).length, 1, `one push failure reported, the others not tried:\n${r.stderr}`);
                assert.match(r.stderr, /built and tagged locally/);
                assert.doesNotMatch(r.all, /s3cret-pw/);
                for (const s of ['base', 'deps', 'build', 'app']) {
                    assert.equal(docker(['image', 'inspect', `${repo}:${s}--${backend}`]).code, 0, `${s} image kept`);
                }
            }
            // With credentials the same build pushes.
            const login = docker(['login', '-u', 'ci', '--password-stdin', reg.host], { env: { ...process.env, DOCKER_CONFIG: cfg }, input: 's3cret-pw' });
            assert.equal(login.code, 0, login.out);
            const ok = await cli(['build', '-q', '--backend', 'buildkit', '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env({ DOCKER_CONFIG: cfg }) });
            assert.equal(ok.code, 0, ok.all);
            assert.doesNotMatch(ok.stderr, /asks for credentials/, 'the HEAD checks used the login');
            assert.doesNotMatch(ok.all, /s3cret-pw/);
        } finally {
            await reg.stop();
        }
    });

    it('registry HEAD checks: present, missing, unreachable, credentials from the docker config', async () => {
        const open = await startRegistry();
        const locked = await startRegistry({ auth: { user: 'ci', password: 'pw-probe' } });
        try {
            const cfg = tempDir('stagecraft-dockercfg-');
            const e = { ...process.env, DOCKER_CONFIG: cfg };
            const img = `${open.host}/${PREFIX}/probe:one`;
            assert.equal(docker(['tag', BASE_IMAGE, img]).code, 0);
            assert.equal(docker(['push', img]).code, 0);
            assert.equal(await probeRef(img, e), 'present');
            assert.equal(await probeRef(`${open.host}/${PREFIX}/probe:two`, e), 'missing');
            assert.equal(await probeRef(`${open.host}/${PREFIX}/nothing:one`, e), 'missing');
            const lockedImg = `${locked.host}/${PREFIX}/probe:one`;
            assert.equal(await probeRef(lockedImg, e), 'unauthorized');
            assert.equal(docker(['login', '-u', 'ci', '--password-stdin', locked.host], { env: e, input: 'pw-probe' }).code, 0);
            assert.equal(docker(['tag', BASE_IMAGE, lockedImg]).code, 0);
            assert.equal(docker(['push', lockedImg], { env: e }).code, 0);
            assert.equal(await probeRef(lockedImg, e), 'present', 'basic auth from the docker config');
            await open.stop();
            assert.equal(await probeRef(img, e), 'unreachable');
        } finally {
            await open.stop();
            await locked.stop();
        }
    });

    it('docker daemon unreachable: clear message, exit 3', async () => {
        const dir = project();
        const r = await cli(['build', '.'], { cwd: dir, env: env({ DOCKER_HOST: `unix://${path.join(tempDir('stagecraft-dead-'), 'no.sock')}` }) });
        assert.equal(r.code, 3, r.all);
        assert.match(r.stderr, /cannot reach the Docker daemon at DOCKER_HOST=unix:\/\/.*no\.sock/);
        const missing = await cli(['build', '.'], { cwd: dir, env: env({ STAGECRAFT_DOCKER: '/nonexistent/docker' }) });
        assert.equal(missing.code, 3, missing.all);
        assert.match(missing.stderr, /docker client "\/nonexistent\/docker" was not found/);
    });

    it('a failing RUN names the stage and the line, exit 1, earlier stages kept', async () => {
        const dir = project(DOCKERFILE.replace('RUN cat src/*.txt', 'RUN echo compiling && exit 3 && cat src/*.txt'));
        const line = DOCKERFILE.split('\n').findIndex((l) => l.startsWith('RUN cat src/')) + 1;
        for (const backend of ['classic', 'buildkit'] as const) {
            const r = await cli(['build', '-q', '--backend', backend, '--project', `${PREFIX}-fail`, '.'], { cwd: dir, env: env() });
            assert.equal(r.code, 1, r.all);
            assert.match(r.stderr, new RegExp(`stage build failed at Dockerfile:${line} \\(RUN echo compiling`));
            assert.match(r.stdout, /build\s+failed/);
            assert.equal(docker(['image', 'inspect', `${PREFIX}-fail`.replace(/^/, 'stagecraft-cache/') + `:deps--${backend}`]).code, 0, 'deps kept');
        }
    });

    it('buildkit, empty registry: a failing RUN is reported once; the stages before it are pushed, the target is not', async () => {
        const reg = await startRegistry();
        try {
            const dir = project(DOCKERFILE.replace('RUN cat src/*.txt', 'RUN echo compiling && exit 3 && cat src/*.txt'));
            const line = DOCKERFILE.split('\n').findIndex((l) => l.startsWith('RUN cat src/')) + 1;
            const repo = `${reg.host}/${PREFIX}/coldfail`;
            const r = await cli(['build', '-q', '--backend', 'buildkit', '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
            assert.equal(r.code, 1, r.all);
            assert.deepEqual(builds(r.stdout), ['base', 'deps', 'build'], r.stdout);
            assert.equal((r.stderr.match(/failed at Dockerfile:/g) ?? []).length, 1, r.all);
            assert.match(r.stderr, new RegExp(`stage build failed at Dockerfile:${line} \\(RUN echo compiling`));
            assert.equal(summary(r.stdout).get('build'), 'failed', r.stdout);
            assert.deepEqual(pushes(r.stdout), ['base', 'deps'], r.stdout);
            assert.equal(await probeRef(`${repo}:app--buildkit`, process.env), 'missing', 'the target (the inputs fingerprint) is not pushed');
        } finally {
            await reg.stop();
        }
    });

    it('buildkit, empty registry: Ctrl-C stops docker: exit 130, one message, no tag for the unfinished stages', async () => {
        const reg = await startRegistry();
        try {
            const dir = project(DOCKERFILE.replace('RUN sleep 2 &&', 'RUN sleep 30 &&'));
            const repo = `${reg.host}/${PREFIX}/coldint`;
            const child = cliProcess(['build', '--backend', 'buildkit', '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
            let out = '';
            child.stdout?.on('data', (b) => { out += b; });
            child.stderr?.on('data', (b) => { out += b; });
            const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
            // base has no RUN: it is done (and pushed) at once; deps then sleeps.
            await waitFor('base to be pushed', () => /^stagecraft: pushed \S+:base--buildkit/m.test(out), 60000);
            await new Promise((r) => setTimeout(r, 1500));
            child.kill('SIGINT');
            const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20000))]);
            if (code === null) { child.kill('SIGKILL'); }
            assert.equal(code, 130, out);
            assert.equal((out.match(/^stagecraft: interrupted: stopped docker while building stage/gm) ?? []).length, 1, out);
            for (const s of ['deps', 'build', 'app']) {
                assert.notEqual(docker(['image', 'inspect', `${repo}:${s}--buildkit`]).code, 0, `no tag for ${s}`);
            }
            assert.equal(docker(['image', 'inspect', `${repo}:base--buildkit`]).code, 0, 'base keeps its tag');
            await waitFor('no container left running the slow step', () => !/sleep 30/.test(docker(['ps', '--no-trunc', '--format', '{{.Command}}']).out), 30000, 250);
        } finally {
            await reg.stop();
        }
    });

    it('shell metacharacters in build args and tags reach docker as data, never a shell', async () => {
        const marker = path.join(tempDir('stagecraft-meta-'), 'pwned');
        const evil = `$(touch ${marker}); \`touch ${marker}\`; echo "x" | tee ${marker} && '`;
        const dir = project(DOCKERFILE.replace('FROM base AS app', 'FROM base AS app\nARG NOTE\nRUN printf "%s" "$NOTE" > /note'));
        const r = await cli(['build', '-q', '--backend', 'classic', '--build-arg', `NOTE=${evil}`, '--project', `${PREFIX}-meta`, '.'], { cwd: dir, env: env() });
        assert.equal(r.code, 0, r.all);
        assert.equal(fs.existsSync(marker), false, 'nothing ran on the host');
        const note = docker(['run', '--rm', `stagecraft-cache/${PREFIX}-meta:app--classic`, 'cat', '/note']);
        assert.equal(note.out, evil, 'the value arrived unchanged');
        // The same value through `stagecraft plan`'s shell script: sh hands it over unchanged.
        const script = await cli(['plan', '--backend', 'classic', '--target', 'app', '--build-arg', `NOTE=${evil}`, '--project', `${PREFIX}-meta`, '.'], { cwd: dir, env: env() });
        assert.equal(script.code, 0, script.all);
        const buildLine = script.stdout.split('\n').filter((l) => l.startsWith('DOCKER_BUILDKIT=0 docker build --force-rm')).pop() as string;
        const echoed = spawnSync('sh', ['-c', buildLine.replace('DOCKER_BUILDKIT=0 docker build --force-rm', "printf '%s\\n'")], { encoding: 'utf8' });
        assert.equal(echoed.status, 0, echoed.stderr);
        assert.ok(echoed.stdout.split('\n').includes(`NOTE=${evil}`), echoed.stdout);
        const bad = await cli(['build', '--target', 'a;b', '.'], { cwd: project(`FROM ${BASE_IMAGE} AS a;b\n`), env: env() });
        assert.equal(bad.code, 2, bad.all);
        assert.equal(fs.existsSync(marker), false);
    });

    it('Ctrl-C stops docker cleanly: exit 130, no tag for the interrupted stage', async () => {
        const dir = project(DOCKERFILE.replace('RUN sleep 2 &&', 'RUN echo SLOW-STEP-STARTED && sleep 30 &&'));
        const child = cliProcess(['build', '--backend', 'classic', '--project', `${PREFIX}-int`, '.'], { cwd: dir, env: env() });
        let out = '';
        child.stdout?.on('data', (b) => { out += b; });
        child.stderr?.on('data', (b) => { out += b; });
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        await waitFor('the slow step to start', () => /SLOW-STEP-STARTED/.test(out), 60000);
        child.kill('SIGINT');
        const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20000))]);
        if (code === null) { child.kill('SIGKILL'); }
        assert.equal(code, 130, out);
        assert.match(out, /interrupted: stopped docker while building stage deps; nothing was tagged/);
        assert.notEqual(docker(['image', 'inspect', `stagecraft-cache/${PREFIX}-int:deps--classic`]).code, 0, 'no tag for deps');
        assert.equal(docker(['image', 'inspect', `stagecraft-cache/${PREFIX}-int:base--classic`]).code, 0, 'base keeps its tag');
        await waitFor('no container left running the slow step', () => !/sleep 30/.test(docker(['ps', '--no-trunc', '--format', '{{.Command}}']).out), 30000, 250);
    });
});

/**
 * The engine facts the backends are built on (docs/BUILDS.md), measured with plain docker
 * commands: how each builder treats --cache-from.
 */
/** BuildKit steps reported CACHED, FROM vertices left out (they may say CACHED when resolved from cache). */
function bkHits(out: string): number {
    const from = new Set([...out.matchAll(/^#(\d+) \[[^\]]+\] FROM /gm)].map((m) => m[1]));
    return [...out.matchAll(/^#(\d+) CACHED$/gm)].filter((m) => !from.has(m[1])).length;
}

describe('engine facts: --cache-from on the classic builder and BuildKit', { skip }, () => {
    let registry: Registry;
    let dir: string;
    let repo: string;
    const FACTS_FILE = `FROM ${BASE_IMAGE} AS base\nWORKDIR /w\n\nFROM base AS deps\nCOPY manifest.txt ./\nRUN sleep 1 && head -c 16 /dev/urandom | od -x > stamp\nRUN cp stamp stamp2\n`;
    const wipe = () => freshEngine(OURS);
    const classicBuild = (tag: string, cacheFrom: string[]) => {
        const r = docker(['build', ...cacheFrom.flatMap((c) => ['--cache-from', c]), '-t', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
        assert.equal(r.code, 0, r.out);
        return { hits: (r.out.match(/^ ---> Using cache$/gm) ?? []).length, out: r.out };
    };
    const bkBuild = (tag: string, cacheFrom: string[], inline = true) => {
        const r = docker(['build', '--progress=plain', ...(inline ? ['--build-arg', 'BUILDKIT_INLINE_CACHE=1'] : []), ...cacheFrom.flatMap((c) => ['--cache-from', c]), '-t', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
        assert.equal(r.code, 0, r.out);
        return { hits: bkHits(r.out), out: r.out };
    };
    const push = (tag: string) => { const r = docker(['push', tag]); assert.equal(r.code, 0, r.out); };
    before(async () => {
        registry = await startRegistry();
        dir = project(FACTS_FILE);
        repo = `${registry.host}/${PREFIX}/facts`;
    });
    after(async () => { await registry?.stop(); wipe(); });

    it('classic: uses a cache image only once it is pulled; a missing one is silently ignored', () => {
        wipe();
        classicBuild(`${repo}:classic`, []);
        push(`${repo}:classic`);
        wipe();
        assert.equal(classicBuild(`${PREFIX}-facts:a`, [`${repo}:classic`]).hits, 0, 'not pulled: no cache');
        wipe();
        assert.equal(docker(['pull', '-q', `${repo}:classic`]).code, 0);
        assert.equal(classicBuild(`${PREFIX}-facts:b`, [`${repo}:classic`]).hits, 4, 'pulled: every step cached');
        wipe();
        const missing = classicBuild(`${PREFIX}-facts:c`, [`${repo}:nope`]);
        assert.equal(missing.hits, 0);
        assert.doesNotMatch(missing.out, /nope/, 'nothing said about the missing image');
    });

    it('BuildKit: reads inline cache from the registry without a pull; needs BUILDKIT_INLINE_CACHE; a missing image prints an error block', () => {
        wipe();
        bkBuild(`${repo}:bk`, []);
        push(`${repo}:bk`);
        bkBuild(`${repo}:bk-noinline`, [], false);
        push(`${repo}:bk-noinline`);
        wipe();
        assert.equal(bkBuild(`${PREFIX}-facts:d`, [`${repo}:bk`]).hits, 4, 'no pull, every step cached');
        assert.notEqual(docker(['image', 'inspect', `${repo}:bk`]).code, 0, 'and the cache image was not pulled');
        wipe();
        assert.equal(bkBuild(`${PREFIX}-facts:e`, [`${repo}:bk-noinline`]).hits, 0, 'without inline metadata: no cache');
        wipe();
        const missing = bkBuild(`${PREFIX}-facts:f`, [`${repo}:nope`]);
        assert.match(missing.out, /importing cache manifest from .*:nope/);
        assert.match(missing.out, /ERROR: .*:nope: not found/);
    });

    it('cache does not cross builders', () => {
        wipe();
        assert.equal(bkBuild(`${PREFIX}-facts:g`, [`${repo}:classic`]).hits, 0, 'BuildKit cannot use a classic image');
        wipe();
        assert.equal(docker(['pull', '-q', `${repo}:bk`]).code, 0);
        assert.equal(classicBuild(`${PREFIX}-facts:h`, [`${repo}:bk`]).hits, 0, 'classic cannot use a BuildKit image');
    });

    it('BuildKit 0.8: fully cached images re-pushed on every build (measured, not asserted: the loss is intermittent)', (t) => {
        // Per-stage builds, each stage pushed every time, as a naive pipeline does. The runner
        // instead never re-pushes a fully cached BuildKit stage (its 3 fresh rebuilds above all hit).
        const hits: number[] = [];
        for (let round = 1; round <= 3; round++) {
            wipe();
            let sum = 0;
            for (const target of ['base', 'deps']) {
                const r = docker(['build', '--progress=plain', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--target', target, '--cache-from', `${repo}:loss-${target}`, '-t', `${repo}:loss-${target}`, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
                assert.equal(r.code, 0, r.out);
                sum += bkHits(r.out);
                push(`${repo}:loss-${target}`);
            }
            hits.push(sum);
        }
        t.diagnostic(`cached steps per fresh rebuild when every image is re-pushed: ${hits.join(', ')} (full: 5 after the first)`);
    });
});
