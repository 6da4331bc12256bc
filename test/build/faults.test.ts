/**
 * What goes wrong in CI, on each engine (private engines of this suite, test/support/engines.ts):
 * a registry that is down or asks for credentials, a failing step, Ctrl-C, a daemon that cannot
 * be reached, hostile build args. Each ends in one clear line and the documented exit code, and
 * nothing the user had is lost.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeRef } from '../../server/src/runner/registry';
import { cli, cliProcess, summary } from '../support/cli';
import { BASE_IMAGE, startRegistry, tempDir, waitFor } from '../support/docker';
import { engineSkip, engineTitle, useEngine } from '../support/engines';
import { builds, DOCKERFILE, lineOf, project, pushes } from './project';

const CACHE_HOME = tempDir('stagecraft-xdg-');
const FAILING = DOCKERFILE.replace('RUN cat src/*.txt', 'RUN echo compiling && exit 3 && cat src/*.txt');
const FAILING_LINE = lineOf('RUN cat src/');

for (const kind of ['docker26', 'docker20'] as const) {
    const skip = engineSkip(kind);
    const engine = () => useEngine(kind);
    const title = (t: string) => `${engineTitle(kind)} ${t}`;
    const env = (extra: NodeJS.ProcessEnv = {}) => engine().env({ XDG_CACHE_HOME: CACHE_HOME, ...extra });
    const docker = (args: string[], opts?: { env?: NodeJS.ProcessEnv; input?: string }) => engine().docker(args, opts);
    /** The registry backends of this engine: what auto picks, and the per-stage ones it still runs. */
    const backends = kind === 'docker26' ? ['buildx', 'buildkit'] as const : ['classic', 'buildkit'] as const;

    describe(title('faults'), { skip }, () => {
        it(title('registry stopped: the build succeeds without cache and says so once; --push fails with exit 4, images kept'), async () => {
            const reg = await startRegistry();
            const host = reg.host;
            await reg.stop();
            const dir = project();
            for (const backend of backends) {
                const r = await cli(['build', '-q', '--backend', backend, '--cache-repo', `${host}/down`, '--project', `${kind}-down`, '.'], { cwd: dir, env: env() });
                assert.equal(r.code, 0, r.all);
                assert.match(r.stderr, new RegExp(`registry ${host.replace(/\./g, '\\.')} unreachable`));
                assert.equal(r.stderr.split('\n').filter((l) => /unreachable/.test(l)).length, 1, `one line, not one per stage:\n${r.stderr}`);
                const pushed = await cli(['build', '-q', '--backend', backend, '--cache-repo', `${host}/down`, '--push', '.'], { cwd: dir, env: env() });
                assert.equal(pushed.code, 4, pushed.all);
                assert.match(pushed.stderr, /registry \S+ unreachable \(refuses connections\); building without its cache, and pushing nothing to it/);
                assert.equal(pushed.stderr.split('\n').filter((l) => /unreachable/.test(l)).length, 1, `one line:\n${pushed.stderr}`);
                assert.equal(docker(['image', 'inspect', `${host}/down:app--${backend}`]).code, 0, `${backend}: built image kept`);
            }
        });

        it(title('registry with auth and no credentials: no cache read, push fails clearly once, built images kept; with a login it pushes'), async () => {
            const reg = await startRegistry({ auth: { user: 'ci', password: 's3cret-pw' } });
            try {
                const dir = project();
                const cfg = tempDir('stagecraft-dockercfg-');
                // The buildx plugin, where the client finds it with this DOCKER_CONFIG.
                linkBuildx(cfg);
                const repo = `${reg.host}/auth`;
                for (const backend of backends) {
                    const r = await cli(['build', '-q', '--backend', backend, '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env({ DOCKER_CONFIG: cfg }) });
                    assert.equal(r.code, 4, r.all);
                    assert.match(r.stderr, /asks for credentials/);
                    // Nothing readable in the registry: per-stage backends build (and push) in stage order.
                    const first = backend === 'buildx' ? 'app' : 'base';
                    assert.match(r.stderr, new RegExp(`push of ${repo.replace(/\./g, '\\.')}:${first}--${backend} failed: .*`));
                    assert.equal(r.stderr.split('\n').filter((l) => /^stagecraft: push of /.test(l)).length, 1, `one push failure reported, the others not tried:\n${r.stderr}`);
                    assert.match(r.stderr, /built (and tagged locally|here); nothing was deleted/);
                    assert.doesNotMatch(r.all, /s3cret-pw/);
                    for (const s of backend === 'buildx' ? ['app'] : ['base', 'deps', 'build', 'app']) {
                        assert.equal(docker(['image', 'inspect', `${repo}:${s}--${backend}`]).code, 0, `${s} image kept`);
                    }
                }
                const login = docker(['login', '-u', 'ci', '--password-stdin', reg.host], { env: { ...process.env, DOCKER_CONFIG: cfg }, input: 's3cret-pw' });
                assert.equal(login.code, 0, login.out);
                const ok = await cli(['build', '-q', '--backend', backends[0], '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env({ DOCKER_CONFIG: cfg }) });
                assert.equal(ok.code, 0, ok.all);
                assert.doesNotMatch(ok.stderr, /asks for credentials/, 'the HEAD checks used the login');
                assert.doesNotMatch(ok.all, /s3cret-pw/);
            } finally {
                await reg.stop();
            }
        });

        it(title('docker daemon unreachable: clear message, exit 3'), async () => {
            const dir = project();
            const r = await cli(['build', '.'], { cwd: dir, env: env({ DOCKER_HOST: `unix://${path.join(tempDir('stagecraft-dead-'), 'no.sock')}` }) });
            assert.equal(r.code, 3, r.all);
            assert.match(r.stderr, /cannot reach the Docker daemon at DOCKER_HOST=unix:\/\/.*no\.sock/);
            assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
            const missing = await cli(['build', '.'], { cwd: dir, env: env({ STAGECRAFT_DOCKER: '/nonexistent/docker' }) });
            assert.equal(missing.code, 3, missing.all);
            assert.match(missing.stderr, /docker client "\/nonexistent\/docker" was not found/);
        });

        it(title('a failing RUN names the stage and the line, exit 1, earlier stages kept'), async () => {
            const dir = project(FAILING);
            for (const backend of [...backends, 'auto'] as const) {
                const r = await cli(['build', '-q', '--backend', backend, '--project', `${kind}-fail`, '.'], { cwd: dir, env: env() });
                assert.equal(r.code, 1, r.all);
                assert.match(r.stderr, new RegExp(`stage build failed at Dockerfile:${FAILING_LINE} \\(RUN echo compiling`));
                assert.equal((r.stderr.match(/failed at Dockerfile:/g) ?? []).length, 1, r.all);
                assert.match(r.stdout, /build\s+failed/);
                if (backend !== 'buildx' && backend !== 'auto') {
                    assert.equal(docker(['image', 'inspect', `stagecraft-cache/${kind}-fail:deps--${backend}`]).code, 0, 'deps kept');
                }
            }
        });

        it(title('empty registry: a failing RUN is reported once; nothing after it is pushed, the target never'), async () => {
            const reg = await startRegistry();
            try {
                const dir = project(FAILING);
                const repo = `${reg.host}/coldfail`;
                const r = await cli(['build', '-q', '--backend', backends[0] === 'buildx' ? 'buildx' : 'buildkit', '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
                assert.equal(r.code, 1, r.all);
                assert.equal((r.stderr.match(/failed at Dockerfile:/g) ?? []).length, 1, r.all);
                assert.match(r.stderr, new RegExp(`stage build failed at Dockerfile:${FAILING_LINE} \\(RUN echo compiling`));
                assert.equal(summary(r.stdout).get('build'), 'failed', r.stdout);
                if (kind === 'docker20') {
                    assert.deepEqual(builds(r.stdout), ['base', 'deps', 'build'], r.stdout);
                    assert.deepEqual(pushes(r.stdout), ['base', 'deps'], r.stdout);
                }
                const backend = kind === 'docker26' ? 'buildx' : 'buildkit';
                assert.equal(await probeRef(`${repo}:app--${backend}`, process.env), 'missing', 'the target (the inputs fingerprint) is not pushed');
            } finally {
                await reg.stop();
            }
        });

        it(title('Ctrl-C stops docker: exit 130, one message, no tag for what did not finish, no container left'), async () => {
            const reg = await startRegistry();
            try {
                const dir = project(DOCKERFILE.replace('RUN sleep 2 &&', 'RUN echo SLOW-STEP-STARTED && sleep 30 &&'));
                const backend = kind === 'docker26' ? 'buildx' : 'buildkit';
                const repo = `${reg.host}/int`;
                const child = cliProcess(['build', '--backend', backend, '--cache-repo', repo, '--push', '.'], { cwd: dir, env: env() });
                let out = '';
                child.stdout?.on('data', (b) => { out += b; });
                child.stderr?.on('data', (b) => { out += b; });
                const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
                await waitFor('the slow step to start', () => /SLOW-STEP-STARTED/.test(out), 90000);
                child.kill('SIGINT');
                const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20000))]);
                if (code === null) { child.kill('SIGKILL'); }
                assert.equal(code, 130, out);
                assert.equal((out.match(/^stagecraft: interrupted: stopped docker/gm) ?? []).length, 1, out);
                for (const s of ['deps', 'build', 'app']) {
                    assert.notEqual(docker(['image', 'inspect', `${repo}:${s}--${backend}`]).code, 0, `no tag for ${s}`);
                }
                if (backend === 'buildkit') { assert.equal(docker(['image', 'inspect', `${repo}:base--buildkit`]).code, 0, 'base keeps its tag'); }
                await waitFor('no container left running the slow step', () => !/sleep 30/.test(docker(['ps', '--no-trunc', '--format', '{{.Command}}']).out), 30000, 250);
            } finally {
                await reg.stop();
            }
        });

        it(title('shell metacharacters in build args and tags reach docker as data, never a shell'), async () => {
            const marker = path.join(tempDir('stagecraft-meta-'), 'pwned');
            const evil = `$(touch ${marker}); \`touch ${marker}\`; echo "x" | tee ${marker} && '`;
            const dir = project(DOCKERFILE.replace('FROM base AS app', 'FROM base AS app\nARG NOTE\nRUN printf "%s" "$NOTE" > /note'));
            const r = await cli(['build', '-q', '--build-arg', `NOTE=${evil}`, '--project', `${kind}-meta`, '.'], { cwd: dir, env: env() });
            assert.equal(r.code, 0, r.all);
            assert.equal(fs.existsSync(marker), false, 'nothing ran on the host');
            const backend = /^stagecraft: target app, backend (\S+) /m.exec(r.stdout)?.[1];
            const image = `stagecraft-cache/${kind}-meta:app--${backend}`;
            const note = docker(['run', '--rm', image, 'cat', '/note']);
            assert.equal(note.out, evil, 'the value arrived unchanged');
            // The same value through `stagecraft plan`'s shell script: sh hands it over unchanged.
            const script = await cli(['plan', '--target', 'app', '--build-arg', `NOTE=${evil}`, '--project', `${kind}-meta`, '.'], { cwd: dir, env: env() });
            assert.equal(script.code, 0, script.all);
            const buildLine = script.stdout.split('\n').filter((l) => /^(DOCKER_BUILDKIT=\d )?docker (buildx )?build /.test(l)).pop() as string;
            const echoed = spawnSync('sh', ['-c', `set --; ${buildLine.replace(/^(DOCKER_BUILDKIT=\d )?docker (buildx )?build/, "printf '%s\\n'")}`], { encoding: 'utf8' });
            assert.equal(echoed.status, 0, echoed.stderr);
            assert.ok(echoed.stdout.split('\n').includes(`NOTE=${evil}`), echoed.stdout);
            const bad = await cli(['build', '--target', 'a;b', '.'], { cwd: project(`FROM ${BASE_IMAGE} AS a;b\n`), env: env() });
            assert.equal(bad.code, 2, bad.all);
            assert.equal(fs.existsSync(marker), false);
        });
    });
}

/** The buildx plugin in a fresh DOCKER_CONFIG (the client looks for plugins there). */
function linkBuildx(cfg: string): void {
    const plugin = '/opt/stagecraft/docker-26/usr/libexec/docker/cli-plugins/docker-buildx';
    if (!fs.existsSync(plugin)) { return; }
    fs.mkdirSync(path.join(cfg, 'cli-plugins'), { recursive: true });
    fs.symlinkSync(plugin, path.join(cfg, 'cli-plugins', 'docker-buildx'));
}
