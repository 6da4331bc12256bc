import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, toJson, type Analysis, type AnalyzeOptions } from '../../server/src/analysis';

function a(text: string, options?: AnalyzeOptions): Analysis {
    return analyze(text, options);
}

/** `[index, name, parent, dependsOn]` rows: the graph in one glance. */
function graph(an: Analysis): [number, string | null, number | null, number[]][] {
    return an.stages.map((s) => [s.index, s.name, s.parent, s.dependsOn]);
}

function labels(an: Analysis): Record<string, string[]> {
    return Object.fromEntries(an.stages.map((s) => [s.name ?? String(s.index), s.patterns.map((p) => p.label)]));
}

describe('stages', () => {
    it('are indexed from 0 in file order with 1-based FROM lines, names as written', () => {
        const an = a('FROM alpine AS One\nRUN true\n\nFROM one\nFROM busybox\n');
        assert.deepEqual(an.stages.map((s) => [s.index, s.name, s.line]), [[0, 'One', 1], [1, null, 4], [2, null, 5]]);
        assert.equal(an.stages[1].parent, 0, 'names match case-insensitively');
        assert.equal(an.target, 2);
    });

    it('accept mixed-case AS and FROM keywords', () => {
        const an = a('from alpine as builder\nFrom Builder As App\n');
        assert.deepEqual(graph(an), [[0, 'builder', null, []], [1, 'App', 0, [0]]]);
    });

    it('resolve a FROM only to an EARLIER stage', () => {
        const an = a('FROM later AS first\nFROM alpine AS later\n');
        assert.equal(an.stages[0].parent, null);
        assert.deepEqual(an.stages[0].externalFrom, ['later']);
    });

    it('FROM scratch AS scratch is the empty image', () => {
        const an = a('FROM scratch AS scratch\nCOPY a /a\nFROM scratch\n');
        assert.equal(an.stages[0].parent, null);
        assert.equal(an.stages[1].parent, null, 'a later FROM scratch is still the empty image');
        assert.deepEqual(an.stages[0].externalFrom, []);
        assert.equal(an.stages[0].fromResolved, 'scratch');
    });

    it('records an empty analysis with a problem for a file with no FROM', () => {
        const an = a('RUN echo hi\n');
        assert.deepEqual(an.stages, []);
        assert.equal(an.target, null);
        assert.equal(an.problems[0].code, 'no-stages');
    });
});

