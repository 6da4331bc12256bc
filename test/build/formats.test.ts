/**
 * Plan formats (shell, json, github, gitlab) and the readers of docker's output. Pure.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { analyze } from '../../server/src/analysis';
import { formatPlan, shQuote } from '../../server/src/plan/formats';
import { cacheState, lineOf, parseBuildkit, parseBuildkitStages, parseClassic } from '../../server/src/plan/output';
import { type Plan, type PlanOptions, planBuild } from '../../server/src/plan/plan';
import { classifyRegistryError, summaryTable } from '../../server/src/runner/run';
import { parseRef } from '../../server/src/runner/registry';
import { SIX } from './fixtures';


function plan(opts: Partial<PlanOptions>): Plan {
    const a = analyze(SIX, { target: 'app', buildArgs: opts.buildArgs });
    return planBuild(a, SIX, { dockerfile: 'Dockerfile', context: '.', backend: 'classic', cacheRepo: '127.0.0.1:5000/app/cache', project: 'app', cacheDir: '/tmp/sc', ...opts });
}

const NASTY = [`it's`, '$(touch /tmp/x)', '`id`', 'a b\tc', '"q"', '\\', '; rm -rf /', '', 'x\ny', '*', '~', '#'];

describe('shell quoting', () => {
    for (const word of NASTY) {
        it(`round-trips ${JSON.stringify(word)} through sh`, () => {
            const r = spawnSync('sh', ['-c', `printf '%s' ${shQuote(word)}`], { encoding: 'utf8' });
            assert.equal(r.stdout, word);
        });
    }
});

describe('plan formats', () => {
    const backends = [
        { backend: 'classic' as const, push: true },
        { backend: 'buildkit' as const, push: true, branch: 'feat/x', defaultBranch: 'main' },
        { backend: 'save-load' as const, cacheRepo: null },
        { backend: 'buildx' as const, push: true },
        { backend: 'buildx' as const, buildxCache: 'gha' as const },
        { backend: 'buildx' as const, cacheRepo: null, cacheDirGiven: true },
    ];
    for (const b of backends) {
        const variant = `${b.backend}${b.backend === 'buildx' ? `, ${b.buildxCache ?? (b.cacheRepo === null ? 'local' : 'registry')}` : ''}`;
        it(`github (${variant}) is a valid steps list`, () => {
            const p = plan({ ...b, buildArgs: { NOTE: `it's "$(x)"` } });
            const steps = parse(formatPlan(p, 'github')) as unknown;
            assert.ok(Array.isArray(steps) && steps.length >= (p.buildx !== null ? 2 : p.stages.length), 'a YAML sequence');
            for (const s of steps as Record<string, unknown>[]) {
                assert.equal(typeof s.name, 'string');
                assert.ok(typeof s.run === 'string' || typeof s.uses === 'string', JSON.stringify(s));
                assert.ok(Object.keys(s).every((k) => ['name', 'run', 'uses', 'with', 'env', 'shell'].includes(k)), Object.keys(s).join());
            }
            const runs = (steps as { run?: string }[]).map((s) => s.run ?? '').join('\n');
            for (const st of p.buildx !== null ? [p.stages[p.stages.length - 1]] : p.stages) { assert.ok(runs.includes(`--target ${st.targetName}`), st.label); }
            if (p.buildx !== null) { assert.equal(runs.match(/docker buildx build /g)?.length, 1, 'one build of the target'); }
            assert.ok(!runs.includes('UNUSED') && !runs.includes('make test'), 'unneeded stages are not built');
            if (b.backend === 'classic') {
                assert.deepEqual((steps as { env?: Record<string, string> }[]).find((s) => s.env)?.env, { DOCKER_BUILDKIT: '0' });
            }
            if (b.backend === 'save-load') { assert.ok((steps as { uses?: string }[]).some((s) => s.uses === 'actions/cache@v4')); }
        });
        it(`gitlab (${variant}) is a valid job`, () => {
            const doc = parse(formatPlan(plan(b), 'gitlab')) as Record<string, { script: string[]; image: string }>;
            const job = doc['stagecraft-build'] as unknown as { script: string[]; image: string; before_script?: string[] };
            assert.ok(Array.isArray(job.script) && job.script.every((l) => typeof l === 'string'));
            if (b.backend === 'buildx') { assert.deepEqual(job.before_script, ['docker buildx create --use --driver docker-container'], 'dind\'s docker driver exports no cache'); }
            assert.ok(job.script.some((l) => l.includes('docker build') || l.includes('docker buildx build')));
        });
        it(`shell (${variant}) parses with sh -n`, () => {
            const r = spawnSync('sh', ['-n'], { input: formatPlan(plan({ ...b, buildArgs: { NOTE: NASTY.join('|') } }), 'shell'), encoding: 'utf8' });
            assert.equal(r.status, 0, r.stderr);
        });
    }
    it('json is the plan', () => {
        const p = plan({});
        assert.deepEqual(JSON.parse(formatPlan(p, 'json')), JSON.parse(JSON.stringify(p)));
    });
    it('shell: classic pulls tolerate a missing image with a one-line notice', () => {
        const text = formatPlan(plan({}), 'shell');
        assert.match(text, /docker pull -q 127\.0\.0\.1:5000\/app\/cache:deps--classic 2>\/dev\/null \|\| echo 'stagecraft: no cache image for stage deps yet/);
        assert.match(text, /^# not needed by the target, never built: unused, test$/m);
    });
});

describe('reading docker output', () => {
    const classic = [
        'Step 1/9 : FROM busybox AS base', ' ---> d1', 'Step 2/9 : WORKDIR /app', ' ---> Using cache', ' ---> d2',
        'Step 3/9 : FROM base AS deps', ' ---> d2', 'Step 4/9 : COPY manifest.txt ./', ' ---> Using cache', ' ---> d3',
        'Step 5/9 : RUN sleep 2', ' ---> Running in 0abc', 'Removing intermediate container 0abc', ' ---> d4',
        'Step 6/9 : FROM scratch AS unused', ' ---> ',
        'Step 7/9 : FROM deps AS build', ' ---> d4', 'Step 8/9 : COPY src/ ./src/', ' ---> e1',
        'Step 9/9 : RUN make', ' ---> Running in 1', 'make: *** no rule', "The command '/bin/sh -c make' returned a non-zero code: 2",
    ].join('\n');
    it('classic: steps of the built stage, cached or not', () => {
        assert.deepEqual(parseClassic(classic, 1).steps, [{ text: 'COPY manifest.txt ./', cached: true }, { text: 'RUN sleep 2', cached: false }]);
        assert.equal(cacheState(parseClassic(classic, 1)), 'partial');
        assert.equal(cacheState(parseClassic(classic, 0)), 'hit');
        assert.equal(cacheState({ steps: [] }), 'hit', 'a stage with nothing to build');
    });
    it('classic: the failing step and its stage', () => {
        const f = parseClassic(classic, 3).failure;
        assert.deepEqual(f, { stage: 3, stageLabel: null, text: 'RUN make', reason: "The command '/bin/sh -c make' returned a non-zero code: 2" });
    });
    const bk = [
        '#4 [base 1/2] FROM docker.io/library/busybox:1', '#4 DONE 0.0s',
        '#5 [base 2/2] WORKDIR /app', '#5 CACHED',
        '#7 [deps 1/2] COPY manifest.txt ./', '#7 CACHED',
        '#8 [deps 2/2] RUN sleep 2', '#8 DONE 2.4s',
        '#9 [build 2/2] RUN make', '#9 0.3 make: no rule', '#9 ERROR: executor failed running [/bin/sh -c make]: exit code: 2',
        '------', ' > [build 2/2] RUN make:', '------', 'error: failed to solve: executor failed running [/bin/sh -c make]: exit code: 2',
    ].join('\n');
    it('buildkit: steps of the named stage, CACHED or not', () => {
        assert.deepEqual(parseBuildkit(bk, 'deps').steps, [{ text: 'COPY manifest.txt ./', cached: true }, { text: 'RUN sleep 2', cached: false }]);
        assert.equal(cacheState(parseBuildkit(bk, 'BASE')), 'hit');
    });
    it('buildkit: one build of the target reports every stage it ran, unnamed ones as stage-N', () => {
        const out = [
            '#7 [base 1/2] FROM docker.io/stagecraft-test/busybox:1', '#7 DONE 0.0s',
            '#8 [base 2/2] WORKDIR /app', '#8 CACHED',
            '#12 [stage-2 1/2] COPY src/ ./src/', '#12 CACHED',
            '#11 [deps 2/2] RUN sleep 2 && mkdir -p /deps', '#11 CACHED',
            '#10 [deps 1/2] COPY manifest.txt ./', '#10 CACHED',
            '#13 [stage-2 2/2] RUN cat src/*.txt > /app/out.txt', '#13 DONE 0.4s',
            '#14 [app 1/1] COPY --from=2 /app/out.txt /app/out.txt', '#14 pulling sha256:4b6f done', '#14 DONE 0.1s',
            '#16 exporting to image', '#16 DONE 0.0s',
        ].join('\n');
        const stages = parseBuildkitStages(out);
        assert.deepEqual([...stages.keys()], ['base', 'stage-2', 'deps', 'app']);
        assert.equal(cacheState({ steps: stages.get('deps') ?? [] }), 'hit');
        assert.equal(cacheState({ steps: stages.get('stage-2') ?? [] }), 'partial');
        assert.equal(cacheState({ steps: stages.get('app') ?? [] }), 'miss');
        assert.deepEqual(stages.get('base'), [{ text: 'WORKDIR /app', cached: true }], 'FROM is not a step');
    });
    it('buildkit: the failing step', () => {
        assert.deepEqual(parseBuildkit(bk, 'build').failure, { stage: null, stageLabel: 'build', text: 'RUN make', reason: 'executor failed running [/bin/sh -c make]: exit code: 2' });
    });
    it('lineOf maps a step back to its line', () => {
        const a = analyze(SIX);
        const build = a.stages[3];
        assert.equal(lineOf(build, 'RUN make'), 14);
        assert.equal(lineOf(build, 'COPY   src/ ./src/'), 13);
        assert.equal(lineOf(build, null), 12);
    });
    it('registry errors in words', () => {
        assert.equal(classifyRegistryError('Error response from daemon: Head "http://127.0.0.1:5/v2/x/manifests/y": no basic auth credentials'), 'auth');
        assert.equal(classifyRegistryError('unauthorized: authentication required'), 'auth');
        assert.equal(classifyRegistryError('Error response from daemon: manifest for x:y not found: manifest unknown'), 'missing');
        assert.equal(classifyRegistryError('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused'), 'unreachable');
    });
    it('image refs', () => {
        assert.deepEqual(parseRef('127.0.0.1:5000/a/b:deps--classic'), { host: '127.0.0.1:5000', apiHost: '127.0.0.1:5000', repo: 'a/b', tag: 'deps--classic' });
        assert.deepEqual(parseRef('busybox'), { host: 'docker.io', apiHost: 'registry-1.docker.io', repo: 'library/busybox', tag: 'latest' });
        assert.deepEqual(parseRef('localhost/x:1'), { host: 'localhost', apiHost: 'localhost', repo: 'x', tag: '1' });
    });
    it('summary table', () => {
        const p = plan({});
        const t = summaryTable(p.stages.map((stage, i) => ({ stage, status: i === 0 ? 'hit' : i === 1 ? 'partial' : 'miss', cached: 1, steps: 2, seconds: 41.2, size: 2_000_000, pushed: 'yes', image: stage.ref })));
        assert.match(t, /^STAGE\s+CACHE\s+TIME\s+SIZE\s+PUSHED\s+IMAGE$/m);
        assert.match(t, /^deps\s+partial 1\/2\s+41 s\s+1\.9 MB\s+yes\s+127\.0\.0\.1:5000\/app\/cache:deps--classic$/m);
    });
});
