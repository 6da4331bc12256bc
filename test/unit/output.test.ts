/**
 * Reading BuildKit's plain progress output: which stage and step failed. Real output shapes from
 * engine 20.10 (the engine tests run them for real; these pin the parsing).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseBuildkit, parseBuildkitStages } from '../../server/src/plan/output';

const HEAD = [
    '#5 [base 1/2] FROM docker.io/stagecraft-test/busybox:1',
    '#5 DONE 0.0s',
    '#6 [deps 1/2] COPY manifest.txt ./',
    '#6 CACHED',
    '#7 [build 1/2] COPY src/ ./src/',
    '#7 DONE 0.1s',
    '#8 [build 2/2] RUN echo compiling && exit 3 && cat src/*.txt /deps/manifest.txt > /app/out.txt',
];

describe('BuildKit output', () => {
    it('a failing step with its own ERROR line names the stage and the step', () => {
        const out = [...HEAD, '#8 0.301 compiling', '#8 ERROR: executor failed running [/bin/sh -c echo compiling && exit 3 && cat src/*.txt /deps/manifest.txt > /app/out.txt]: exit code: 3',
            'error: failed to solve: executor failed running [/bin/sh -c echo compiling && exit 3 && cat src/*.txt /deps/manifest.txt > /app/out.txt]: exit code: 3'].join('\n');
        const f = parseBuildkit(out, 'app').failure;
        assert.equal(f?.stageLabel, 'build');
        assert.match(f?.text ?? '', /^RUN echo compiling/);
    });

    it('a step that failed in another, concurrent build (no ERROR line here) is found from the solve error', () => {
        const out = [...HEAD, 'error: failed to solve: executor failed running [/bin/sh -c echo compiling && exit 3 && cat src/*.txt /deps/manifest.txt > /app/out.txt]: exit code: 3'].join('\n');
        const f = parseBuildkit(out, 'app').failure;
        assert.equal(f?.stageLabel, 'build');
        assert.match(f?.text ?? '', /^RUN echo compiling/);
        assert.match(f?.reason ?? '', /exit code: 3/);
    });

    it('a solve error that names no step of this output leaves the stage unknown', () => {
        const out = [...HEAD, 'error: failed to solve: failed to compute cache key: "/nope" not found: not found'].join('\n');
        const f = parseBuildkit(out, 'app').failure;
        assert.equal(f?.stageLabel, null);
        assert.match(f?.reason ?? '', /failed to compute cache key/);
    });

    it('an error outside every stage\'s steps (resolving a FROM image) is placed by BuildKit\'s Dockerfile excerpt', () => {
        // Docker 26 + buildx with a full data root (measured in the fault matrix).
        const out = [
            '#2 [internal] load metadata for docker.io/stagecraft-test/busybox:1',
            '#2 ERROR: write /var/lib/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device: unknown',
            '------', ' > [internal] load metadata for docker.io/stagecraft-test/busybox:1:', '------',
            'Dockerfile:3', '--------------------',
            '   1 |     # a realistic shape, on the local busybox image', '   2 |     ARG BASE=stagecraft-test/busybox:1',
            '   3 | >>> FROM ${BASE} AS base', '   4 |     WORKDIR /app', '--------------------',
            'ERROR: failed to solve: stagecraft-test/busybox:1: failed to resolve source metadata for docker.io/stagecraft-test/busybox:1: write /var/lib/docker/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db: no space left on device: unknown',
        ].join('\n');
        const f = parseBuildkit(out, 'app').failure;
        assert.deepEqual([f?.stageLabel, f?.line, f?.text], [null, 3, 'FROM ${BASE} AS base']);
        assert.match(f?.reason ?? '', /^stagecraft-test\/busybox:1: failed to resolve source metadata .*no space left on device/);
    });

    it('steps per stage, CACHED ones marked, FROM left out', () => {
        const stages = parseBuildkitStages(HEAD.join('\n'));
        assert.deepEqual(stages.get('deps'), [{ text: 'COPY manifest.txt ./', cached: true }]);
        assert.equal(stages.get('build')?.length, 2);
        assert.equal(stages.has('base'), false);
    });

    it('BuildKit 0.13: a step loaded from a remote cache that printed no CACHED line (only its layers\' download) did not run', () => {
        // Recorded from `docker buildx build` 0.13 (Docker 26.1), a source change on a fresh engine.
        const out = [
            '#8 [deps 1/2] COPY manifest.txt ./',
            '#8 CACHED',
            '#9 [deps 2/2] RUN sleep 2 && mkdir -p /deps',
            '#9 sha256:6c03919fb4b5c79b43d2d49f39cef88e074c1802e3d29fd7feba98ebb676aa3d 250B / 250B 0.0s done',
            '#9 extracting sha256:6c03919fb4b5c79b43d2d49f39cef88e074c1802e3d29fd7feba98ebb676aa3d done',
            '#9 DONE 0.1s',
            '#10 [build 1/2] COPY src/ ./src/',
            '#10 DONE 0.0s',
            '#11 [build 2/2] RUN make',
            '#11 0.211 cc -o app main.c',
            '#11 DONE 0.4s',
            '#12 [test 1/1] RUN true',
            '#12 DONE 0.2s',
        ].join('\n');
        const stages = parseBuildkitStages(out);
        assert.deepEqual(stages.get('deps')?.map((s) => s.cached), [true, true], 'downloaded, not run');
        assert.deepEqual(stages.get('build')?.map((s) => s.cached), [false, false], 'ran (with output or without)');
        assert.deepEqual(stages.get('test')?.map((s) => s.cached), [false], 'a step that ran with no output');
    });
});
