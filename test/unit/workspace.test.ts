/**
 * The workspace readers (compose, Bake HCL and JSON, GitHub and GitLab CI, Makefiles) and the
 * index: which Dockerfile each build names and the exact range of its stage name.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import { WorkspaceIndex, fileUri, parseBuildFile, relativePath, stageBuilds, type BuildRef } from '../../server/src/analysis/workspace';
import { dockerBuild, shellCommands } from '../../server/src/analysis/workspace/shell';
import fc from 'fast-check';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');
const ROOT = 'file:///ws';
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

function builds(file: string, text: string): BuildRef[] {
    const parsed = parseBuildFile(`${ROOT}/${file}`, text);
    assert.ok(parsed, `${file} is a build file`);
    return parsed.builds;
}
/** `[owner, Dockerfile path under /ws, target]` rows. */
const rows = (bs: BuildRef[]) => bs.map((b) => [b.owner, b.dockerfile?.replace(ROOT, '') ?? null, b.target]);
/** The text each target range covers. */
const covered = (text: string, bs: BuildRef[]) => bs.map((b) => {
    if (!b.targetRange) return null;
    const lines = text.split('\n');
    const { start, end } = b.targetRange;
    assert.equal(start.line, end.line);
    return lines[start.line]!.slice(start.character, end.character);
});

describe('compose files', () => {
    it('short and long build syntax, merge keys, paths relative to the file and the context', () => {
        const text = 'x: &b\n  context: app\nservices:\n  api:\n    build:\n      <<: *b\n      target: runtime\n  web:\n    build: ./web\n  db:\n    image: postgres\n  tools:\n    build:\n      context: ../tools\n      dockerfile: build/Dockerfile.dev\n      target: "dev"\n';
        const bs = builds('sub/compose.yaml', text);
        assert.deepEqual(rows(bs), [
            ['compose service api', '/sub/app/Dockerfile', 'runtime'],
            ['compose service web', '/sub/web/Dockerfile', null],
            ['compose service tools', '/tools/build/Dockerfile.dev', 'dev'],
        ]);
        assert.deepEqual(covered(text, bs), ['runtime', null, 'dev']);
        assert.deepEqual(bs[0]!.targetRange, r(6, 14, 6, 21));
    });

    it('a target with a variable is kept but never edited; an empty target is a place to type one', () => {
        const text = 'services:\n  a:\n    build:\n      context: .\n      target: ${STAGE:-app}\n  b:\n    build:\n      context: .\n      target:\n';
        const bs = builds('docker-compose.yml', text);
        assert.equal(bs[0]!.literal, false);
        assert.equal(bs[0]!.targetRange, null);
        assert.equal(bs[1]!.target, null);
        assert.deepEqual(bs[1]!.targetSlot, r(8, 13, 8, 13));
    });

    it('dockerfile_inline and remote contexts are notes, not builds of a file', () => {
        const parsed = parseBuildFile(`${ROOT}/compose.yml`, 'services:\n  a:\n    build:\n      dockerfile_inline: FROM alpine\n  b:\n    build: https://github.com/x/y.git#main\n')!;
        assert.deepEqual(parsed.notes.map((n) => n.code), ['inline-dockerfile', 'unresolved-dockerfile']);
        assert.deepEqual(rows(parsed.builds), [['compose service b', null, null]]);
    });

    it('broken YAML gives a note and what could be read', () => {
        const parsed = parseBuildFile(`${ROOT}/compose.yaml`, 'services:\n  a:\n    build: .\n  b: [\n')!;
        assert.equal(parsed.notes[0]?.code, 'parse-error');
        assert.deepEqual(rows(parsed.builds), [['compose service a', '/Dockerfile', null]]);
    });
});

