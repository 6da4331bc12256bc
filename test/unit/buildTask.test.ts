/**
 * The pure half of the editor's "Build with cache": settings and facts in, argv out.
 * Table-driven; no `vscode`, no file system, no processes.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
    buildCliArgs,
    buildProcess,
    chooseCliScript,
    chooseNodeRuntime,
    findOnPath,
    isBuildArgName,
    parseBackend,
    resolveContextDir,
    targetOf,
    taskLabel,
    withDockerPath,
    type BuildRequest,
} from '../../client/src/buildTask';
import { chooseServerModule, hasOtherDockerExtension } from '../../client/src/clientConfig';

const base: BuildRequest = {
    dockerfile: '/w/app/Dockerfile',
    stageName: 'deps',
    stageIndex: 1,
    contextDir: '/w/app',
};

describe('buildCliArgs', () => {
    const cases: Array<{ name: string; req: BuildRequest; argv: string[] }> = [
        {
            name: 'minimal: file, target name, context last',
            req: base,
            argv: ['build', '-f', '/w/app/Dockerfile', '--target', 'deps', '/w/app'],
        },
        {
            name: 'an unnamed stage is targeted by index',
            req: { ...base, stageName: null, stageIndex: 3 },
            argv: ['build', '-f', '/w/app/Dockerfile', '--target', '3', '/w/app'],
        },
        {
            name: 'a blank name counts as no name',
            req: { ...base, stageName: '  ', stageIndex: 0 },
            argv: ['build', '-f', '/w/app/Dockerfile', '--target', '0', '/w/app'],
        },
        {
            name: 'every option, in the agreed order',
            req: {
                ...base,
                cacheRepo: ' 127.0.0.1:5000/app/cache ',
                backend: 'classic',
                push: true,
                buildArgs: { GO_VERSION: '1.22', EMPTY: '' },
                platform: 'linux/arm64',
                report: '/storage/build-reports/0a1b.json',
            },
            argv: [
                'build', '-f', '/w/app/Dockerfile', '--target', 'deps',
                '--cache-repo', '127.0.0.1:5000/app/cache',
                '--backend', 'classic',
                '--push',
                '--build-arg', 'GO_VERSION=1.22',
                '--build-arg', 'EMPTY=',
                '--platform', 'linux/arm64',
                '--report', '/storage/build-reports/0a1b.json',
                '/w/app',
            ],
        },
        {
            name: 'auto backend, empty cache repo, no push, blank platform: left out',
            req: { ...base, cacheRepo: '', backend: 'auto', push: false, platform: ' ', buildArgs: {} },
            argv: ['build', '-f', '/w/app/Dockerfile', '--target', 'deps', '/w/app'],
        },
        {
            name: 'shell metacharacters stay inside one argument each',
            req: {
                ...base,
                dockerfile: '/w/my app/Dockerfile; rm -rf ~',
                stageName: 'a$(touch x)',
                contextDir: '/w/my app',
                buildArgs: { MSG: '`id` && echo "$HOME" | cat' },
            },
            argv: [
                'build', '-f', '/w/my app/Dockerfile; rm -rf ~', '--target', 'a$(touch x)',
                '--build-arg', 'MSG=`id` && echo "$HOME" | cat',
                '/w/my app',
            ],
        },
        {
            name: 'build-arg keys that are not ARG names are dropped, not passed on',
            req: { ...base, buildArgs: { 'A=B': 'x', '--push': 'y', OK_1: 'z' } },
            argv: ['build', '-f', '/w/app/Dockerfile', '--target', 'deps', '--build-arg', 'OK_1=z', '/w/app'],
        },
    ];
    for (const c of cases) {
        it(c.name, () => assert.deepEqual(buildCliArgs(c.req), c.argv));
    }
});

describe('small decisions', () => {
    it('targetOf', () => {
        assert.equal(targetOf('builder', 2), 'builder');
        assert.equal(targetOf(null, 2), '2');
        assert.equal(targetOf('', 0), '0');
    });
    it('isBuildArgName', () => {
        for (const ok of ['A', '_x', 'GO_VERSION', 'a1']) assert.equal(isBuildArgName(ok), true, ok);
        for (const bad of ['', '1A', 'A-B', 'A=B', ' A', '--x']) assert.equal(isBuildArgName(bad), false, bad);
    });
    it('parseBackend', () => {
        assert.equal(parseBackend('save-load'), 'save-load');
        assert.equal(parseBackend('buildx'), 'buildx');
        assert.equal(parseBackend('podman'), null);
        assert.equal(parseBackend(3), null);
        assert.equal(parseBackend(undefined), null);
    });
    it('taskLabel', () => {
        assert.equal(taskLabel('deps', 1, '/w/app/Dockerfile'), 'build deps (Dockerfile)');
        assert.equal(taskLabel(null, 0, '/w/app/api.Dockerfile'), 'build stage 0 (api.Dockerfile)');
    });
});

describe('resolveContextDir', () => {
    const cases: Array<[string, string | null | undefined, string | null, string]> = [
        ['/w/app/docker/Dockerfile', undefined, '/w', '/w/app/docker'],
        ['/w/app/docker/Dockerfile', '  ', '/w', '/w/app/docker'],
        ['/w/app/docker/Dockerfile', '.', '/w', '/w'],
        ['/w/app/docker/Dockerfile', 'app', '/w', '/w/app'],
        ['/w/app/docker/Dockerfile', '/abs/ctx/', '/w', '/abs/ctx/'],
        ['/w/app/docker/Dockerfile', '..', null, '/w/app'],
    ];
    for (const [file, setting, folder, expected] of cases) {
        it(`${file} + ${JSON.stringify(setting)} in ${folder} -> ${expected}`, () => {
            assert.equal(resolveContextDir(file, setting, folder), path.normalize(expected));
        });
    }
    it('understands Windows paths on any machine (forward slashes out; the client makes them native)', () => {
        assert.equal(resolveContextDir('C:\\w\\app\\Dockerfile', undefined, 'C:\\w'), 'C:/w/app');
        assert.equal(resolveContextDir('C:\\w\\app\\Dockerfile', 'ctx', 'C:\\w'), 'C:/w/ctx');
        assert.equal(resolveContextDir('C:\\w\\app\\Dockerfile', 'D:\\ctx', 'C:\\w'), 'D:/ctx');
        assert.equal(resolveContextDir('C:\\w\\app\\Dockerfile', '..', null), 'C:/w');
    });
});

describe('which script and which node', () => {
    const ext = '/ext';
    const only = (...files: string[]) => (f: string) => files.includes(f);

    it('the bundled CLI wins over bin/stagecraft.js (development)', () => {
        assert.equal(chooseCliScript(ext, only('/ext/dist/cli.js')), '/ext/dist/cli.js');
        assert.equal(chooseCliScript(ext, only()), '/ext/bin/stagecraft.js');
    });
    it('a configured CLI path wins over both', () => {
        assert.equal(chooseCliScript(ext, only('/ext/dist/cli.js'), '/usr/local/bin/stagecraft'), '/usr/local/bin/stagecraft');
        assert.equal(chooseCliScript(ext, only('/ext/dist/cli.js'), '  '), '/ext/dist/cli.js');
    });
    it('the bundled server wins over the compiled source', () => {
        assert.equal(chooseServerModule(ext, only('/ext/dist/server.js')), '/ext/dist/server.js');
        assert.equal(chooseServerModule(ext, only()), '/ext/out/server/src/lsp/server.js');
    });
    it('finds node on PATH, first match, skipping empty entries', () => {
        assert.equal(findOnPath('node', '/a::/b:/c', only('/b/node', '/c/node'), 'linux'), '/b/node');
        assert.equal(findOnPath('node', '/a', only(), 'linux'), null);
        assert.equal(findOnPath('node', undefined, only('/b/node'), 'linux'), null);
        assert.equal(findOnPath('node', 'C:\\a;C:\\n', only('C:\\n\\node.exe'), 'win32'), 'C:\\n\\node.exe');
    });
    it('node from PATH runs as is; the editor binary needs ELECTRON_RUN_AS_NODE', () => {
        assert.deepEqual(chooseNodeRuntime('/usr/bin/node', '/opt/code/code'), { command: '/usr/bin/node', env: {} });
        assert.deepEqual(chooseNodeRuntime(null, '/opt/code/code'), { command: '/opt/code/code', env: { ELECTRON_RUN_AS_NODE: '1' } });
    });
    it('a .js CLI runs under node; a binary runs directly', () => {
        const node = { command: '/usr/bin/node', env: {} };
        assert.deepEqual(buildProcess('/ext/dist/cli.js', node, ['build', '.']), {
            command: '/usr/bin/node',
            args: ['/ext/dist/cli.js', 'build', '.'],
            env: {},
        });
        assert.deepEqual(buildProcess('/usr/local/bin/stagecraft', node, ['build', '.']), {
            command: '/usr/local/bin/stagecraft',
            args: ['build', '.'],
            env: {},
        });
    });
});

describe('withDockerPath', () => {
    it('a configured docker client reaches the CLI as STAGECRAFT_DOCKER; blank means none', () => {
        assert.deepEqual(withDockerPath({ ELECTRON_RUN_AS_NODE: '1' }, '/usr/bin/docker'), { ELECTRON_RUN_AS_NODE: '1', STAGECRAFT_DOCKER: '/usr/bin/docker' });
        assert.deepEqual(withDockerPath({}, '  '), {});
        assert.deepEqual(withDockerPath({}, undefined), {});
    });
});

describe('other Docker extensions', () => {
    it('any one of the three counts', () => {
        for (const id of ['ms-azuretools.vscode-containers', 'ms-azuretools.vscode-docker', 'docker.docker']) {
            assert.equal(hasOtherDockerExtension((x) => x === id), true, id);
        }
        assert.equal(hasOtherDockerExtension((x) => x === 'redhat.vscode-yaml'), false);
        assert.equal(hasOtherDockerExtension(() => false), false);
    });
});
