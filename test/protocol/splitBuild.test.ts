/**
 * The split quick-fix keeps the build's result: a fixture project is built with the real engine
 * (classic builder) from its Dockerfile before and after the fix the real server proposes, and the
 * files of the images (every path, type, mode, owner, link and content hash; not times) are
 * compared. Nothing is pulled: the base image is `stagecraft-test/busybox:1` from
 * `scripts/docker-up.sh`.
 *
 * No engine: skipped with the reason printed, or FAILS when STAGECRAFT_REQUIRE_DOCKER=1 (the
 * shared test/support/docker.ts decides).
 * Removes only the images its builds created.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { applyWorkspaceEdit } from './workspaceEdit';
import { BASE_IMAGE, dockerBin, dockerSkip } from '../support/docker';
import { LspClient, fileUri } from './lspClient';

/** Binary-safe (docker export), with the client the shared helper chose. */
function docker(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): { code: number; stdout: Buffer; stderr: string } {
    const r = spawnSync(dockerBin(), args, { env: { ...process.env, ...opts.env }, maxBuffer: 512 * 1024 * 1024 });
    return { code: r.status ?? -1, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString() + (r.error ? String(r.error) : '') };
}

// --- the fixture -------------------------------------------------------------------------------

/** Fake package managers: each writes what a real one would, computed from its manifests only. */
const FAKE_NPM = `#!/bin/sh
set -e
[ "$1" = ci ] || { echo "fake npm: only ci" >&2; exit 2; }
[ -f .npmrc ] || { echo "fake npm: no .npmrc (a real npm would use another registry)" >&2; exit 3; }
mkdir -p node_modules/left-pad
cat package.json package-lock.json .npmrc | md5sum | cut -d' ' -f1 > node_modules/.lock-hash
echo "$NODE_ENV" > node_modules/.node-env
echo 'module.exports = (s) => s' > node_modules/left-pad/index.js
`;
const FAKE_PIP = `#!/bin/sh
set -e
[ "$1" = install ] && [ "$2" = -r ] || { echo "fake pip: only install -r" >&2; exit 2; }
mkdir -p /usr/lib/py
md5sum "$3" | cut -d' ' -f1 > /usr/lib/py/requirements.md5
`;

const DOCKERFILE = `# escape=\`
# tools: the fake package managers
FROM ${BASE_IMAGE} AS tools
COPY fake/npm.sh /bin/npm
COPY fake/pip.sh /bin/pip

# app builds the app
FROM tools AS app
WORKDIR /app
ARG FLAVOR=plain
COPY --chown=1000:1000 \`
    . .
ENV NODE_ENV=production
RUN npm ci --omit=dev && pip install -r requirements.txt
RUN cat src/main.txt node_modules/.lock-hash > built.txt && echo "$FLAVOR" > flavor.txt

FROM ${BASE_IMAGE}
COPY --from=1 /app /srv
COPY --from=app /usr/lib/py /usr/lib/py
`;

function writeContext(dir: string): void {
    const files: Record<string, string> = {
        'package.json': '{ "name": "fixture", "version": "1.0.0", "dependencies": { "left-pad": "1.3.0" } }\n',
        'package-lock.json': '{ "lockfileVersion": 3, "packages": { "node_modules/left-pad": { "version": "1.3.0" } } }\n',
        'requirements.txt': 'flask==3.0.3\n',
        // What npm reads besides the manifests (the registry, auth): the split stage must copy it too.
        '.npmrc': 'fund=false\n',
        'src/main.txt': 'the sources\n',
        'src/lib/util.txt': 'more sources\n',
        'fake/npm.sh': FAKE_NPM,
        'fake/pip.sh': FAKE_PIP,
        // What the .dockerignore assumption is about: a local node_modules never reaches the image.
        'node_modules/stale/index.js': 'stale local install\n',
        '.dockerignore': 'node_modules\n*.Dockerfile\n',
    };
    for (const [name, content] of Object.entries(files)) {
        const p = path.join(dir, name);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
    }
}

// --- reading an exported file system ----------------------------------------------------------

export interface TarEntry {
    path: string;
    type: string;
    mode: number;
    uid: number;
    gid: number;
    size: number;
    link: string;
    sha256: string | null;
}

