/**
 * `stagecraft plan` and `stagecraft build` options, in-process: no docker needed.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readRequest } from '../../server/src/cli/plan';
import { cli } from '../support/cli';
import { tempDir } from '../support/docker';

const FILE = `FROM busybox:1 AS base
FROM base AS deps
RUN echo deps
FROM base AS unused
RUN echo unused
FROM deps AS app
RUN echo app
`;

function project(): string {
    const dir = tempDir('stagecraft-cli-');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), FILE);
    return dir;
}

describe('readRequest', () => {
    const io = { cwd: '/w', env: { HOME: '/home/u' } };
    it('the lens interface', () => {
        const r = readRequest(['-f', '/w/app/Dockerfile', '--target', 'deps', '--cache-repo', ' 127.0.0.1:5000/app/cache ', '--backend', 'classic',
            '--push', '--build-arg', 'A=1', '--build-arg', 'B=x y', '--platform', 'linux/arm64', '--cache-dir', '/tmp/c', '/w/app'], io);
        assert.deepEqual(
            [r.dockerfile, r.target, r.cacheRepo, r.backend, r.push, r.buildArgs, r.platform, r.cacheDir, r.cacheDirGiven, r.context, r.project],
            ['/w/app/Dockerfile', 'deps', '127.0.0.1:5000/app/cache', 'classic', true, { A: '1', B: 'x y' }, 'linux/arm64', '/tmp/c', true, '/w/app', 'app'],
        );
    });
    it('defaults: context ., its Dockerfile, auto, a cache dir under ~/.cache', () => {
        const r = readRequest([], io);
        assert.deepEqual([r.context, r.dockerfile, r.backend, r.cacheRepo, r.cacheDir, r.cacheDirGiven, r.target], ['.', 'Dockerfile', 'auto', null, '/home/u/.cache/stagecraft/w', false, undefined]);
    });
    it('a numeric target is a stage index (unnamed stages from the lens)', () => {
        assert.equal(readRequest(['--target', '3', '.'], io).target, 3);
    });
    for (const [argv, msg] of [
        [['--backend', 'docker'], /choose one of auto, classic/],
        [['--format', 'xml'], /choose one of shell, json, github, gitlab/],
        [['a', 'b'], /one build context/],
        [['--build-arg', '1=x'], /not KEY=VALUE/],
        [['--tag', 'a b'], /not an image reference/],
        [['--nope'], /unknown option/],
    ] as Array<[string[], RegExp]>) {
        it(`rejects ${argv.join(' ')}`, () => { assert.throws(() => readRequest(argv, io, { values: ['format'] }), msg); });
    }
});

describe('stagecraft plan / build (no docker)', () => {
    it('plan --format github: today\'s runners get buildx, one build, registry cache, no path of this machine', async () => {
        const dir = project();
        const r = await cli(['plan', '--target', 'app', '--cache-repo', '127.0.0.1:5000/x/cache', '--push', '--format', 'github', '.'], { cwd: dir, env: { ...process.env, HOME: '/home/someone' } });
        assert.equal(r.code, 0, r.all);
        const steps = parse(r.stdout) as Array<{ name: string; run?: string; uses?: string }>;
        assert.deepEqual(steps.map((s) => s.name), ['stagecraft: set up buildx', 'stagecraft: build app']);
        assert.equal(steps[0].uses, 'docker/setup-buildx-action@v3');
        assert.equal((steps[1].run ?? '').match(/docker buildx build /g)?.length, 1, 'one build');
        assert.doesNotMatch(r.stdout, /\/home\/someone|\.cache\/stagecraft|\/tmp\//, 'no path of the machine that made the plan');
        assert.doesNotMatch(r.stdout, /echo unused/);
    });
    it('plan --format github --backend classic: the per-stage steps of the classic builder', async () => {
        const dir = project();
        const r = await cli(['plan', '--backend', 'classic', '--target', 'app', '--cache-repo', '127.0.0.1:5000/x/cache', '--push', '--format', 'github', '.'], { cwd: dir, env: { ...process.env, HOME: '/home/someone' } });
        assert.equal(r.code, 0, r.all);
        const steps = parse(r.stdout) as Array<{ name: string; run?: string }>;
        assert.deepEqual(steps.map((s) => s.name), ['stagecraft: prepare', 'stagecraft: [1/3] base', 'stagecraft: [2/3] deps', 'stagecraft: [3/3] app']);
        assert.ok(!r.stdout.includes('echo unused') || r.stdout.includes('FROM scratch AS unused'));
        assert.doesNotMatch(r.stdout, /\/home\/someone/, 'derived Dockerfiles go under the job\'s own .stagecraft/');
        assert.match(r.stdout, /cat > \.stagecraft\/dockerfiles\//);
    });
    it('plan --format json', async () => {
        const r = await cli(['plan', '--format', 'json', '--backend', 'buildkit', '.'], { cwd: project() });
        assert.equal(r.code, 0, r.all);
        const plan = JSON.parse(r.stdout) as { backend: string; stages: { label: string }[]; skipped: { label: string }[] };
        assert.equal(plan.backend, 'buildkit');
        assert.deepEqual(plan.stages.map((s) => s.label), ['base', 'deps', 'app']);
        assert.deepEqual(plan.skipped.map((s) => s.label), ['unused']);
    });
    it('--help prints the exit codes', async () => {
        const b = await cli(['build', '--help'], { cwd: '/' });
        assert.equal(b.code, 0);
        assert.match(b.stdout, /Exit codes:[\s\S]*3 {2}Docker unreachable[\s\S]*4 {2}built, but publishing/);
        assert.match((await cli(['plan', '--help'], { cwd: '/' })).stdout, /--format F/);
    });
    const usage: Array<[string, string[], RegExp]> = [
        ['unknown target', ['plan', '--target', 'nope', '.'], /target stage "nope" is not in the Dockerfile; stages: base, deps, unused, app/],
        ['missing Dockerfile', ['build', '-f', 'nope/Dockerfile', '.'], /cannot read nope\/Dockerfile/],
        ['bad backend', ['build', '--backend', 'podman', '.'], /--backend podman/],
        ['bad cache repo', ['plan', '--cache-repo', 'UPPER/x', '.'], /not a valid repository name component/],
    ];
    for (const [name, argv, msg] of usage) {
        it(`${name}: one line, exit 2`, async () => {
            const r = await cli(argv, { cwd: project() });
            assert.equal(r.code, 2, r.all);
            assert.match(r.stderr, msg);
            assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        });
    }
});
