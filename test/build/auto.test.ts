/**
 * `--backend auto` on each engine it can meet (private engines of this suite): it picks what wins
 * there and says why in one line, or says in one line what to install.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cli } from '../support/cli';
import { type Registry, startRegistry, tempDir } from '../support/docker';
import { type EngineKind, engineSkip, engineTitle, freshEngine, useEngine } from '../support/engines';
import { project } from './project';

/** The machine's docker client from 23 on without the buildx plugin (a static 28.x here). */
const STATIC_CLIENT = '/usr/local/bin/docker';

const CASES: [EngineKind, string, RegExp, RegExp | null][] = [
    ['docker26', 'buildx', /buildx can export cache here: one build of the target/, null],
    ['docker26-overlay2', 'buildkit', /the docker driver exports no cache without the containerd image store: per-stage inline cache/, /containerd-snapshotter/],
    ['docker20', 'classic', /Docker 20\.10\.\S+ with a cache registry: classic per-stage cache/, null],
];

describe('the engine suites empty only their own engines', () => {
    it('freshEngine refuses an engine this test process did not start (the default one, a developer\'s)', () => {
        const theirs = { ...useEngineOrFake(), host: 'unix:///var/run/docker.sock' };
        assert.throws(() => freshEngine(theirs), /empties only this test process's own private engines/);
    });
});

/** A private engine when one runs here; else a stand-in with the same shape (the guard needs no engine). */
function useEngineOrFake() {
    if (!engineSkip('docker26')) { return useEngine('docker26'); }
    return { kind: 'docker26' as const, title: '', host: '', bin: 'docker', env: () => process.env, docker: () => ({ code: 1, out: '' }), fresh: () => undefined };
}

describe('--backend auto on each engine', () => {
    let registry: Registry;
    before(async () => { registry = await startRegistry(); });
    after(async () => { await registry?.stop(); });

    for (const [kind, backend, why, advice] of CASES) {
        const skip = engineSkip(kind);
        it(`${engineTitle(kind)} with a cache registry: ${backend}, and why`, { skip }, async () => {
            const e = useEngine(kind);
            const r = await cli(['build', '-q', '--target', 'deps', '--cache-repo', `${registry.host}/auto-${kind}`, '.'], { cwd: project(), env: e.env() });
            assert.equal(r.code, 0, r.all);
            assert.match(r.stdout, new RegExp(`^stagecraft: target deps, backend ${backend} \\(`, 'm'));
            assert.match(r.stdout, why);
            if (advice) { assert.match(r.stderr, advice); }
        });
    }

    const noBuildx = !fs.existsSync(STATIC_CLIENT) ? `no docker client at ${STATIC_CLIENT}` : false;
    for (const [kind, expect] of [['docker26', 'exit3'], ['docker26-overlay2', 'classic']] as const) {
        const skip = engineSkip(kind) || noBuildx;
        it(`${engineTitle(kind)} a docker 28 client without buildx: ${expect === 'exit3' ? 'one line saying to install buildx, exit 3' : 'the classic builder, and how to get BuildKit'}`, { skip }, async () => {
            const e = useEngine(kind);
            // An empty client config: no buildx plugin for this client.
            const env = e.env({ STAGECRAFT_DOCKER: STATIC_CLIENT, DOCKER_CONFIG: tempDir('stagecraft-nobuildx-') });
            const r = await cli(['build', '-q', '--target', 'deps', '--cache-repo', `${registry.host}/nobx-${kind}`, '.'], { cwd: project(), env });
            if (expect === 'exit3') {
                assert.equal(r.code, 3, r.all);
                assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
                assert.match(r.stderr, /has no buildx plugin.*install the buildx plugin/);
            } else {
                assert.equal(r.code, 0, r.all);
                assert.match(r.stdout, /backend classic \(docker 28\.\S+ has no buildx plugin: the classic builder\)/);
                assert.match(r.stderr, /install the buildx plugin/);
            }
        });
    }
});