function cstr(buf: Buffer, start: number, len: number): string {
    const s = buf.subarray(start, start + len);
    const nul = s.indexOf(0);
    return (nul < 0 ? s : s.subarray(0, nul)).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number): number {
    const s = cstr(buf, start, len).trim();
    return s === '' ? 0 : parseInt(s, 8);
}

/** The entries of a tar stream (ustar, pax and GNU long names), keyed by normalised path. */
export function readTar(tar: Buffer): Map<string, TarEntry> {
    const out = new Map<string, TarEntry>();
    let off = 0;
    let longName: string | null = null;
    let longLink: string | null = null;
    let pax: Record<string, string> = {};
    while (off + 512 <= tar.length) {
        const h = tar.subarray(off, off + 512);
        if (h.every((b) => b === 0)) break;
        const type = String.fromCharCode(h[156] || 48);
        let size = octal(h, 124, 12);
        if (pax.size) size = Number(pax.size);
        const body = tar.subarray(off + 512, off + 512 + size);
        off += 512 + Math.ceil(size / 512) * 512;
        if (type === 'x') {
            pax = {};
            let text = body.toString('utf8');
            while (text.length > 0) {
                const sp = text.indexOf(' ');
                const len = Number(text.slice(0, sp));
                const record = text.slice(sp + 1, len - 1);
                const eq = record.indexOf('=');
                pax[record.slice(0, eq)] = record.slice(eq + 1);
                text = text.slice(len);
            }
            continue;
        }
        if (type === 'g') continue;
        if (type === 'L') { longName = cstr(body, 0, body.length); continue; }
        if (type === 'K') { longLink = cstr(body, 0, body.length); continue; }
        const prefix = cstr(h, 345, 155);
        let name = pax.path ?? longName ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
        name = name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
        const link = pax.linkpath ?? longLink ?? cstr(h, 157, 100);
        out.set(name, {
            path: name,
            type,
            mode: octal(h, 100, 8) & 0o7777,
            uid: pax.uid ? Number(pax.uid) : octal(h, 108, 8),
            gid: pax.gid ? Number(pax.gid) : octal(h, 116, 8),
            size: type === '0' ? size : 0,
            link,
            sha256: type === '0' ? createHash('sha256').update(body).digest('hex') : null,
        });
        longName = null;
        longLink = null;
        pax = {};
    }
    return out;
}

// --- the test ----------------------------------------------------------------------------------

