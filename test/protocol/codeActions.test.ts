/**
 * Quick-fixes and refactorings over the real server: each action is asked for the way an editor
 * asks (a range, the diagnostics under it), and its WorkspaceEdit is applied to the text here; the
 * resulting text is compared exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';
import { applyWorkspaceEdit } from './workspaceEdit';

const lineRange = (line: number, character = 0): Range => ({ start: { line, character }, end: { line, character } });

describe('code actions', () => {
    let c: LspClient;
    let n = 0;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'] });
    });
    after(async () => c.stop());

    async function open(text: string): Promise<string> {
        const uri = `file:///ws/ca${n++}.Dockerfile`;
        await c.open(uri, text);
        return uri;
    }

    async function actions(uri: string, range: Range, diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[]> {
        return c.request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range,
            context: { diagnostics, ...(only ? { only } : {}) },
        });
    }

    function pick(list: CodeAction[], prefix: string): CodeAction {
        const found = list.filter((a) => a.title.startsWith(prefix));
        assert.equal(found.length, 1, `one action "${prefix}..." in ${JSON.stringify(list.map((a) => a.title))}`);
        return found[0]!;
    }

    describe('Split heavy step into its own stage', () => {
        const NODE_APP = [
            '# syntax=docker/dockerfile:1',
            'ARG NODE_VERSION=20',
            'FROM node:${NODE_VERSION}-alpine AS tools',
            'RUN npm install -g pnpm',
            '',
            '# app builds the web app',
            'FROM node:${NODE_VERSION}-alpine AS app',
            'WORKDIR /app',
            'ARG FLAVOR=plain',
            'COPY --chown=node:node . .',
            'ENV NODE_ENV=production',
            'RUN npm ci --omit=dev',
            'RUN npm run build',
            '',
            'FROM node:${NODE_VERSION}-alpine',
            'COPY --from=1 /app/dist /srv',
            'CMD ["node", "/srv/main.js"]',
            '',
        ].join('\n');
        const NODE_APP_SPLIT = [
            '# syntax=docker/dockerfile:1',
            'ARG NODE_VERSION=20',
            'FROM node:${NODE_VERSION}-alpine AS tools',
            'RUN npm install -g pnpm',
            '',
            '# app-deps: npm dependencies of app, installed from the manifests only so that their cache survives source changes (assumes .dockerignore excludes node_modules)',
            'FROM node:${NODE_VERSION}-alpine AS app-deps',
            'WORKDIR /app',
            'ARG FLAVOR=plain',
            'COPY --chown=node:node package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./',
            'ENV NODE_ENV=production',
            'RUN npm ci --omit=dev',
            '',
            '# app builds the web app',
            'FROM app-deps AS app',
            'ARG FLAVOR=plain',
            'COPY --chown=node:node . .',
            'RUN npm run build',
            '',
            'FROM node:${NODE_VERSION}-alpine',
            'COPY --from=2 /app/dist /srv',
            'CMD ["node", "/srv/main.js"]',
            '',
        ].join('\n');

        it('fixes the heavy-after-broad-copy diagnostic: exact resulting text, numeric --from renumbered', async () => {
            const uri = await open(NODE_APP);
            const published = await c.diagnostics(uri);
            const heavy = published.diagnostics.filter((d) => d.code === 'heavy-after-broad-copy');
            assert.equal(heavy.length, 1, JSON.stringify(published.diagnostics));
            const list = await actions(uri, heavy[0]!.range, heavy);
            const action = pick(list, 'Split heavy step into its own stage');
            assert.equal(action.title, 'Split heavy step into its own stage');
            assert.equal(action.kind, 'quickfix');
            assert.equal(action.isPreferred, true);
            assert.deepEqual(action.diagnostics, heavy);
            assert.equal(applyWorkspaceEdit(NODE_APP, uri, action.edit), NODE_APP_SPLIT);
        });

        it('is offered on the RUN line itself, without a diagnostic', async () => {
            const uri = await open(NODE_APP);
            const action = pick(await actions(uri, lineRange(11, 5)), 'Split heavy step');
            assert.equal(action.isPreferred, undefined);
            assert.equal(applyWorkspaceEdit(NODE_APP, uri, action.edit), NODE_APP_SPLIT);
        });

        it('the fixed file analyses clean: the new stage is a split-step, no heavy-after-broad-copy left', async () => {
            const uri = await open(NODE_APP_SPLIT);
            const published = await c.diagnostics(uri);
            assert.deepEqual(published.diagnostics.filter((d) => d.code === 'heavy-after-broad-copy'), []);
            const list = await actions(uri, lineRange(11));
            assert.deepEqual(list.filter((a) => a.title.startsWith('Split')), []);
        });

        it('go: COPY . /src into WORKDIR /src; go.sum optional; the stage is named after the image when unnamed', async () => {
            const text = [
                'FROM golang:1.22',
                'WORKDIR /src',
                'COPY . /src',
                'RUN go mod download',
                'RUN go build -o /out/app ./cmd/app',
                '',
                'FROM stagecraft-test/busybox:1',
                'COPY --from=0 /out/app /app',
            ].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(3)), 'Split heavy step');
            assert.equal(action.title, 'Split heavy step into its own stage');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                '# golang-deps: go dependencies of stage 0, installed from the manifests only so that their cache survives source changes',
                'FROM golang:1.22 AS golang-deps',
                'WORKDIR /src',
                'COPY go.mod go.sum* /src/',
                'RUN go mod download',
                '',
                'FROM golang-deps',
                'COPY . /src',
                'RUN go build -o /out/app ./cmd/app',
                '',
                'FROM stagecraft-test/busybox:1',
                'COPY --from=1 /out/app /app',
            ].join('\n'));
        });

        it('pip: each requirements file is copied to its own folder; apt-get housekeeping moves along', async () => {
            const text = [
                'FROM python:3.12-slim AS api',
                'WORKDIR /srv',
                'COPY . .',
                'RUN apt-get update && apt-get install -y --no-install-recommends gcc \\',
                '    && pip install --no-cache-dir -r requirements/prod.txt -c constraints.txt \\',
                '    && rm -rf /var/lib/apt/lists/*',
                'CMD ["python", "-m", "api"]',
            ].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(4)), 'Split heavy step');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                '# api-deps: apt-get, pip dependencies of api, installed from the manifests only so that their cache survives source changes',
                'FROM python:3.12-slim AS api-deps',
                'WORKDIR /srv',
                'COPY requirements/prod.txt ./requirements/',
                'COPY constraints.txt ./',
                'RUN apt-get update && apt-get install -y --no-install-recommends gcc \\',
                '    && pip install --no-cache-dir -r requirements/prod.txt -c constraints.txt \\',
                '    && rm -rf /var/lib/apt/lists/*',
                '',
                'FROM api-deps AS api',
                'COPY . .',
                'CMD ["python", "-m", "api"]',
            ].join('\n'));
        });

        it('the name is unique, and never one an image reference already uses', async () => {
            const text = [
                'FROM alpine:3.20 AS app-deps',
                'FROM alpine:3.20 AS app',
                'COPY . .',
                'RUN apk add --no-cache git',
                'COPY --from=app-deps-2 /x /x',
            ].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(3)), 'Split heavy step');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                'FROM alpine:3.20 AS app-deps',
                '# app-deps-3: apk dependencies of app, installed from the manifests only so that their cache survives source changes',
                'FROM alpine:3.20 AS app-deps-3',
                'RUN apk add --no-cache git',
                '',
                'FROM app-deps-3 AS app',
                'COPY . .',
                'COPY --from=app-deps-2 /x /x',
            ].join('\n'));
        });

        it('keeps CRLF line ends; the last RUN at the end of a file without a final line break', async () => {
            const text = 'FROM golang:1.22 AS build\r\nWORKDIR /src\r\nCOPY . .\r\nRUN go mod download';
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(3)), 'Split heavy step');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                '# build-deps: go dependencies of build, installed from the manifests only so that their cache survives source changes',
                'FROM golang:1.22 AS build-deps',
                'WORKDIR /src',
                'COPY go.mod go.sum* ./',
                'RUN go mod download',
                '',
                'FROM build-deps AS build',
                'COPY . .',
            ].join('\r\n'));
        });

        it('under # escape=`: keeps every flag of the COPY, continued lines included (--link, --chown, --chmod)', async () => {
            const text = [
                '# escape=`',
                'FROM node:20 AS web',
                'WORKDIR /app',
                'COPY --link `',
                '     --chown=node:node --chmod=644 . .',
                'RUN npm ci `',
                '    && npm cache clean --force',
                'RUN npm run build',
            ].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(5)), 'Split heavy step');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                '# escape=`',
                '# web-deps: npm dependencies of web, installed from the manifests only so that their cache survives source changes (assumes .dockerignore excludes node_modules)',
                'FROM node:20 AS web-deps',
                'WORKDIR /app',
                'COPY --link --chown=node:node --chmod=644 package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./',
                'RUN npm ci `',
                '    && npm cache clean --force',
                '',
                'FROM web-deps AS web',
                'COPY --link `',
                '     --chown=node:node --chmod=644 . .',
                'RUN npm run build',
            ].join('\n'));
        });

        it('copies the config files each tool reads: .yarnrc.yml and .npmrc for yarn, the wrapper and .mvn/ for mvnw', async () => {
            const yarn = ['FROM node:20 AS web', 'WORKDIR /app', 'COPY . .', 'RUN yarn install --immutable', 'RUN yarn build'].join('\n');
            const yarnUri = await open(yarn);
            const yarnFix = applyWorkspaceEdit(yarn, yarnUri, pick(await actions(yarnUri, lineRange(3)), 'Split heavy step').edit);
            assert.match(yarnFix, /\nCOPY package\.json yarn\.lock\* \.yarnrc\* \.npmrc\* \.\/\nRUN yarn install --immutable\n/);
            const mvn = ['FROM eclipse-temurin:21 AS api', 'WORKDIR /src', 'COPY . .', 'RUN ./mvnw -B dependency:go-offline', 'RUN ./mvnw -B package'].join('\n');
            const mvnUri = await open(mvn);
            const mvnFix = applyWorkspaceEdit(mvn, mvnUri, pick(await actions(mvnUri, lineRange(3)), 'Split heavy step').edit);
            assert.match(mvnFix, /\nCOPY pom\.xml mvnw \.\/\nCOPY \.mvn\/ \.\/\.mvn\/\nRUN \.\/mvnw -B dependency:go-offline\n/);
        });

        const NOT_OFFERED: [string, string[], number][] = [
            ['the RUN also builds the sources', ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build'], 3],
            ['npm install of a named package changes package.json', ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm install left-pad'], 3],
            ['a RUN between the COPY and the install', ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN ./prepare.sh', 'RUN npm ci'], 4],
            ['a WORKDIR between the COPY and the install', ['FROM node:20', 'WORKDIR /app', 'COPY . .', 'WORKDIR /app/web', 'RUN npm ci'], 4],
            ['COPY destination is not the working directory', ['FROM node:20', 'WORKDIR /app', 'COPY . /src', 'RUN npm ci'], 3],
            ['pip installs the project itself', ['FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN pip install .'], 3],
            ['cargo needs the crate sources', ['FROM rust:1', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release'], 3],
            ['poetry installs the root package', ['FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN poetry install'], 3],
        ];
        for (const [why, lines, line] of NOT_OFFERED) {
            it(`is not offered when ${why}`, async () => {
                const text = lines.join('\n');
                const uri = await open(text);
                const published = await c.diagnostics(uri);
                const list = await actions(uri, lineRange(line), published.diagnostics);
                assert.deepEqual(list.filter((a) => a.title.startsWith('Split')).map((a) => a.title), []);
            });
        }

        it('respects context.only', async () => {
            const uri = await open(NODE_APP);
            assert.equal((await actions(uri, lineRange(11), [], ['quickfix'])).filter((a) => a.title.startsWith('Split')).length, 1);
            assert.equal((await actions(uri, lineRange(11), [], ['refactor'])).filter((a) => a.title.startsWith('Split')).length, 0);
        });
    });

    describe('Name this stage', () => {
        const TEXT = [
            'FROM golang:1.22',
            'RUN go build -o /out/app .',
            '',
            'FROM docker.io/library/alpine:3.20@sha256:abc',
            'RUN --mount=type=cache,target=/root,from=0 true',
            'COPY --from=0 /out/app /usr/bin/app',
            'COPY --from=1 /etc/os-release /x',
        ].join('\n');

        it('adds AS <name from the image> and rewrites the numeric references to it', async () => {
            const uri = await open(TEXT);
            const action = pick(await actions(uri, lineRange(0, 3)), 'Name this stage');
            assert.equal(action.title, 'Name this stage "golang" and use it in 2 numeric references');
            assert.equal(action.kind, 'refactor.rewrite');
            assert.equal(applyWorkspaceEdit(TEXT, uri, action.edit), TEXT
                .replace('FROM golang:1.22', 'FROM golang:1.22 AS golang')
                .replace('from=0 true', 'from=golang true')
                .replace('--from=0 /out', '--from=golang /out'));
        });

        it('is offered on a numeric reference too; registry path, tag and digest are dropped from the name', async () => {
            const uri = await open(TEXT);
            const action = pick(await actions(uri, lineRange(6, 12)), 'Name this stage');
            assert.equal(action.title, 'Name this stage "alpine" and use it in 1 numeric reference');
            assert.equal(applyWorkspaceEdit(TEXT, uri, action.edit), TEXT
                .replace('alpine:3.20@sha256:abc', 'alpine:3.20@sha256:abc AS alpine')
                .replace('--from=1', '--from=alpine'));
        });

        it('a name an image reference uses is not taken (it would capture that reference)', async () => {
            const text = ['FROM node:20 as x', 'FROM node:20', 'FROM node', 'COPY --from=1 /a /b'].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(1)), 'Name this stage');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), ['FROM node:20 as x', 'FROM node:20 AS node-2', 'FROM node', 'COPY --from=node-2 /a /b'].join('\n'));
        });

        it('is not offered on a named stage', async () => {
            const uri = await open('FROM alpine:3.20 AS base\nRUN true\n');
            assert.deepEqual((await actions(uri, lineRange(0))).filter((a) => a.title.startsWith('Name this stage')), []);
        });
    });

    describe('Extract a shared base image into an alias stage', () => {
        it('inserts FROM image AS alias before the first user, rewrites the users, renumbers --from', async () => {
            const text = [
                'ARG ALPINE=3.20',
                '# build compiles',
                'FROM --platform=$BUILDPLATFORM alpine:${ALPINE} AS build',
                'RUN echo build > /out',
                'FROM --platform=$BUILDPLATFORM alpine:${ALPINE} AS test',
                'COPY --from=0 /out /out',
                'FROM alpine:${ALPINE}',
                'COPY --from=build /out /out',
            ].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(4)), 'Extract');
            assert.equal(action.title, 'Extract alpine:${ALPINE} (used by 2 stages) into an alias stage "alpine"');
            assert.equal(action.kind, 'refactor.extract');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), [
                'ARG ALPINE=3.20',
                '# alpine: the alpine:${ALPINE} image, shared by 2 stages',
                'FROM --platform=$BUILDPLATFORM alpine:${ALPINE} AS alpine',
                '',
                '# build compiles',
                'FROM alpine AS build',
                'RUN echo build > /out',
                'FROM alpine AS test',
                'COPY --from=1 /out /out',
                'FROM alpine:${ALPINE}',
                'COPY --from=build /out /out',
            ].join('\n'));
        });

        it('reuses an existing alias stage for the later stages', async () => {
            const text = ['FROM alpine:3.20 AS base', 'FROM base AS a', 'RUN true', 'FROM alpine:3.20 AS b', 'RUN true', 'FROM alpine:3.20'].join('\n');
            const uri = await open(text);
            const action = pick(await actions(uri, lineRange(3)), 'Use the alias stage');
            assert.equal(action.title, 'Use the alias stage "base" for alpine:3.20 in 2 stages');
            assert.equal(applyWorkspaceEdit(text, uri, action.edit), ['FROM alpine:3.20 AS base', 'FROM base AS a', 'RUN true', 'FROM base AS b', 'RUN true', 'FROM base'].join('\n'));
        });

        it('is not offered for an image used once, for scratch, or off the FROM lines', async () => {
            const uri = await open(['FROM scratch AS a', 'FROM scratch AS b', 'FROM alpine:3.20', 'RUN true', 'FROM alpine:3.20'].join('\n'));
            assert.deepEqual((await actions(uri, lineRange(0))).filter((a) => a.kind === 'refactor.extract'), []);
            assert.deepEqual((await actions(uri, lineRange(3))).filter((a) => a.kind === 'refactor.extract'), []);
            assert.equal((await actions(uri, lineRange(4))).filter((a) => a.kind === 'refactor.extract').length, 1);
        });
    });

    it('Change to the stage a misspelled --from meant', async () => {
        const text = 'FROM alpine AS builder\nRUN touch /hi\nFROM scratch\nCOPY --from=buildr /hi /hi\n';
        const uri = await open(text);
        const diags = (await c.diagnostics(uri)).diagnostics.filter((d) => d.code === 'unknown-stage');
        assert.equal(diags.length, 1);
        const fix = pick(await actions(uri, diags[0].range, diags), 'Change to');
        assert.equal(fix.title, 'Change to `builder`');
        assert.equal(fix.kind, 'quickfix');
        assert.equal(fix.isPreferred, true);
        assert.equal(applyWorkspaceEdit(text, uri, fix.edit!), text.replace('buildr', 'builder'));
    });

    it('the misspelled-stage fix checks the diagnostic against the current text: a stale or made-up one gets no edit', async () => {
        const text = 'FROM alpine AS builder\nRUN touch /hi\nFROM scratch\nCOPY --from=buildr /hi /hi\n';
        const uri = await open(text);
        const [d] = (await c.diagnostics(uri)).diagnostics.filter((x) => x.code === 'unknown-stage');
        // The user typed above the reference: the diagnostic the editor still holds points one line too high.
        await c.change(uri, 'FROM alpine AS builder\nRUN touch /hi\nFROM scratch\nRUN true\nCOPY --from=buildr /hi /hi\n');
        assert.deepEqual((await actions(uri, d.range, [d])).filter((a) => a.title.startsWith('Change to')), []);
        // A range past the end of the document, and one over text that is not the reference.
        const far = { ...d, range: { start: { line: 40, character: 12 }, end: { line: 40, character: 18 } } };
        const other = { ...d, range: { start: { line: 0, character: 5 }, end: { line: 0, character: 11 } } };
        assert.deepEqual((await actions(uri, far.range, [far, other])).filter((a) => a.title.startsWith('Change to')), []);
        // The diagnostic of the current version still gets its fix.
        const [now] = (await c.diagnostics(uri)).diagnostics.filter((x) => x.code === 'unknown-stage');
        assert.equal(now.range.start.line, 4);
        assert.equal(pick(await actions(uri, now.range, [now]), 'Change to').title, 'Change to `builder`');
    });

    it('every action is a versioned documentChanges edit of the current version', async () => {
        const text = ['FROM node:20 AS app', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'FROM alpine:3.20', 'COPY --from=0 /app /app', 'FROM alpine:3.20', 'COPY --from=aps /x /x'].join('\n');
        const uri = await open(text);
        await c.change(uri, text + '\n');
        const diags = (await c.diagnostics(uri)).diagnostics;
        const all = [...await actions(uri, lineRange(3), diags), ...await actions(uri, lineRange(4), diags), ...await actions(uri, lineRange(7, 14), diags)];
        assert.deepEqual([...new Set(all.map((a) => a.title.split(' ')[0]))].sort(), ['Change', 'Extract', 'Name', 'Split'], 'each kind of action');
        for (const a of all) {
            assert.equal(a.edit?.changes, undefined, a.title);
            assert.deepEqual(a.edit?.documentChanges?.map((d) => 'textDocument' in d ? d.textDocument : null), [{ uri, version: c.version(uri) }], a.title);
        }
    });

    it('half-typed files give well-formed answers, never errors', async () => {
        const text = 'FROM node:20 AS app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM app\nCOPY --from=';
        const uri = await open('');
        for (let i = 1; i <= text.length; i++) {
            await c.change(uri, text.slice(0, i));
            const line = text.slice(0, i).split('\n').length - 1;
            const list = await actions(uri, lineRange(line));
            assert.ok(Array.isArray(list));
            for (const a of list) assert.ok(typeof a.title === 'string' && a.edit);
        }
        assert.ok(c.alive);
    });
});