describe('Bake files', () => {
    it('HCL: inherits in order, own attributes last; context relative to the file, dockerfile to the context', () => {
        const text = 'target "_c" {\n  context = "svc"\n  dockerfile = "build.Dockerfile"\n}\ntarget "app" {\n  inherits = ["_c"]\n  target = "runtime"\n}\ntarget "t" {\n  inherits = ["app"]\n  target = "test"\n}\ntarget "v" {\n  target = "${STAGE}"\n}\n';
        const bs = builds('docker-bake.hcl', text);
        assert.deepEqual(rows(bs), [
            ['bake target _c', '/svc/build.Dockerfile', null],
            ['bake target app', '/svc/build.Dockerfile', 'runtime'],
            ['bake target t', '/svc/build.Dockerfile', 'test'],
            ['bake target v', '/Dockerfile', '${STAGE}'],
        ]);
        assert.deepEqual(covered(text, bs), [null, 'runtime', 'test', null]);
        assert.equal(bs[3]!.literal, false);
    });

    it('HCL: an inline Dockerfile is a note; a half-typed file still gives its targets', () => {
        const parsed = parseBuildFile(`${ROOT}/docker-bake.hcl`, 'target "a" {\n  dockerfile-inline = "FROM alpine"\n}\ntarget "b" {\n  target = \n}\n')!;
        assert.ok(parsed.notes.some((n) => n.code === 'inline-dockerfile'));
        assert.deepEqual(rows(parsed.builds), [['bake target b', '/Dockerfile', null]]);
    });

    it('JSON: the same, with exact ranges', () => {
        const text = '{\n\t"target": {\n\t\t"app": { "context": "svc", "target": "runtime" }\n\t}\n}\n';
        const bs = builds('docker-bake.json', text);
        assert.deepEqual(rows(bs), [['bake target app', '/svc/Dockerfile', 'runtime']]);
        assert.deepEqual(covered(text, bs), ['runtime']);
    });
});

describe('CI files and Makefiles', () => {
    it('GitHub: build-push-action (file relative to the repository root) and docker build in run:', () => {
        const text = 'jobs:\n  img:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: svc\n          file: svc/Dockerfile.prod\n          target: app\n      - run: docker buildx build --target=test svc\n      - working-directory: tools\n        run: |\n          echo start\n          docker build \\\n            -f ci.Dockerfile --target "lint" . && echo done\n      - run: docker build --target "$T" .\n';
        const bs = builds('.github/workflows/ci.yml', text);
        assert.deepEqual(rows(bs), [
            ['workflow ci.yml job img', '/svc/Dockerfile.prod', 'app'],
            ['workflow ci.yml job img', '/svc/Dockerfile', 'test'],
            ['workflow ci.yml job img', '/tools/ci.Dockerfile', 'lint'],
            ['workflow ci.yml job img', '/Dockerfile', '$T'],
        ]);
        assert.deepEqual(covered(text, bs), ['app', 'test', 'lint', null]);
    });

    it('GitLab: script lines of every job', () => {
        const text = 'stages: [build]\nimage-job:\n  script:\n    - docker build --target app -t x .\n    - "podman build --target=test ."\n';
        const bs = builds('.gitlab-ci.yml', text);
        assert.deepEqual(rows(bs), [['GitLab job image-job', '/Dockerfile', 'app'], ['GitLab job image-job', '/Dockerfile', 'test']]);
        assert.deepEqual(covered(text, bs), ['app', 'test']);
    });

    it('Makefile: recipe lines with continuations, make variables skipped', () => {
        const text = '.PHONY: image\nimage:\n\t@docker build \\\n\t\t--target app \\\n\t\t-f docker/Dockerfile .\ntest:\n\tdocker build --target $(STAGE) .\n';
        const bs = builds('Makefile', text);
        assert.deepEqual(rows(bs), [['make target image', '/docker/Dockerfile', 'app'], ['make target test', '/Dockerfile', '$(STAGE)']]);
        assert.deepEqual(covered(text, bs), ['app', null]);
    });

    it('the shell word splitter: quotes, substitutions, operators, redirections', () => {
        const text = `FOO=1 sudo docker --context ci build --build-arg "A=$(date)" -t 'x y' --target=app . > log; docker build --target b -`;
        const cmds = shellCommands(text).map((w) => dockerBuild(w, text));
        assert.equal(cmds.length, 2);
        assert.equal(cmds[0]!.tool, 'docker build');
        assert.equal(cmds[0]!.target!.value, 'app');
        assert.equal(text.slice(cmds[0]!.target!.exact!.start, cmds[0]!.target!.exact!.end), 'app');
        assert.equal(cmds[0]!.context!.value, '.', 'the redirection target is not a second context');
        assert.equal(cmds[1]!.context!.value, '-');
        assert.equal(dockerBuild(shellCommands('docker compose build api')[0]!, ''), null);
    });
});