describe('ARGs', () => {
    const file = 'ARG GO=1.22\nARG DISTRO="alpine"\nARG EMPTY\nFROM golang:${GO}-${DISTRO}\n';

    it('use defaults, quotes removed', () => {
        assert.equal(a(file).stages[0].fromResolved, 'golang:1.22-alpine');
        assert.deepEqual(a(file).globalArgs.map((g) => [g.name, g.value]), [['GO', '1.22'], ['DISTRO', 'alpine'], ['EMPTY', null]]);
    });

    it('take --build-arg overrides', () => {
        assert.equal(a(file, { buildArgs: { GO: '1.23' } }).stages[0].fromResolved, 'golang:1.23-alpine');
    });

    it('ignore overrides of ARGs the file does not declare', () => {
        assert.equal(a('FROM img:${TAG}\n', { buildArgs: { TAG: 'x' } }).stages[0].fromResolved, null);
    });

    it('expand $V and ${V}', () => {
        assert.equal(a('ARG V=3\nFROM alpine:$V\n').stages[0].fromResolved, 'alpine:3');
        assert.equal(a('ARG V=3\nFROM alpine:${V}.20\n').stages[0].fromResolved, 'alpine:3.20');
    });

    it('expand ${V:-x} and ${V:+x}', () => {
        const f = 'ARG A\nARG B=set\nFROM img:${A:-dflt}-${B:+plus}-${A:+no}\n';
        assert.equal(a(f).stages[0].fromResolved, 'img:dflt-plus-');
        assert.equal(a(f, { buildArgs: { A: 'given' } }).stages[0].fromResolved, 'img:given-plus-no');
    });

    it('treat an ARG with no value as unknown: fromResolved is null', () => {
        const an = a('ARG BASE\nFROM ${BASE}\n');
        assert.equal(an.stages[0].fromResolved, null);
        assert.equal(an.stages[0].from, '${BASE}');
        assert.equal(a('ARG BASE\nFROM ${BASE}\n', { buildArgs: { BASE: 'alpine' } }).stages[0].fromResolved, 'alpine');
    });

    it('expand ARG defaults that use earlier ARGs', () => {
        assert.equal(a('ARG A=1\nARG B=${A}.2\nFROM img:$B\n').stages[0].fromResolved, 'img:1.2');
    });

    it('leave a FROM unresolved, with a problem that says why, when its ${...} nest past the limit (3,000 levels)', () => {
        const deep = (n: number) => '${A:-'.repeat(n) + 'alpine' + '}'.repeat(n);
        const an = a(`FROM ${deep(3000)} AS app\n`);
        assert.equal(an.stages.length, 1);
        assert.equal(an.stages[0].fromResolved, null);
        assert.deepEqual(an.problems.map((p) => [p.code, p.message, p.range?.start.line]),
            [['expansion-limit', 'The base image of stage app is left unresolved: ${...} is nested more than 32 levels deep', 0]]);
        assert.equal(a(`FROM ${deep(32)}\n`).stages[0].fromResolved, 'alpine', '32 levels are expanded');
        // Nesting that is not expanded (A is set) costs one scan, however deep.
        assert.equal(a(`ARG A=busybox\nFROM ${deep(3000)}\n`).stages[0].fromResolved, 'busybox');
    });

    it('leave an ARG unresolved past 4,096 expanded characters; what depends on it is unresolved, the rest is not', () => {
        const lines = ['ARG A0=x', ...Array.from({ length: 26 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), 'FROM img:${A26} AS big', 'FROM img:${A10} AS ok'];
        const an = a(lines.join('\n') + '\n');
        assert.deepEqual(an.problems.map((p) => [p.code, p.message, p.range?.start.line]),
            [['expansion-limit', 'ARG A13 is left unresolved: it comes to more than 4,096 characters', 13]]);
        assert.equal(an.globalArgs[12].value?.length, 4096);
        assert.deepEqual(an.globalArgs.slice(13).map((g) => g.value), Array(14).fill(null));
        assert.equal(an.stages[0].fromResolved, null);
        assert.equal(an.stages[1].fromResolved, `img:${'x'.repeat(1024)}`);
        assert.ok(JSON.stringify(toJson(an)).length < 20000, 'the JSON stays small');
    });

    it('pick a stage by ARG: FROM build-${VARIANT}', () => {
        const f = 'ARG VARIANT=slim\nFROM alpine AS build-slim\nFROM alpine AS build-full\nFROM build-${VARIANT} AS final\n';
        assert.equal(a(f).stages[2].parent, 0);
        assert.equal(a(f, { buildArgs: { VARIANT: 'full' } }).stages[2].parent, 1);
        assert.deepEqual(a(f).unused, [1]);
    });

    it('pick a stage by platform: FROM binaries-${TARGETOS}', () => {
        const f = 'FROM alpine AS binaries-linux\nFROM alpine AS binaries-windows\nFROM binaries-${TARGETOS}\n';
        assert.equal(a(f).stages[2].parent, 0, 'default platform linux/amd64');
        assert.equal(a(f, { platform: 'windows/amd64' }).stages[2].parent, 1);
        assert.equal(a('FROM img:${TARGETARCH}${TARGETVARIANT}\n', { platform: 'linux/arm/v7' }).stages[0].fromResolved, 'img:armv7');
        assert.equal(a('FROM --platform=$BUILDPLATFORM img:${BUILDARCH}\n', { platform: 'linux/arm64' }).stages[0].fromResolved, 'img:arm64');
    });

    it('reports a malformed platform', () => {
        assert.equal(a('FROM alpine\n', { platform: 'amd64' }).problems[0].code, 'bad-platform');
    });

    it('ARGs declared inside a stage do not reach a later FROM', () => {
        assert.equal(a('FROM alpine\nARG T=1\nFROM img:$T\n').stages[1].fromResolved, null);
    });
});

describe('references', () => {
    it('COPY --from a stage name, a stage index, an external image', () => {
        const an = a('FROM alpine AS base\nFROM alpine AS b\nFROM scratch\nCOPY --from=base /a /a\nCOPY --from=1 /b /b\nCOPY --from=alpine:3.20 /c /c\nADD --from=B /d /d\n');
        assert.deepEqual(an.stages[2].dependsOn, [0, 1]);
        assert.deepEqual(an.stages[2].externalFrom, ['alpine:3.20']);
        const refs = an.stages[2].refs.map((r) => [r.kind, r.text, r.stage, r.numeric]);
        assert.deepEqual(refs, [['from', 'scratch', null, false], ['copy', 'base', 0, false], ['copy', '1', 1, true],
            ['copy', 'alpine:3.20', null, false], ['add', 'B', 1, false]]);
    });

    it('gives each reference the range of its text', () => {
        const an = a('FROM alpine AS base\nFROM scratch\nCOPY --from=base /a /a\n');
        const ref = an.stages[1].refs[1];
        assert.deepEqual(ref.range, { start: { line: 2, character: 12 }, end: { line: 2, character: 16 } });
        assert.equal(ref.line, 3);
    });

    it('RUN --mount=type=bind,from=stage and type=cache,from=', () => {
        const an = a('FROM alpine AS tools\nFROM alpine AS c\nFROM alpine\nRUN --mount=type=bind,from=tools,target=/t --mount=type=cache,target=/x,from=c true\n');
        assert.deepEqual(an.stages[2].dependsOn, [0, 1]);
        assert.deepEqual(an.stages[2].refs.slice(1).map((r) => r.kind), ['mount', 'mount']);
    });

    it('does not ARG-expand --from values', () => {
        const an = a('ARG S=base\nFROM alpine AS base\nFROM scratch\nCOPY --from=${S} /a /a\n');
        assert.deepEqual(an.stages[1].dependsOn, []);
        assert.deepEqual(an.stages[1].externalFrom, ['${S}']);
    });

    it('ignores chown --from in a RUN, comments, and heredoc bodies', () => {
        const f = 'FROM alpine AS base\nFROM alpine\n# COPY --from=base /a /a\nRUN chown --from=base x y\nRUN <<EOF\nCOPY --from=base /a /a\nFROM base\nEOF\n';
        const an = a(f);
        assert.equal(an.stages.length, 2, 'a FROM inside a heredoc is not a stage');
        assert.deepEqual(an.stages[1].dependsOn, []);
    });

    it('flags forward and self references', () => {
        const an = a('FROM alpine AS a\nCOPY --from=a /x /x\nCOPY --from=b /y /y\nFROM alpine AS b\n');
        const [self, fwd] = an.stages[0].refs.slice(1);
        assert.equal(self.self, true);
        assert.equal(fwd.forward, true);
        assert.deepEqual(an.stages[0].dependsOn, [1], 'a self reference is not a dependency');
    });

    it('keeps reading across # escape=` and backtick line continuations with comments inside', () => {
        const f = '# escape=`\nFROM alpine AS base\nFROM alpine\nRUN echo one `\n  # a comment inside\n  && echo two\nCOPY --from=base `\n  C:\\a C:\\b\n';
        const an = a(f);
        assert.equal(an.escapeChar, '`');
        assert.deepEqual(an.stages[1].dependsOn, [0]);
        assert.equal(an.stages[1].instructions[0].args.includes('comment'), false);
    });

    it('keeps reading across backslash continuations with comments inside', () => {
        const f = 'FROM alpine AS base\nFROM alpine\nRUN apt-get update \\\n  # install the toolchain\n  && apt-get install -y gcc\nCOPY --from=base \\\n   /x /y\n';
        const an = a(f);
        assert.deepEqual(an.stages[1].dependsOn, [0]);
        assert.equal(an.stages[1].heavySteps[0].command, 'apt-get install');
        assert.equal(an.stages[1].heavySteps[0].line, 3);
    });
});

describe('reachability', () => {
    const f = 'FROM alpine AS base\nFROM base AS deps\nFROM deps AS build\nFROM build AS test\nRUN go test ./...\nFROM alpine AS docs\nFROM scratch AS app\nCOPY --from=build /app /app\n';

    it('defaults to the last stage', () => {
        const an = a(f);
        assert.equal(an.target, 5);
        assert.deepEqual(an.unused, [3, 4]);
        assert.deepEqual(an.stages.map((s) => s.reachable), [true, true, true, false, false, true]);
    });

    it('follows a target given by name or index', () => {
        assert.deepEqual(a(f, { target: 'TEST' }).unused, [4, 5]);
        assert.deepEqual(a(f, { target: 4 }).unused, [0, 1, 2, 3, 5]);
    });

    it('reports an unknown target', () => {
        const an = a(f, { target: 'nope' });
        assert.equal(an.target, null);
        assert.equal(an.problems[0].code, 'unknown-target');
    });

    it('follows mount from= edges', () => {
        assert.deepEqual(a('FROM alpine AS t\nFROM alpine\nRUN --mount=from=t,target=/t true\n').unused, []);
    });
});

describe('per-stage facts', () => {
    it('lists context copies and marks broad ones', () => {
        const an = a('FROM alpine\nCOPY package.json package-lock.json ./\nCOPY . .\nCOPY src/ /src/\nCOPY ["app.py", "/app/"]\nADD https://example.com/x /x\nCOPY <<EOF /etc/x\nhello\nEOF\n');
        assert.deepEqual(an.stages[0].contextCopies.map((c) => [c.sources, c.broad]),
            [[['package.json', 'package-lock.json'], false], [['.'], true], [['src/'], true], [['app.py'], false]]);
    });

    const heavy: [string, string][] = [
        ['apt-get update && apt-get install -y curl', 'apt-get install'],
        ['apk add --no-cache git', 'apk add'],
        ['dnf install -y gcc', 'dnf install'],
        ['yum install -y gcc', 'yum install'],
        ['npm ci', 'npm ci'],
        ['npm install --omit=dev', 'npm install'],
        ['yarn install --frozen-lockfile', 'yarn install'],
        ['pnpm install', 'pnpm install'],
        ['pip install -r requirements.txt', 'pip install'],
        ['python -m pip install .', 'python -m pip install'],
        ['uv sync --frozen', 'uv sync'],
        ['poetry install --no-root', 'poetry install'],
        ['go mod download', 'go mod download'],
        ['cargo fetch', 'cargo fetch'],
        ['cargo build --release', 'cargo build'],
        ['bundle install', 'bundle install'],
        ['composer install --no-dev', 'composer install'],
        ['mvn -B dependency:go-offline', 'mvn -B dependency:go-offline'],
        ['./gradlew dependencies', './gradlew dependencies'],
        ['dotnet restore', 'dotnet restore'],
        ['DEBIAN_FRONTEND=noninteractive sudo apt-get install -y x', 'apt-get install'],
        ['curl -fsSL https://x/y.tgz | tar xz', 'curl'],
        ['rustup target add wasm32-unknown-unknown', 'rustup target add'],
    ];
    for (const [cmd, expected] of heavy) {
        it(`finds the heavy step in: ${cmd}`, () => {
            const an = a(`FROM alpine\nRUN ${cmd}\n`);
            assert.equal(an.stages[0].heavySteps[0]?.command, expected);
        });
    }

    it('does not take ordinary commands for heavy steps', () => {
        for (const cmd of ['echo npm ci', 'go build ./...', 'npm run build', 'ls -la', 'chown -R app /app']) {
            assert.deepEqual(a(`FROM alpine\nRUN ${cmd}\n`).stages[0].heavySteps, [], cmd);
        }
    });

    it('exposes each instruction\'s flags as written and each RUN\'s script, whatever the escape character', () => {
        const an = a('# escape=`\nFROM node AS a\nCOPY --link `\n   --chown=app:app . .\nRUN --mount=type=cache,target=/root/.npm `\n    npm ci\nRUN ["npm", "test"]\nRUN <<EOF\nset -e\napk add curl\nEOF\n');
        const [copy, ci, test, heredoc] = an.stages[0].instructions;
        assert.deepEqual(copy.flags, [{ name: 'link', value: null, text: '--link' }, { name: 'chown', value: 'app:app', text: '--chown=app:app' }]);
        assert.equal(copy.script, null);
        assert.deepEqual(ci.flags.map((f) => f.text), ['--mount=type=cache,target=/root/.npm']);
        assert.equal(ci.script, 'npm ci');
        assert.equal(test.script, 'npm test');
        assert.equal(heredoc.script, '<<EOF\nset -e\napk add curl');
        assert.equal(an.stages[0].fromKeyword, 'FROM');
    });

    it('finds heavy steps in exec form and heredoc RUNs', () => {
        assert.equal(a('FROM alpine\nRUN ["npm", "ci"]\n').stages[0].heavySteps[0].command, 'npm ci');
        assert.equal(a('FROM alpine\nRUN <<EOF\nset -e\napk add curl\nEOF\n').stages[0].heavySteps[0].command, 'apk add');
    });

    it('marks a heavy step that follows a broad COPY of the context', () => {
        const an = a('FROM node\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm install\n');
        assert.deepEqual(an.stages[0].heavySteps.map((h) => [h.line, h.afterBroadCopy?.line ?? null]), [[3, null], [5, 4]]);
    });

    it('finds test runs', () => {
        for (const cmd of ['go test ./...', 'npm test', 'npm run test', 'pytest -q', 'python -m pytest', 'cargo test', 'dotnet test', 'mvn -B test', 'make test']) {
            assert.equal(a(`FROM alpine\nRUN ${cmd}\n`).stages[0].testSteps.length, 1, cmd);
        }
        assert.deepEqual(a('FROM alpine\nRUN go build ./...\n').stages[0].testSteps, []);
    });

    it('reads the BuildKit-style description comment above a FROM', () => {
        const an = a('# base pins the Go toolchain\nFROM golang AS base\n# unrelated comment\nFROM base AS other\n');
        assert.equal(an.stages[0].description, 'pins the Go toolchain');
        assert.equal(an.stages[1].description, null);
    });
});

describe('patterns', () => {
    it('builder & app: the builder is labelled, the app is not', () => {
        const an = a('FROM golang AS builder\nRUN go build -o /app .\nFROM scratch\nCOPY --from=builder /app /app\n');
        assert.deepEqual(labels(an), { builder: ['builder-app'], '1': [] });
        assert.equal(an.stages[0].patterns[0].reason, 'builds what stage 1 takes from it (COPY --from or RUN --mount from=)');
    });

    it('alias image: (almost) no instructions, referred to by name; never also builder-app', () => {
        const an = a('FROM golang:1.22 AS go\nWORKDIR /src\nFROM go AS a\nRUN make\nFROM go AS b\nRUN make\nFROM scratch\nCOPY --from=go /x /x\nCOPY --from=a /y /y\n');
        assert.deepEqual(labels(an).go, ['alias']);
        assert.deepEqual(labels(an).a, ['builder-app']);
    });

    it('an empty stage nobody refers to is not an alias', () => {
        assert.deepEqual(labels(a('FROM alpine AS lonely\nFROM busybox\n')).lonely, []);
    });

    it('a stage with two instructions is not an alias', () => {
        assert.deepEqual(labels(a('FROM alpine AS base\nENV A=1\nENV B=2\nFROM base\n')).base, []);
    });

    it('inner base image: real instructions, two or more stages FROM it', () => {
        const an = a('FROM alpine AS base\nRUN apk add git\nFROM base AS x\nFROM base AS y\n');
        assert.ok(labels(an).base.includes('inner-base'));
        assert.deepEqual(labels(a('FROM alpine AS base\nRUN apk add git\nFROM base AS x\n')).base.includes('inner-base'), false);
    });

    it('tested app: builds on a builder and runs tests', () => {
        const f = 'FROM golang AS builder\nCOPY . .\nRUN go build -o /app\nFROM builder AS test\nRUN go test ./...\nFROM scratch AS app\nCOPY --from=builder /app /app\n';
        assert.deepEqual(labels(a(f)).test, ['tested-app']);
        assert.deepEqual(labels(a('FROM golang AS t\nRUN go test ./...\n')).t, [], 'no builder under it');
        const copies = 'FROM golang AS builder\nRUN go build\nFROM golang AS test\nCOPY --from=builder /src /src\nRUN go test ./...\n';
        assert.deepEqual(labels(a(copies)).test, ['tested-app']);
    });

    it('split step: isolates a heavy step, copies only manifests, used by another stage', () => {
        const f = 'FROM node AS deps\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM node AS build\nCOPY --from=deps /node_modules /node_modules\nCOPY . .\nRUN npm run build\n';
        assert.deepEqual(labels(a(f)).deps, ['builder-app', 'split-step']);
        const fat = 'FROM node AS deps\nCOPY . .\nRUN npm ci\nFROM deps AS build\n';
        assert.deepEqual(labels(a(fat)).deps, [], 'a broad COPY before the install is not a split step');
        const unused = 'FROM node AS deps\nCOPY package.json ./\nRUN npm ci\n';
        assert.deepEqual(labels(a(unused)).deps, [], 'nobody builds on it');
        const apt = 'FROM debian AS sys\nRUN apt-get update && apt-get install -y gcc\nFROM sys AS build\nCOPY . .\n';
        assert.deepEqual(labels(a(apt)).sys, [], 'OS packages that a stage builds on: a base');
        assert.deepEqual(a(apt).stages[0].nearMisses.map((m) => m.reason), [
            'not a split step: it installs OS packages that build builds on: a base, not a split step',
        ]);
        const copied = 'FROM debian AS criu\nRUN apt-get update && apt-get install -y criu && install -D /usr/sbin/criu /build/criu\nFROM debian\nCOPY --from=criu /build/ /usr/local/bin/\n';
        assert.deepEqual(labels(a(copied)).criu, ['builder-app', 'split-step'], 'OS packages another stage copies: isolated');
    });

    it('split step: a pinned tool fetched or built apart from the sources', () => {
        const tools = [
            'FROM golang AS lint\nRUN GOBIN=/out go install github.com/golangci/golangci-lint/cmd/golangci-lint@v1.55.2\n',
            'FROM alpine AS crun\nRUN git clone https://github.com/containers/crun /src && cd /src && git checkout -q 1.4.5 && ./autogen.sh && make install\n',
            'FROM alpine AS cni\nRUN curl -Ls https://example.org/cni-plugins-v1.3.0.tgz | tar xz -C /out\n',
            'FROM php:8.2 AS ext\nRUN pecl install redis && docker-php-ext-enable redis\n',
            'FROM debian AS tool\nCOPY hack/install.sh hack/tool.installer /\nRUN PREFIX=/out /install.sh tool\n',
        ];
        for (const t of tools) {
            const an = a(`${t}FROM alpine\nCOPY --from=0 /out /usr/local/bin/\n`);
            assert.deepEqual(an.stages[0].patterns.map((p) => p.label), ['builder-app', 'split-step'], t);
        }
        const src = 'FROM alpine AS src\nRUN git clone https://github.com/opencontainers/runc /src\nFROM golang AS runc\nRUN --mount=from=src,src=/src,target=. go build -o /out/runc .\nFROM alpine\nCOPY --from=runc /out /usr/bin/\n';
        assert.deepEqual(labels(a(src)).runc, ['builder-app', 'split-step'], 'builds a clone another stage made');
    });

    it('not a split step: the whole source, tests, or files built from the sources', () => {
        const near = (f: string, name: string) => a(f).stages.find((s) => s.name === name)!.nearMisses.find((m) => m.label === 'split-step')?.reason;
        assert.equal(near('FROM node AS deps\nCOPY . .\nRUN npm ci\nFROM scratch\nCOPY --from=deps /x /x\n', 'deps'),
            'not a split step: it copies the whole source (COPY . on line 2)');
        assert.equal(near('FROM node AS deps\nRUN --mount=type=bind,target=. npm ci\nFROM scratch\nCOPY --from=deps /x /x\n', 'deps'),
            'not a split step: it reads the whole source through a bind mount (line 2)');
        assert.equal(near('FROM node AS deps\nCOPY package.json index.js ./\nRUN npm ci\nFROM scratch\nCOPY --from=deps /x /x\n', 'deps'),
            'not a split step: it copies index.js besides the manifests');
        assert.equal(near('FROM golang AS build\nCOPY . .\nRUN go build -o /app\nFROM alpine AS wheels\nCOPY --from=build /app /app\nRUN apk add py3-pip\nFROM scratch\nCOPY --from=wheels / /\n', 'wheels'),
            'not a split step: it takes files built from the sources (from build)');
        assert.equal(near('FROM node AS src\nCOPY . .\nFROM src AS deps\nRUN npm ci\nFROM scratch\nCOPY --from=deps /x /x\n', 'deps'),
            'not a split step: it builds on src, which copies the whole source (COPY . on line 2)');
        assert.deepEqual(labels(a('FROM node AS deps\nCOPY package.json ./\nRUN --mount=type=bind,source=package-lock.json,target=package-lock.json npm ci\nFROM scratch\nCOPY --from=deps /x /x\n')).deps,
            ['builder-app', 'split-step'], 'a bind mount of a manifest is fine');
        assert.deepEqual(labels(a('FROM alpine AS toolchain\nCOPY tools/npm /bin/npm\nFROM toolchain AS deps\nCOPY package.json ./\nRUN npm ci\nFROM deps AS build\nCOPY . .\n')).deps,
            ['split-step'], 'a base that copies a tool is not the source');
    });

    it('platform-picked stages: aliases, and builders through them', () => {
        const f = 'FROM golang AS build\nRUN go build -o /out/x\nFROM scratch AS bin-linux\nCOPY --from=build /out/x /x\nFROM scratch AS bin-windows\nCOPY --from=build /out/x /x.exe\n'
            + 'FROM bin-$TARGETOS AS bin\nFROM alpine AS alp-amd64\nFROM alpine:edge AS alp-riscv64\nFROM alp-$TARGETARCH AS base\nRUN apk add git\nFROM alpine\nCOPY --from=bin / /usr/bin/\n';
        const an = a(f);
        assert.deepEqual(an.stages.find((s) => s.name === 'bin')!.choices, [1, 2]);
        assert.deepEqual(labels(an)['bin-windows'], ['builder-app'], 'reaches the image through the alias bin on Windows');
        assert.equal(an.stages[2].patterns[0].reason, 'builds what stage 7 takes from it through the alias bin');
        assert.deepEqual(labels(an)['alp-riscv64'], ['alias'], 'picked by FROM alp-$TARGETARCH on riscv64');
        assert.deepEqual(an.stages[3].refs.length, 1, 'the graph follows the resolved choice only');
    });

    it('a stage may match several patterns', () => {
        const f = 'FROM debian AS base\nRUN apt-get install -y gcc\nFROM base AS a\nFROM base AS b\nFROM scratch\nCOPY --from=base /usr/bin/gcc /gcc\n';
        assert.deepEqual(labels(a(f)).base, ['builder-app', 'inner-base', 'split-step']);
    });
});

describe('a realistic file with 10+ stages', () => {
    const f = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG NODE_VERSION=20
# go pins the Go toolchain
FROM golang:\${GO_VERSION}-bookworm AS go
FROM node:\${NODE_VERSION}-bookworm-slim AS node
FROM debian:bookworm-slim AS runtime-base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
FROM go AS go-deps
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
FROM node AS web-deps
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci
FROM go-deps AS api-build
COPY . .
RUN go build -o /out/api ./cmd/api
FROM web-deps AS web-build
COPY web/ .
RUN npm run build
FROM api-build AS api-test
RUN go test ./...
FROM web-build AS web-test
RUN npm test
FROM runtime-base AS api
COPY --from=api-build /out/api /usr/local/bin/api
FROM runtime-base AS worker
COPY --from=api-build /out/api /usr/local/bin/worker
FROM nginx:1.27 AS web
COPY --from=web-build /web/dist /usr/share/nginx/html
FROM scratch AS all
COPY --from=api /usr/local/bin/api /api
COPY --from=web /usr/share/nginx/html /html
`;
    it('has the graph, patterns and reachability a reader expects', () => {
        const an = a(f);
        assert.equal(an.stages.length, 13);
        assert.deepEqual(labels(an), {
            go: ['alias'], node: ['alias'], 'runtime-base': ['inner-base'], 'go-deps': ['split-step'],
            'web-deps': ['split-step'], 'api-build': ['builder-app'], 'web-build': ['builder-app'],
            'api-test': ['tested-app'], 'web-test': ['tested-app'], api: ['builder-app'], worker: [],
            web: ['builder-app'], all: [],
        });
        assert.deepEqual(an.unused.map((i) => an.stages[i].name), ['api-test', 'web-test', 'worker']);
        assert.equal(an.stages[0].description, 'pins the Go toolchain');
        assert.equal(an.stages[0].fromResolved, 'golang:1.22-bookworm');
    });

    it('prints the documented JSON shape', () => {
        const j = toJson(a(f, { target: 'api' }));
        assert.equal(j.target, 9);
        assert.equal(j.platform, 'linux/amd64');
        const api = j.stages[9];
        assert.deepEqual(
            { index: api.index, name: api.name, line: api.line, from: api.from, fromResolved: api.fromResolved, parent: api.parent,
                dependsOn: api.dependsOn, externalFrom: api.externalFrom, patterns: api.patterns, reachable: api.reachable },
            { index: 9, name: 'api', line: 27, from: 'runtime-base', fromResolved: 'runtime-base', parent: 2,
                dependsOn: [2, 5], externalFrom: [], patterns: ['builder-app'], reachable: true });
        assert.deepEqual(j.unused, [1, 4, 6, 7, 8, 10, 11, 12]);
    });
});

describe('manifest and broad copies', () => {
    it('takes manifest globs for manifests, and wide globs for broad copies', async () => {
        const { isManifestPath, isBroadSource } = await import('../../server/src/analysis/tools');
        for (const m of ['package.json', 'package*.json', 'npm-shrinkwrap.json*', '.npmrc*', 'bun.lock*', 'requirements*.txt',
            'requirements-dev.txt', 'go.mod', 'go.sum', 'Cargo.lock', 'app/App.csproj', '*.csproj', 'global.json*', 'mix.lock*']) {
            assert.equal(isManifestPath(m), true, m);
            assert.equal(isBroadSource(m), false, m);
        }
        for (const b of ['.', './', '*', 'src/', 'src', 'cmd/*']) {
            assert.equal(isManifestPath(b), false, b);
            assert.equal(isBroadSource(b), true, b);
        }
        for (const f of ['main.go', 'app.py', 'Makefile', '*.json']) { assert.equal(isBroadSource(f), false, f); }
        assert.equal(isManifestPath('*.json'), false, 'too wide to be only manifests');
    });
});
