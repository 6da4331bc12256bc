/**
 * The tool tables (server/src/analysis/tools/): what each simple command does (a heavy step, a test
 * run, a build), whether a RUN can move into a dependency stage and which context files it then
 * needs (config files included), and the naming helpers of the quick-fixes (splitSupport.ts).
 * Table-driven.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readCommand, runMove, sourcesToCopy } from '../../server/src/analysis/tools';
import { simpleCommands } from '../../server/src/analysis/shell';
import { applyEdits, nameFromImage, normalizeEdits, uniqueName } from '../../server/src/features/splitSupport';

describe('runMove: movable installs and the files they read', () => {
    const movable: Array<[string, string[], string[]]> = [
        ['npm ci', ['npm'], ['package.json', 'package-lock.json*', 'npm-shrinkwrap.json*', '.npmrc*']],
        ['npm install --omit=dev --no-audit', ['npm'], ['package.json', 'package-lock.json*', 'npm-shrinkwrap.json*', '.npmrc*']],
        ['npm i -g pnpm@9 && pnpm install --frozen-lockfile', ['npm', 'pnpm'],
            ['package.json', 'pnpm-lock.yaml*', 'pnpm-workspace.yaml*', '.npmrc*', '.pnpmfile.cjs*']],
        ['pnpm fetch --prod', ['pnpm'], ['pnpm-lock.yaml', '.npmrc*']],
        ['yarn --frozen-lockfile', ['yarn'], ['package.json', 'yarn.lock*', '.yarnrc*', '.npmrc*']],
        ['yarn install --immutable', ['yarn'], ['package.json', 'yarn.lock*', '.yarnrc*', '.npmrc*']],
        ['bun install --frozen-lockfile', ['bun'], ['package.json', 'bun.lock*', 'bunfig.toml*', '.npmrc*']],
        ['go mod download', ['go'], ['go.mod', 'go.sum*']],
        ['go mod download && go install github.com/x/y@v1.2.3', ['go'], ['go.mod', 'go.sum*']],
        ['pip install --no-cache-dir -r requirements.txt', ['pip'], ['requirements.txt']],
        ['python3 -m pip install -r ./requirements/dev.txt --constraint=constraints.txt', ['pip'], ['requirements/dev.txt', 'constraints.txt']],
        ['pip install --upgrade pip setuptools', ['pip'], []],
        ['uv sync --frozen --no-install-project', ['uv'], ['pyproject.toml', 'uv.lock*', 'uv.toml*', '.python-version*']],
        ['uv pip sync requirements.lock', ['uv'], ['requirements.lock']],
        ['poetry install --no-root --only main', ['poetry'], ['pyproject.toml', 'poetry.lock*', 'poetry.toml*']],
        ['pipenv install --deploy --system', ['pipenv'], ['Pipfile', 'Pipfile.lock*']],
        ['bundle config set without development && bundle install', ['bundle'], ['Gemfile', 'Gemfile.lock*']],
        ['composer install --no-dev --no-scripts', ['composer'], ['composer.json', 'composer.lock*', 'auth.json*']],
        ['mvn -B dependency:go-offline', ['mvn'], ['pom.xml']],
        ['./mvnw -B dependency:go-offline', ['mvn'], ['pom.xml', 'mvnw', '.mvn/']],
        ['dotnet restore', ['dotnet'], ['*.csproj', 'NuGet.Config*', 'nuget.config*', 'Directory.Build.props*', 'Directory.Packages.props*', 'global.json*']],
        ['dotnet restore src/Api/Api.csproj', ['dotnet'], ['src/Api/Api.csproj', 'NuGet.Config*', 'nuget.config*', 'Directory.Build.props*', 'Directory.Packages.props*', 'global.json*']],
        ['mix local.hex --force && mix deps.get', ['mix'], ['mix.exs', 'mix.lock*']],
        ['cargo chef cook --release --recipe-path recipe.json', ['cargo'], ['recipe.json', 'rust-toolchain*']],
        ['apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*', ['apt-get'], []],
        ['apk add --no-cache git', ['apk'], []],
        ['docker-php-ext-install -j4 intl', ['php-extensions'], []],
        ['curl -fsSL https://get.example.com/install.sh | sh -s -- -y', ['curl'], []],
        ['DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata', ['apt-get'], []],
        ['set -eux; npm ci; npm cache clean --force', ['npm'], ['package.json', 'package-lock.json*', 'npm-shrinkwrap.json*', '.npmrc*']],
        ['case "$ARCH" in amd64|arm64) GOBIN=/out go install tool@v1 ;; *) mkdir -p /out ;; esac', ['go'], []],
    ];
    for (const [script, tools, files] of movable) {
        it(`movable: ${script}`, () => {
            const move = runMove(script);
            assert.equal(move.reason, null);
            assert.equal(move.movable, true);
            assert.deepEqual(move.tools, tools);
            assert.deepEqual(sourcesToCopy(move.files), files);
        });
    }

    const blocked: Array<[string, RegExp]> = [
        ['npm ci && npm run build', /npm run build builds the sources/],
        ['npm install express', /changes package.json/],
        ['yarn add react', /yarn add/],
        ['pip install .', /installs \. from the sources/],
        ['pip install -e .', /-e/],
        ['pip install -r $REQS', /outside the copied sources/],
        ['uv sync --frozen', /--no-install-project/],
        ['poetry install', /--no-root/],
        ['go mod vendor', /go mod vendor reads the imports/],
        ['go build ./...', /go build/],
        ['cargo build --release', /cargo/],
        ['cargo fetch', /cargo/],
        ['bun add zod', /changes package.json/],
        ['composer install -o', /autoloader/],
        ['mvn package', /needs the sources/],
        ['./configure && make install', /configure reads the sources/],
        ['apt-get install -y ./vendor/tool.deb', /installs \.\/vendor\/tool\.deb from the sources/],
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
            const needs = runMove(script);
            assert.equal(needs.movable, false);
            assert.match(needs.reason ?? '', reason);
        });
    }

    it('a node install carries the .dockerignore caveat', () => {
        assert.deepEqual(runMove('npm ci').caveats, ['assumes .dockerignore excludes node_modules']);
        assert.deepEqual(runMove('go mod download').caveats, []);
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

describe('the tool tables: what each command is', () => {
    const one = (script: string) => readCommand(simpleCommands(script)[0]!);
    const cases: Array<[string, string, string]> = [
        // [command, kind, the step's short name or heavy kind]
        ['npm clean-install', 'heavy', 'npm clean-install'],
        ['npm install -g azurite@3.18.0', 'heavy', 'npm install'],
        ['npm run build:app:docker', 'build', 'npm run build:app:docker'],
        ['npm test', 'test', 'npm test'],
        ['yarn build-docker', 'build', 'yarn build-docker'],
        ['yarn run test --coverage', 'test', 'yarn run test'],
        ['pnpm exec prisma generate', 'other', ''],
        ['go install github.com/go-delve/delve/cmd/dlv@v1.8.1', 'heavy', 'go install'],
        ['go install .', 'build', 'go install'],
        ['xx-go build -o /usr/bin/x ./cmd/x', 'build', 'xx-go build'],
        ['go test -o /usr/local/bin/x.test -c ./cmd/x', 'build', 'go test -c'],
        ['gotestsum -- ./...', 'test', 'gotestsum'],
        ['cargo install cargo-chef --locked', 'heavy', 'cargo install'],
        ['git clone https://github.com/containers/crun.git /tmp/crun', 'heavy', 'git clone'],
        ['git checkout -q v1.2', 'other', ''],
        ['make -j install', 'heavy', 'make install'],
        ['make bin/containerd', 'build', 'make bin/containerd'],
        ['make test COVERAGEDIR=/out', 'test', 'make test'],
        ['mold -run make -j 8 -s neon-pg-ext-v14', 'build', 'make neon-pg-ext-v14'],
        ['pecl install apcu-5.1.8', 'heavy', 'pecl install'],
        ['docker-php-ext-install -j4 pdo_mysql', 'heavy', 'docker-php-ext-install'],
        ['php composer.phar install --no-dev --optimize-autoloader', 'heavy', 'composer install'],
        ['tox --notest', 'heavy', 'tox --notest'],
        ['tox -e py311', 'test', 'tox'],
        ['python3 -m build --wheel', 'build', 'python3 -m build'],
        ['python3.12 -m pytest -q', 'test', 'python3.12 -m pytest'],
        ['./gradlew installDist', 'build', './gradlew installDist'],
        ['mvn -B -pl server -am package -DskipTests', 'heavy', 'mvn -B -pl server -am package'],
        ['bundle exec rake assets:precompile', 'build', 'bundle exec rake assets:precompile'],
        ['dotnet publish -c Release -o /app', 'build', 'dotnet publish'],
        ['mix do deps.get, deps.compile', 'heavy', 'mix deps.get'],
        ['/install.sh containerd', 'other', ''],
    ];
    for (const [cmd, kind, name] of cases) {
        it(`${cmd}: ${kind}`, () => {
            const step = one(cmd);
            assert.equal(step.kind, kind, JSON.stringify(step));
            if (step.kind === 'heavy' || step.kind === 'test' || step.kind === 'build') assert.equal(step.command, name);
        });
    }
});

describe('simpleCommands: the one shell reader', () => {
    const texts = (script: string) => simpleCommands(script).map((c) => c.text);
    it('splits at operators outside quotes and substitutions, drops wrappers, comments and case patterns', () => {
        assert.deepEqual(texts('echo "a && b" && npm ci; X=1 sudo -E env -i go mod download | tee log'),
            ['echo a && b', 'npm ci', 'go mod download', 'tee log']);
        assert.deepEqual(texts('v=$(cat x && echo y) && apk add git # not; a command\nfi'), ['apk add git']);
        assert.deepEqual(texts('if [ -f yarn.lock ]; then yarn --frozen-lockfile; elif [ -f x ]; then npm ci; fi'),
            ['[ -f yarn.lock ]', 'yarn --frozen-lockfile', '[ -f x ]', 'npm ci']);
        assert.deepEqual(texts('case "$A" in amd64|arm64) go install x@v1 ;; *) mkdir -p /out ;; esac'), ['go install x@v1', 'mkdir -p /out']);
        assert.deepEqual(texts('<<EOF\nset -e\napk add curl > /dev/null'), ['set -e', 'apk add curl']);
    });
});