describe('the workspace index', () => {
    it('parses a file once per change of its text and groups builds by Dockerfile', () => {
        const index = new WorkspaceIndex();
        const compose = 'services:\n  a:\n    build: .\n';
        assert.equal(index.set(`${ROOT}/compose.yaml`, compose), true);
        assert.equal(index.set(`${ROOT}/compose.yaml`, compose), false);
        assert.equal(index.set(`${ROOT}/notes.md`, '# x'), false, 'not a build file');
        assert.equal(index.parses, 1);
        index.set(`${ROOT}/docker-bake.hcl`, 'target "t" {\n  target = "x"\n}\n');
        assert.deepEqual(index.buildsOf(`${ROOT}/Dockerfile`).map((b) => b.owner), ['compose service a', 'bake target t']);
        index.set(`${ROOT}/compose.yaml`, 'services: {}\n');
        assert.equal(index.parses, 3);
        assert.deepEqual(index.buildsOf(`${ROOT}/Dockerfile`).map((b) => b.owner), ['bake target t']);
        index.delete(`${ROOT}/docker-bake.hcl`);
        assert.deepEqual(index.buildsOf(`${ROOT}/Dockerfile`), []);
    });

    it('URIs compare in one spelling: an encoded path resolved from a relative one matches the editor\'s', () => {
        const index = new WorkspaceIndex();
        index.set(fileUri('/my ws/compose.yaml'), 'services:\n  a:\n    build:\n      context: "sub dir"\n');
        assert.equal(index.buildsOf('file:///my%20ws/sub%20dir/Dockerfile').length, 1);
        assert.equal(relativePath('file:///my%20ws/sub%20dir', fileUri('/my ws/compose.yaml')), '../compose.yaml');
    });

    it('which builds build and need each stage of the fixture', () => {
        const index = new WorkspaceIndex();
        for (const f of ['compose.yaml', 'docker-bake.hcl', 'docker-bake.json', '.github/workflows/ci.yml']) {
            index.set(fileUri(path.join(FIXTURE, f)), fs.readFileSync(path.join(FIXTURE, f), 'utf8'));
        }
        const analysis = analyze(fs.readFileSync(path.join(FIXTURE, 'Dockerfile'), 'utf8'));
        const usage = stageBuilds(analysis, index.buildsOf(fileUri(path.join(FIXTURE, 'Dockerfile'))));
        const names = analysis.stages.map((s) => s.name);
        assert.deepEqual(names, ['base', 'deps', 'build', 'test', 'debug', 'app']);
        const owners = (bs: BuildRef[]) => bs.map((b) => b.owner);
        assert.deepEqual(owners(usage.builtBy[5]!), ['compose service api', 'compose service worker', 'bake target _common', 'bake target release', 'workflow ci.yml job image']);
        assert.deepEqual(owners(usage.builtBy[3]!), ['compose service tests', 'bake target ci-test', 'workflow ci.yml job image']);
        assert.deepEqual(owners(usage.builtBy[2]!), ['bake target compile']);
        assert.deepEqual(usage.neededBy[4], [], 'debug: nothing builds it');
        assert.equal(usage.neededBy[0]!.length, 9, 'base: every build of this Dockerfile that names a stage needs it (not the typo tset)');
    });
});

describe('the readers on broken input (property test, seeded)', () => {
    const FILES = ['compose.yaml', 'docker-bake.hcl', 'docker-bake.json', '.github/workflows/ci.yml'];
    const corpus = FILES.map((f) => [f, fs.readFileSync(path.join(FIXTURE, f), 'utf8')] as const);
    const SNIPPETS = ['target: ', 'target = "', '"', "'", '{', '}', '[', ']', '\n', '  ', '\t', '<<: *go', '&x ', '*x', '${X}', '$', '\\\n', '#', ': ', '=', '- run: docker build --target ', 'é', '\r\n'];
    const mutation = fc.record({ at: fc.nat(), del: fc.nat({ max: 30 }), insert: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 })) });

    it('never throw, never leave a note of a reader\'s own bug, and every range is inside the text', () => {
        fc.assert(fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { maxLength: 6 }), (i, muts) => {
            const [file, original] = corpus[i]!;
            let text = original;
            for (const m of muts) {
                const at = m.at % (text.length + 1);
                text = text.slice(0, at) + m.insert + text.slice(at + m.del);
            }
            const parsed = parseBuildFile(`${ROOT}/${file}`, text)!;
            assert.ok(!parsed.notes.some((n) => n.message.startsWith('Stagecraft could not read this file')), JSON.stringify(parsed.notes));
            const lines = text.split(/\r\n|\r|\n/);
            const inside = (rg: { start: { line: number; character: number }; end: { line: number; character: number } } | null) => {
                if (!rg) return;
                for (const p of [rg.start, rg.end]) assert.ok(p.line < lines.length && p.character <= lines[p.line]!.length, `${JSON.stringify(rg)} outside the text`);
            };
            for (const b of parsed.builds) {
                [b.targetRange, b.targetSlot, b.dockerfileRange].forEach(inside);
                if (b.targetRange) {
                    const { start, end } = b.targetRange;
                    assert.equal(start.line, end.line);
                    assert.equal(lines[start.line]!.slice(start.character, end.character), b.target, 'the range covers exactly the name');
                }
            }
            parsed.notes.forEach((n) => inside(n.range));
        }), { numRuns: 1500, seed: 17 });
    });
});