describe('split heavy step: the image builds to the same files (real engine, classic builder)', () => {
    // False when the engine is usable; the reason (printed) to skip; throws when STAGECRAFT_REQUIRE_DOCKER=1,
    // which then fails the test below (a counted failure, not a broken file).
    let skip: string | false = false;
    let required: unknown = null;
    try {
        skip = dockerSkip();
    } catch (error) {
        required = error;
    }

    const run = randomBytes(4).toString('hex');
    const repo = `stagecraft-splittest-${run}`;
    const created = new Set<string>();
    const tags: string[] = [];
    let dir = '';
    let client: LspClient | undefined;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-split-'));
        writeContext(dir);
        fs.writeFileSync(path.join(dir, 'before.Dockerfile'), DOCKERFILE);
    });

    after(async () => {
        await client?.stop();
        for (const tag of tags) docker(['rmi', tag]);
        // Intermediate stage images the builds made, newest first; ones still in use stay.
        for (const id of [...created].reverse()) docker(['rmi', id]);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Builds `file` to `tag` with the classic builder; records the images the build created.
     * Retried (from cache) when an untagged intermediate image vanished mid-build: other engine
     * suites running in parallel clean up the untagged images made while they ran
     * (test/support/docker.ts freshEngine), which can catch ours between two steps.
     */
    function build(file: string, tag: string, target?: string): void {
        const args = ['build', '-f', path.join(dir, file), '-t', tag, '--build-arg', 'FLAVOR=spicy'];
        if (target) args.push('--target', target);
        args.push(dir);
        tags.push(tag);
        let output = '';
        for (let attempt = 1; attempt <= 4; attempt++) {
            const existing = new Set(docker(['images', '-aq']).stdout.toString().split(/\s+/).filter(Boolean));
            const r = docker(args, { env: { DOCKER_BUILDKIT: '0' } });
            output = r.stdout.toString() + r.stderr;
            for (const m of output.matchAll(/---> ([0-9a-f]{12})\b/g)) {
                if (!existing.has(m[1]!)) created.add(m[1]!);
            }
            if (r.code === 0) return;
            if (!/failed to get digest|No such image|unable to find image|image .* not found|layer does not exist|unknown parent image|failed to set parent/i.test(output)) break;
            console.log(`# splitBuild: an intermediate image vanished during attempt ${attempt} (parallel cleanup); building again`);
        }
        assert.fail(`docker build ${file} failed:\n${output}`);
    }

    function files(image: string): Map<string, TarEntry> {
        const c = docker(['create', image]);
        assert.equal(c.code, 0, c.stderr);
        const id = c.stdout.toString().trim();
        try {
            const e = docker(['export', id]);
            assert.equal(e.code, 0, e.stderr);
            return readTar(e.stdout);
        } finally {
            docker(['rm', id]);
        }
    }

    function sameFiles(a: Map<string, TarEntry>, b: Map<string, TarEntry>): void {
        const only = (x: Map<string, TarEntry>, y: Map<string, TarEntry>) => [...x.keys()].filter((k) => !y.has(k)).sort();
        assert.deepEqual({ onlyBefore: only(a, b), onlyAfter: only(b, a) }, { onlyBefore: [], onlyAfter: [] });
        const differing = [...a.keys()].filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)));
        assert.deepEqual(differing.map((k) => [a.get(k), b.get(k)]), []);
    }

    it('before and after the fix: the final image and the split stage have identical files', { skip: skip === false ? undefined : skip, timeout: 300_000 }, async () => {
        if (required) throw required;

        // The fix, as the real server proposes it.
        client = await LspClient.start({ workspaceFolders: [dir] });
        const uri = fileUri(path.join(dir, 'before.Dockerfile'));
        await client.open(uri, DOCKERFILE);
        const published = await client.diagnostics(uri);
        const heavy = published.diagnostics.filter((d: Diagnostic) => d.code === 'heavy-after-broad-copy');
        // One per heavy step of the RUN (npm ci, pip install), all on the RUN.
        assert.deepEqual(heavy.map((d) => d.range.start.line), [13, 13], JSON.stringify(published.diagnostics));
        const list = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: heavy[0]!.range, context: { diagnostics: heavy } });
        const fix = list.find((a) => a.title.startsWith('Split heavy step'));
        assert.ok(fix, JSON.stringify(list.map((a) => a.title)));
        assert.equal(fix.title, 'Split heavy step into its own stage');
        assert.deepEqual(fix.diagnostics, heavy);
        const split = applyWorkspaceEdit(DOCKERFILE, uri, fix.edit);
        // Under `# escape=\``, the flags of the continued COPY kept, .npmrc copied with the manifests.
        assert.match(split, /FROM tools AS app-deps\n[\s\S]*COPY --chown=1000:1000 package\.json requirements\.txt package-lock\.json\* npm-shrinkwrap\.json\* \.npmrc\* \.\/\nENV NODE_ENV=production\nRUN npm ci/);
        assert.match(split, /COPY --from=2 \/app \/srv/);
        fs.writeFileSync(path.join(dir, 'after.Dockerfile'), split);

        build('before.Dockerfile', `${repo}:before`);
        build('after.Dockerfile', `${repo}:after`);
        const before = files(`${repo}:before`);
        const afterFix = files(`${repo}:after`);
        assert.equal(before.get('srv/built.txt')?.type, '0', 'the fixture built what it should');
        assert.ok(before.has('srv/node_modules/left-pad/index.js'));
        assert.equal(before.get('srv/src/main.txt')?.uid, 1000, 'the COPY --chown applied');
        assert.ok(!before.has('srv/node_modules/stale/index.js'), '.dockerignore kept the local node_modules out');
        assert.ok(before.has('usr/lib/py/requirements.md5'));
        sameFiles(before, afterFix);

        build('before.Dockerfile', `${repo}:app-before`, 'app');
        build('after.Dockerfile', `${repo}:app-after`, 'app');
        const appBefore = files(`${repo}:app-before`);
        const appAfter = files(`${repo}:app-after`);
        assert.ok(appBefore.has('app/flavor.txt'));
        sameFiles(appBefore, appAfter);

        // The ARG was declared again in the stage: the build arg reached the step after the split.
        const flavor = docker(['run', '--rm', `${repo}:app-after`, 'cat', '/app/flavor.txt']);
        assert.equal(flavor.stdout.toString(), 'spicy\n', flavor.stderr);
    });
});
