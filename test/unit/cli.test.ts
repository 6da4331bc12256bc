/** The `stagecraft` command as a user runs it: a real process, real files, exit codes. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stagecraft.js');
const GO = path.join(ROOT, 'test', 'fixtures', 'analysis', 'go-service.Dockerfile');

function stagecraft(...args: string[]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('stagecraft analyze', () => {
    it('prints the stage table and the graph', () => {
        const r = stagecraft('analyze', GO);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.split('\n');
        assert.match(lines[0], /^#\s+STAGE\s+LINE\s+BASE\s+PATTERNS\s+TARGET NEEDS$/);
        assert.match(r.stdout, /^0\s+base\s+3\s+golang:1\.22-bookworm\s+alias\s+used$/m);
        assert.match(r.stdout, /^1\s+deps\s+7\s+stage base\s+split-step\s+used$/m);
        assert.match(r.stdout, /^3\s+test\s+17\s+stage build\s+tested-app\s+unused$/m);
        assert.match(r.stdout, /^4\s+app\s+20\s+gcr\.io\/distroless\/static-debian12\s+-\s+target$/m);
        assert.match(r.stdout, /^ {2}app <- FROM image gcr\.io\/distroless\/static-debian12, COPY --from build$/m);
        assert.match(r.stdout, /^Unused by the target: test$/m);
    });

    it('prints JSON with --json, honouring --target, --build-arg and --platform', () => {
        const r = stagecraft('analyze', '--json', '--target', 'test', '--build-arg', 'GO_VERSION=1.23', '--platform', 'linux/arm64', GO);
        assert.equal(r.code, 0, r.stderr);
        const j = JSON.parse(r.stdout);
        assert.equal(j.target, 3);
        assert.equal(j.platform, 'linux/arm64');
        assert.equal(j.stages[0].fromResolved, 'golang:1.23-bookworm');
        assert.deepEqual(j.unused, [4]);
        assert.deepEqual(j.stages[2].dependsOn, [1]);
        assert.deepEqual(j.stages[3].patterns, ['tested-app']);
    });

    const errors: [string[], RegExp][] = [
        [['analyze', '/no/such/Dockerfile'], /^stagecraft analyze: cannot read \/no\/such\/Dockerfile: ENOENT\n$/],
        [['analyze', '--target', 'nope', GO], /^stagecraft analyze: target stage "nope" is not in the Dockerfile\n$/],
        [['analyze', '--platform', 'amd64', GO], /^stagecraft analyze: platform "amd64" is not of the form os\/arch\[\/variant\]\n$/],
        [['analyze', '--bogus', GO], /^stagecraft analyze: unknown option --bogus\n$/],
        [['analyze', '--build-arg', '=x', GO], /^stagecraft analyze: --build-arg "=x" is not KEY=VALUE\n$/],
        [['analyze'], /^stagecraft analyze: analyze takes exactly one Dockerfile/],
        [['analyze', ROOT], /is a directory, not a Dockerfile\n$/],
        [['frobnicate'], /^stagecraft: unknown command "frobnicate"/],
    ];
    for (const [args, message] of errors) {
        it(`fails with one line and exit 2: ${args.join(' ').replace(ROOT, '.')}`, () => {
            const r = stagecraft(...args);
            assert.equal(r.code, 2);
            assert.match(r.stderr, message);
            assert.equal(r.stderr.trim().split('\n').length, 1);
            assert.equal(r.stdout, '');
        });
    }

    it('rejects a file with no FROM', () => {
        const r = stagecraft('analyze', path.join(ROOT, 'package.json'));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /has no FROM instruction/);
    });
});

describe('stagecraft on its own bugs', () => {
    it('exits 70 with one line that says it is a bug, never 2 (the bad-Dockerfile code), and prints no output', async () => {
        // A bug inside the analysis, made by replacing its parse for this one call.
        const parse = require('../../server/src/analysis/parse') as { parseDockerfile: (t: string) => unknown };
        const { main } = await import('../../server/src/cli/main');
        const real = parse.parseDockerfile;
        parse.parseDockerfile = () => { throw new TypeError('boom'); };
        let out = '';
        let err = '';
        try {
            const code = await main(['analyze', GO], { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: ROOT, env: {} });
            assert.equal(code, 70);
        } finally {
            parse.parseDockerfile = real;
        }
        assert.equal(out, '');
        assert.equal(err, 'stagecraft analyze: internal error while analysing (a bug in Stagecraft, please report it): boom\n');
    });

    it('documents exit code 70 in its help', () => {
        assert.match(stagecraft('--help').stdout, /70 internal error/);
        assert.match(stagecraft('analyze', '--help').stdout, /70 internal error/);
    });

    it('gives one clear line and exit 2 for a file too large to analyse', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-large-'));
        try {
            const file = path.join(dir, 'Dockerfile');
            fs.writeFileSync(file, 'FROM alpine\n' + 'RUN true\n'.repeat(130_000));
            const r = stagecraft('analyze', file);
            assert.equal(r.code, 2);
            assert.equal(r.stderr, `stagecraft analyze: ${file}: the file is too large to analyse (1.2 million characters; at most 1.0 million characters)\n`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
