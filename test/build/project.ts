/** The project the engine suites build, and readers of `stagecraft build`'s output. */
import * as assert from 'node:assert/strict';
import { parseBuildkitStages } from '../../server/src/plan/output';
import { summary } from '../support/cli';
import { BASE_IMAGE, tempDir, writeTree } from '../support/docker';

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

/** The line of the first line of the file that starts with `prefix`. */
export function lineOf(prefix: string, text = DOCKERFILE): number {
    return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

export function project(dockerfile = DOCKERFILE): string {
    const dir = tempDir('stagecraft-proj-');
    writeTree(dir, { Dockerfile: dockerfile, 'manifest.txt': 'dep-a 1.0\n', 'src/a.txt': 'hello\n', 'src/b.txt': 'world\n' });
    return dir;
}

/** The stages whose images a run pushed, in order (from its `stagecraft: pushed <ref>` lines). */
export function pushes(stdout: string): string[] {
    return [...stdout.matchAll(/^stagecraft: pushed \S+:([a-z0-9-]+?)--\S+ in /gm)].map((m) => m[1]);
}

/** The stages a run invoked a build for, in order (from its `[i/n] stage: <command>` lines). */
export function builds(stdout: string): string[] {
    return [...stdout.matchAll(/^\[\d+\/\d+\] (\S+)(?: \([^)]*\))?: .*docker (?:buildx )?build /gm)].map((m) => m[1]);
}

export function assertStages(stdout: string, expected: Record<string, string>, what: string): void {
    const got = Object.fromEntries(summary(stdout));
    assert.deepEqual(got, expected, `${what}: cache per stage\n${stdout.split('\n').slice(-12).join('\n')}`);
}

/**
 * BuildKit steps that came from cache, FROM vertices left out, read as the runner reads them
 * (`plan/output.ts`, unit-tested on recorded output: BuildKit 0.13 sometimes prints a remote-cache
 * hit as the download of its layers instead of `CACHED`).
 */
export function bkHits(out: string): number {
    return [...parseBuildkitStages(out).values()].flat().filter((s) => s.cached).length;
}

/** Steps of the stage `name` that came from cache, and how many it had. */
export function stageSteps(out: string, name: string): { cached: number; steps: number } {
    const steps = parseBuildkitStages(out).get(name.toLowerCase()) ?? [];
    return { cached: steps.filter((s) => s.cached).length, steps: steps.length };
}
