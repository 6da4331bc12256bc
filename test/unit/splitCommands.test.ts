/**
 * What a RUN needs before it can move into a dependency stage (server/src/features/splitCommands.ts)
 * and the naming helpers of the quick-fixes (splitSupport.ts). Table-driven.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { manifestSources, runNeeds } from '../../server/src/features/splitCommands';
import { applyEdits, nameFromImage, normalizeEdits, uniqueName } from '../../server/src/features/splitSupport';

describe('runNeeds: movable installs and the manifests they read', () => {
    const movable: Array<[string, string[], string[]]> = [
        ['npm ci', ['npm'], ['package.json', 'package-lock.json*']],
        ['npm install --omit=dev --no-audit', ['npm'], ['package.json', 'package-lock.json*']],
        ['npm i -g pnpm@9 && pnpm install --frozen-lockfile', ['pnpm'], ['package.json', 'pnpm-lock.yaml*', 'pnpm-workspace.yaml*']],
        ['pnpm fetch --prod', ['pnpm'], ['pnpm-lock.yaml']],
        ['yarn --frozen-lockfile', ['yarn'], ['package.json', 'yarn.lock*']],
        ['yarn install --immutable', ['yarn'], ['package.json', 'yarn.lock*']],
        ['go mod download', ['go'], ['go.mod', 'go.sum*']],
        ['go mod download && go install github.com/x/y@v1.2.3', ['go'], ['go.mod', 'go.sum*']],
        ['pip install --no-cache-dir -r requirements.txt', ['pip'], ['requirements.txt']],
        ['python3 -m pip install -r ./requirements/dev.txt --constraint=constraints.txt', ['pip'], ['requirements/dev.txt', 'constraints.txt']],
        ['pip install --upgrade pip setuptools', ['pip'], []],
        ['uv sync --frozen --no-install-project', ['uv'], ['pyproject.toml', 'uv.lock*']],
        ['uv pip sync requirements.lock', ['uv'], ['requirements.lock']],
        ['poetry install --no-root --only main', ['poetry'], ['pyproject.toml', 'poetry.lock*']],
        ['pipenv install --deploy --system', ['pipenv'], ['Pipfile', 'Pipfile.lock*']],
        ['bundle config set without development && bundle install', ['bundle'], ['Gemfile', 'Gemfile.lock*']],
        ['composer install --no-dev --no-scripts', ['composer'], ['composer.json', 'composer.lock*']],
        ['mvn -B dependency:go-offline', ['mvn'], ['pom.xml']],
        ['dotnet restore', ['dotnet'], ['*.csproj']],
        ['dotnet restore src/Api/Api.csproj', ['dotnet'], ['src/Api/Api.csproj']],
        ['mix local.hex --force && mix deps.get', ['mix'], ['mix.exs', 'mix.lock']],
        ['apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*', ['apt-get'], []],
        ['apk add --no-cache git', ['apk'], []],
        ['curl -fsSL https://get.example.com/install.sh | sh -s -- -y', ['curl'], []],
        ['DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata', ['apt-get'], []],
        ['set -eux; npm ci; npm cache clean --force', ['npm'], ['package.json', 'package-lock.json*']],
    ];
    for (const [script, tools, manifests] of movable) {
        it(`movable: ${script}`, () => {
            const needs = runNeeds(script);
            assert.equal(needs.reason, null);
            assert.equal(needs.movable, true);
            assert.deepEqual(needs.tools, tools);
            assert.deepEqual(manifestSources(needs.manifests), manifests);
        });
    }

    const blocked: Array<[string, RegExp]> = [
        ['npm ci && npm run build', /npm run needs the sources/],
        ['npm install express', /changes package.json/],
        ['yarn add react', /yarn add/],
        ['pip install .', /installs \. from the sources/],
        ['pip install -e .', /-e/],
        ['pip install -r $REQS', /outside the copied sources/],
        ['uv sync --frozen', /--no-install-project/],
        ['poetry install', /--no-root/],
        ['go mod vendor', /go mod needs the sources/],
        ['go build ./...', /go build/],
        ['cargo build --release', /cargo/],
        ['cargo fetch', /cargo/],
        ['bun install', /bun/],
        ['composer install -o', /autoloader/],
        ['mvn package', /needs the sources/],
        ['./configure && make install', /not known/],
        ['apt-get install -y ./vendor/tool.deb', /package file/],
        ['cd web && npm ci', /changes directory/],
        ['npm ci $(cat flags)', /substitution/],
        ['chmod +x entrypoint.sh && npm ci', /chmod/],
        ['rm -rf src/generated && npm ci', /rm removes/],
        ['tar -xzf vendor.tgz -C /opt', /tar reads/],
        ['make deps', /make/],
        ['apt-get update', /no install command/],
    ];
    for (const [script, reason] of blocked) {
        it(`not movable: ${script}`, () => {
            const needs = runNeeds(script);
            assert.equal(needs.movable, false);
            assert.match(needs.reason ?? '', reason);
        });
    }

    it('a node install carries the .dockerignore caveat', () => {
        assert.deepEqual(runNeeds('npm ci').caveats, ['assumes .dockerignore excludes node_modules']);
        assert.deepEqual(runNeeds('go mod download').caveats, []);
    });
});

describe('naming and edit helpers', () => {
    it('nameFromImage', () => {
        const cases: Array<[string, string]> = [
            ['golang:1.22', 'golang'],
            ['docker.io/library/node:20@sha256:abc', 'node'],
            ['registry.local:5000/team/api-base', 'api-base'],
            ['${BASE}', 'stage'],
            ['python:${PY}-slim', 'python'],
            ['mcr.microsoft.com/dotnet/sdk:8.0', 'sdk'],
            ['123', 'stage'],
            ['Ubuntu', 'ubuntu'],
        ];
        for (const [image, name] of cases) assert.equal(nameFromImage(image), name, image);
    });
    it('uniqueName skips taken names, case-insensitively, and reserves what it returns', () => {
        const taken = new Set(['app', 'app-2', 'scratch']);
        assert.equal(uniqueName('App', taken), 'App-3');
        assert.equal(uniqueName('app', taken), 'app-4');
        assert.equal(uniqueName('scratch', taken), 'scratch-2');
        assert.equal(uniqueName('9lives', taken), 'stage');
    });
    it('normalizeEdits merges an insertion at the start of a replacement; applyEdits applies right to left', () => {
        const p = (line: number, character: number) => ({ line, character });
        const edits = normalizeEdits([
            { range: { start: p(1, 0), end: p(1, 4) }, newText: 'FROM' },
            { range: { start: p(1, 0), end: p(1, 0) }, newText: 'X\n' },
            { range: { start: p(0, 0), end: p(0, 1) }, newText: 'a' },
        ]);
        assert.deepEqual(edits, [
            { range: { start: p(0, 0), end: p(0, 1) }, newText: 'a' },
            { range: { start: p(1, 0), end: p(1, 4) }, newText: 'X\nFROM' },
        ]);
        assert.equal(applyEdits('A\nfrom x\r', edits), 'a\nX\nFROM x\r');
        assert.equal(applyEdits('A\r\nfrom x', edits), 'a\r\nX\nFROM x');
    });
});
