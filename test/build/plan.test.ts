/**
 * The planner, table-driven: Dockerfile + options (+ facts) in, stages and exact docker argv out.
 * Pure: no docker, no files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis';
import { chooseBackend } from '../../server/src/plan/backend';
import { deriveDockerfile } from '../../server/src/plan/dockerfile';
import { cacheTag, checkRepo, stageKeys, tagSafe } from '../../server/src/plan/names';
import { type Plan, PlanError, type PlanOptions, planBuild } from '../../server/src/plan/plan';
import { SIX } from './fixtures';


const UNNAMED = `FROM busybox AS A
RUN a
FROM busybox
RUN b
FROM busybox AS c
RUN c
FROM a AS final
COPY --from=1 /b /b
`;

const FORWARD = `FROM busybox AS app
COPY --from=later /x /x
FROM busybox AS later
RUN x
`;

const REPO = 'reg.example:5000/team/app-cache';

function plan(text: string, opts: Partial<PlanOptions> & { target?: string | number; buildArgs?: Record<string, string> }, facts = {}): Plan {
    const a = analyze(text, { target: opts.target, buildArgs: opts.buildArgs });
    return planBuild(a, text, {
        dockerfile: 'Dockerfile', context: '.', backend: 'classic', cacheRepo: REPO, project: 'app', cacheDir: '/c', ...opts,
    }, facts);
}

const stage = (p: Plan, label: string) => {
    const s = p.stages.find((x) => x.label === label);
    assert.ok(s, `stage ${label} in plan`);
    return s;
};

describe('planBuild: which stages, in which order', () => {
    const cases: Array<{ name: string; text: string; target?: string | number; order: string[]; skipped: string[]; groups: string[][] }> = [
        { name: 'app needs base, deps, build; not unused or test', text: SIX, target: 'app', order: ['base', 'deps', 'build', 'app'], skipped: ['unused', 'test'], groups: [['base'], ['deps'], ['build'], ['app']] },
        { name: 'default target is the last stage', text: SIX, order: ['base', 'deps', 'build', 'app'], skipped: ['unused', 'test'], groups: [['base'], ['deps'], ['build'], ['app']] },
        { name: 'test target', text: SIX, target: 'test', order: ['base', 'deps', 'build', 'test'], skipped: ['unused', 'app'], groups: [['base'], ['deps'], ['build'], ['test']] },
        { name: 'a target by index', text: SIX, target: 1, order: ['base', 'deps'], skipped: ['unused', 'build', 'test', 'app'], groups: [['base'], ['deps']] },
        { name: 'independent stages share a group', text: UNNAMED, target: 'final', order: ['A', '#1', 'final'], skipped: ['c'], groups: [['A', '#1'], ['final']] },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const p = plan(c.text, { target: c.target });
            assert.deepEqual(p.stages.map((s) => s.label), c.order);
            assert.deepEqual(p.skipped.map((s) => s.label), c.skipped);
            assert.deepEqual(p.groups.map((g) => g.map((i) => p.stages.find((s) => s.index === i)?.label)), c.groups);
            assert.deepEqual(p.stages.map((s) => s.step), c.order.map((_, i) => i + 1));
        });
    }
});

describe('planBuild: exact docker argv per backend', () => {
    it('classic with a registry: pull first, cache from ancestors then own (rebuilt stages win), push', () => {
        const p = plan(SIX, { target: 'app', push: true, buildArgs: { V: '1 2' } });
        const deps = stage(p, 'deps');
        assert.deepEqual(deps.env, { DOCKER_BUILDKIT: '0' });
        assert.deepEqual(deps.pull, [`${REPO}:deps--classic`]);
        assert.deepEqual(deps.argv, [
            'build', '--force-rm', '-f', 'Dockerfile', '--target', 'deps', '--build-arg', 'V=1 2',
            '--cache-from', `${REPO}:base--classic`, '--cache-from', `${REPO}:deps--classic`,
            '-t', `${REPO}:deps--classic`, '.',
        ]);
        assert.deepEqual(deps.push, [`${REPO}:deps--classic`]);
        assert.deepEqual(deps.args, deps.argv.slice(0, -3), 'args: argv without -t and the context');
    });

    it('classic stubs the stages a stage does not need (classic runs every earlier stage)', () => {
        const p = plan(SIX, { target: 'app' });
        const build = stage(p, 'build');
        assert.equal(build.dockerfile, '/c/dockerfiles/build.Dockerfile');
        assert.equal(build.derived, true);
        const file = p.files.find((f) => f.path === build.dockerfile);
        assert.ok(file);
        const lines = file.content.split('\n');
        const six = SIX.split('\n');
        assert.equal(lines.slice(0, 15).filter((l, k) => l !== six[k] && l !== '' && !l.startsWith('FROM scratch')).length, 0, 'lines keep their numbers');
        assert.equal(lines[14], '', 'the file ends after the build stage: classic stops at its target');
        assert.ok(lines.length <= 16, lines.join('|'));
        assert.equal(lines[8], 'FROM scratch AS unused');
        assert.equal(lines[9], '', 'RUN echo UNUSED is gone');
        assert.equal(lines[10], '');
        assert.equal(lines[11], 'FROM deps AS build', 'kept stages keep their lines');
        assert.ok(!file.content.includes('UNUSED') && !file.content.includes('make test'));
        assert.equal(stage(p, 'deps').derived, false, 'nothing before deps to stub: the user\'s file');
        const app = stage(p, 'app');
        assert.ok(p.files.find((f) => f.path === app.dockerfile)?.content.includes('FROM scratch AS test'), 'stages before app it does not need are stubbed');
    });

    it('buildkit with a registry: inline cache, no pulls, every stage image a source, missing refs left out', () => {
        const missing = new Set([`${REPO}:build--buildkit`]);
        const p = plan(SIX, { target: 'app', backend: 'buildkit', push: true }, { missingRefs: missing });
        const build = stage(p, 'build');
        assert.equal(build.derived, false, 'BuildKit skips unneeded stages itself');
        assert.deepEqual(build.env, { DOCKER_BUILDKIT: '1' });
        assert.deepEqual(build.pull, []);
        assert.deepEqual(build.argv, [
            'build', '--progress=plain', '-f', 'Dockerfile', '--target', 'build', '--build-arg', 'BUILDKIT_INLINE_CACHE=1',
            '--cache-from', `${REPO}:base--buildkit`, '--cache-from', `${REPO}:deps--buildkit`, '--cache-from', `${REPO}:app--buildkit`,
            '-t', `${REPO}:build--buildkit`, '.',
        ]);
        // The target's build runs first and checks every stage: the latest stages' images first, its own last.
        assert.deepEqual(stage(p, 'app').cacheFrom, [`${REPO}:deps--buildkit`, `${REPO}:base--buildkit`, `${REPO}:app--buildkit`]);
    });

    it('per-branch tags fall back to the default branch', () => {
        const p = plan(SIX, { target: 'app', branch: 'Feature/Login', defaultBranch: 'main', push: true });
        const deps = stage(p, 'deps');
        assert.deepEqual(deps.pull, [`${REPO}:deps--classic--feature-login`, `${REPO}:deps--classic`]);
        assert.equal(deps.ref, `${REPO}:deps--classic--feature-login`);
        assert.deepEqual(deps.push, [deps.ref]);
        assert.deepEqual(deps.cacheFrom, [
            `${REPO}:base--classic--feature-login`, `${REPO}:base--classic`, `${REPO}:deps--classic--feature-login`, `${REPO}:deps--classic`,
        ]);
        const main = plan(SIX, { target: 'app', branch: 'main', defaultBranch: 'main' });
        assert.equal(stage(main, 'deps').ref, `${REPO}:deps--classic`, 'the default branch writes the plain tags');
    });

    it('no registry: local tags, no pulls, no cache-from, --push ignored with a note', () => {
        const p = plan(SIX, { target: 'app', cacheRepo: null, project: 'My App', push: true, backend: 'buildkit' });
        assert.equal(p.local, true);
        const deps = stage(p, 'deps');
        assert.equal(deps.ref, 'stagecraft-cache/my-app:deps--buildkit');
        assert.deepEqual([deps.pull, deps.cacheFrom, deps.push], [[], [], []]);
        assert.match(p.notes.join('\n'), /--push ignored/);
    });

    it('save-load: load before, one save of every stage image after, cache from the loaded tags', () => {
        const p = plan(SIX, { target: 'app', cacheRepo: null, backend: 'save-load', project: 'app' });
        assert.equal(p.tarball, '/c/stagecraft-cache.tar');
        assert.deepEqual(p.setup.map((c) => c.argv), [['load', '-i', '/c/stagecraft-cache.tar']]);
        assert.deepEqual(p.teardown.map((c) => c.argv), [['save', '-o', '/c/stagecraft-cache.tar.tmp',
            'stagecraft-cache/app:base--classic', 'stagecraft-cache/app:deps--classic', 'stagecraft-cache/app:build--classic', 'stagecraft-cache/app:app--classic']]);
        assert.deepEqual(stage(p, 'deps').cacheFrom, ['stagecraft-cache/app:base--classic', 'stagecraft-cache/app:deps--classic']);
        assert.deepEqual(stage(p, 'deps').env, { DOCKER_BUILDKIT: '0' });
    });

    it('buildx, registry: one build of the target; image and cache under different tags; only refs that exist are read', () => {
        const p = plan(SIX, { target: 'app', backend: 'buildx', push: true });
        const app = stage(p, 'app');
        assert.deepEqual(p.buildx?.candidates, [`${REPO}:app--buildx-cache`]);
        assert.equal(p.buildx?.writes, `${REPO}:app--buildx-cache`);
        assert.deepEqual(app.argv, [
            'buildx', 'build', '--progress=plain', '-f', 'Dockerfile', '--target', 'app',
            '--cache-from', `type=registry,ref=${REPO}:app--buildx-cache`,
            '--cache-to', `type=registry,ref=${REPO}:app--buildx-cache,mode=max,compression=zstd,ignore-error=true`,
            '--push', '-t', `${REPO}:app--buildx`, '.',
        ]);
        assert.deepEqual(app.env, {}, 'no DOCKER_BUILDKIT, no inline cache argument');
        assert.deepEqual(app.push, [`${REPO}:app--buildx`]);
        assert.deepEqual(stage(p, 'deps').push, [], 'the other stages live in the one build\'s cache');
        const first = plan(SIX, { target: 'app', backend: 'buildx', push: true }, { missingRefs: new Set([`${REPO}:app--buildx-cache`]) });
        assert.ok(!stage(first, 'app').argv.includes('--cache-from'), 'a first run reads no cache: no error block');
    });

    it('buildx: --load only when asked or without --push; without --push nothing is exported', () => {
        const local = stage(plan(SIX, { target: 'app', backend: 'buildx' }), 'app');
        assert.ok(local.argv.includes('--load') && !local.argv.includes('--push') && !local.argv.includes('--cache-to'));
        assert.ok(stage(plan(SIX, { target: 'app', backend: 'buildx', push: true, load: true }), 'app').argv.includes('--load'));
    });

    it('buildx, branch: writes its own tags, reads its own cache then the default branch\'s; another target reads the main target\'s cache too', () => {
        const p = plan(SIX, { target: 'build', backend: 'buildx', push: true, branch: 'Feature/Login', defaultBranch: 'main' });
        assert.deepEqual(p.buildx?.candidates, [
            `${REPO}:build--buildx-cache--feature-login`, `${REPO}:build--buildx-cache`,
            `${REPO}:app--buildx-cache--feature-login`, `${REPO}:app--buildx-cache`,
        ]);
        assert.equal(p.buildx?.writes, `${REPO}:build--buildx-cache--feature-login`);
        assert.equal(stage(p, 'build').ref, `${REPO}:build--buildx--feature-login`);
    });

    it('buildx, local and gha cache: one directory or scope per target; local writes beside and replaces', () => {
        const local = plan(SIX, { target: 'app', backend: 'buildx', cacheRepo: null, cacheDirGiven: true });
        assert.equal(local.buildx?.type, 'local');
        assert.deepEqual(stage(local, 'app').cacheFrom, ['type=local,src=/c/buildx/app']);
        assert.ok(stage(local, 'app').argv.includes('type=local,dest=/c/buildx/app.new,mode=max,compression=zstd,ignore-error=true'));
        const gha = plan(SIX, { target: 'app', backend: 'buildx', buildxCache: 'gha' });
        assert.deepEqual(stage(gha, 'app').cacheFrom, ['type=gha,scope=stagecraft-app-app']);
        assert.ok(stage(gha, 'app').argv.includes('type=gha,scope=stagecraft-app-app,mode=max,compression=zstd,ignore-error=true'));
        const none = plan(SIX, { target: 'app', backend: 'buildx', cacheRepo: null });
        assert.equal(none.buildx?.type, 'none', 'no registry, no cache dir: the engine\'s own cache');
        assert.ok(!stage(none, 'app').argv.includes('--cache-from'));
        assert.throws(() => plan(SIX, { backend: 'buildx', cacheRepo: null, buildxCache: 'registry' }), /needs --cache-repo/);
    });

    it('unnamed stages get a stable name and a derived file that names them', () => {
        const p = plan(UNNAMED, { target: 'final', backend: 'buildkit' });
        const s1 = stage(p, '#1');
        assert.equal(s1.key, 'stage-1');
        assert.equal(s1.targetName, 'stage-1');
        assert.equal(s1.ref, `${REPO}:stage-1--buildkit`);
        const content = p.files.find((f) => f.path === s1.dockerfile)?.content ?? '';
        assert.equal(content.split('\n')[2], 'FROM busybox AS stage-1');
        assert.equal(stage(p, 'A').key, 'a', 'keys are lower-case');
    });

    it('extra tags go on the target only', () => {
        const p = plan(SIX, { target: 'app', tags: ['myapp:1.0'], push: true });
        assert.deepEqual(stage(p, 'app').argv.slice(-5), ['-t', `${REPO}:app--classic`, '-t', 'myapp:1.0', '.']);
        assert.deepEqual(stage(p, 'app').push, [`${REPO}:app--classic`, 'myapp:1.0']);
        assert.deepEqual(stage(p, 'deps').tags, []);
    });
});

describe('planBuild: user mistakes fail with the stage, the line and what to do', () => {
    const cases: Array<{ name: string; run: () => unknown; error: RegExp }> = [
        { name: 'forward reference on classic', run: () => plan(FORWARD, { target: 'app' }), error: /stage app, line 2: "later" refers to a stage defined later.*--backend buildkit/ },
        { name: 'unknown target lists the stages', run: () => plan(SIX, { target: 'nope' }), error: /nope.*stages: base, deps, unused, build, test, app/ },
        { name: 'no FROM', run: () => plan('RUN x\n', {}), error: /no FROM/ },
        { name: 'bad cache repo', run: () => plan(SIX, { cacheRepo: 'Reg.example/UPPER' }), error: /not a valid repository name component/ },
        { name: 'cache repo with a tag', run: () => plan(SIX, { cacheRepo: 'reg.example/app:latest' }), error: /without a tag/ },
        { name: 'stage name docker refuses', run: () => plan('FROM busybox AS a;b\n', {}), error: /stage name "a;b" \(line 1\) is not valid/ },
    ];
    for (const c of cases) {
        it(c.name, () => { assert.throws(c.run, (e: Error) => e instanceof PlanError && c.error.test(e.message)); });
    }
    it('forward reference is fine on BuildKit', () => {
        assert.deepEqual(plan(FORWARD, { target: 'app', backend: 'buildkit' }).stages.map((s) => s.label), ['later', 'app']);
    });
});

describe('names', () => {
    const cases: Array<[string, string]> = [['Deps', 'deps'], ['my_stage.v2', 'my_stage.v2'], ['-x', 'x'], ['a/b c', 'a-b-c'], ['', 'x811c9dc5']];
    for (const [input, out] of cases) { it(`tagSafe(${JSON.stringify(input)})`, () => { assert.equal(tagSafe(input), out); }); }
    it('long names are cut with a hash and stay valid', () => {
        const t = cacheTag('s'.repeat(200), 'buildkit', 'b'.repeat(200));
        assert.ok(t.length <= 128 && /^[a-z0-9_][a-z0-9_.-]*$/.test(t), t);
        assert.notEqual(cacheTag('s'.repeat(200) + 'a', 'classic', null), cacheTag('s'.repeat(200) + 'b', 'classic', null));
    });
    it('stage keys are unique', () => {
        assert.deepEqual(stageKeys([{ index: 0, name: 'stage-1' }, { index: 1, name: null }, { index: 2, name: 'X' }]), ['stage-1', 'stage-1-1', 'x']);
    });
    it('checkRepo', () => {
        assert.equal(checkRepo('127.0.0.1:5000/a/b'), null);
        assert.equal(checkRepo('localhost/a'), null);
        assert.equal(checkRepo('ghcr.io/org/app-cache'), null);
        assert.match(checkRepo('a@sha256:00') ?? '', /digest/);
    });
    it('derived files keep CRLF line endings and line numbers', () => {
        const text = 'FROM a AS x\r\nRUN 1\r\nFROM b\r\nRUN 2\r\n';
        const a = analyze(text);
        const out = deriveDockerfile({ text, stages: a.stages, keep: new Set([1]), names: new Map([[1, 'stage-1']]) });
        assert.equal(out, 'FROM scratch AS x\r\n\r\nFROM b AS stage-1\r\nRUN 2\r\n');
    });
});

describe('chooseBackend: what auto picks on each engine, and what a choice that cannot run says', () => {
    const e20 = { clientVersion: '20.10.24+dfsg1', serverVersion: '20.10.24+dfsg1', buildkit: true, buildx: false, buildxDriver: null, containerdStore: false };
    const e26 = { clientVersion: '26.1.5+dfsg1', serverVersion: '26.1.5+dfsg1', buildkit: true, buildx: true, buildxDriver: 'docker', containerdStore: true };
    const e26overlay = { ...e26, containerdStore: false };
    const e26container = { ...e26overlay, buildxDriver: 'docker-container' };
    const static28 = { ...e26, clientVersion: '28.2.2', buildkit: false, buildx: false, buildxDriver: null };
    const static28overlay = { ...static28, containerdStore: false };
    const repo = { cacheRepo: 'r/x', cacheDirGiven: false };
    const dir = { cacheRepo: null, cacheDirGiven: true };
    const none = { cacheRepo: null, cacheDirGiven: false };
    type Case = [string, Parameters<typeof chooseBackend>, string, 'ok' | RegExp, RegExp?];
    const cases: Case[] = [
        ['20.10 + registry -> classic (as before)', ['auto', repo, e20], 'classic', 'ok'],
        ['20.10 + cache dir -> save-load', ['auto', dir, e20], 'save-load', 'ok'],
        ['20.10, nothing -> buildkit', ['auto', none, e20], 'buildkit', 'ok'],
        ['20.10 client with BuildKit unusable -> classic', ['auto', none, { ...e20, buildkit: false }], 'classic', 'ok'],
        ['26 + containerd store + registry -> buildx', ['auto', repo, e26], 'buildx', 'ok'],
        ['26 + containerd store + cache dir -> buildx (local cache)', ['auto', dir, e26], 'buildx', 'ok'],
        ['26 + containerd store, nothing -> buildx', ['auto', none, e26], 'buildx', 'ok'],
        ['26 docker driver, no store + registry -> buildkit, with how to turn the store on', ['auto', repo, e26overlay], 'buildkit', 'ok', /containerd-snapshotter/],
        ['26 docker-container builder, no store -> buildx', ['auto', repo, e26container], 'buildx', 'ok'],
        ['28 client without buildx, containerd store, registry -> exit 3, install buildx', ['auto', repo, static28], 'classic', /install the buildx plugin/],
        ['28 client without buildx, overlay2, registry -> classic, with advice', ['auto', repo, static28overlay], 'classic', 'ok', /buildx plugin/],
        ['28 client without buildx, containerd store, no registry -> classic', ['auto', none, static28], 'classic', 'ok'],
        ['plan (no engine facts) -> buildx', ['auto', repo, null], 'buildx', 'ok'],
        ['buildkit requested, unusable -> error', ['buildkit', none, static28], 'buildkit', /buildx plugin/],
        ['buildx requested, missing -> error', ['buildx', repo, e20], 'buildx', /not installed/],
        ['buildx + registry on the docker driver without the store -> error naming the store', ['buildx', repo, e26overlay], 'buildx', /containerd image store/],
        ['buildx without cache on the docker driver without the store -> fine', ['buildx', none, e26overlay], 'buildx', 'ok'],
        ['classic + registry on the containerd store -> error naming buildx', ['classic', repo, e26], 'classic', /failed to restore cached image/],
        ['classic without a registry on the containerd store -> fine', ['classic', none, e26], 'classic', 'ok'],
        ['plan (no engine facts) -> buildkit allowed', ['buildkit', none, null], 'buildkit', 'ok'],
    ];
    for (const [name, args, backend, error, advice] of cases) {
        it(name, () => {
            const d = chooseBackend(...args);
            assert.equal(d.backend, backend);
            if (error === 'ok') { assert.equal(d.error, null, d.error ?? ''); } else { assert.match(d.error ?? '', error); }
            if (advice) { assert.match(d.advice ?? '', advice); }
        });
    }
});
