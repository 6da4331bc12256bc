/** The inputs fingerprint's view of a build context: what docker would be sent, and nothing else. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextDigest } from '../../server/src/runner/inputs';

function tree(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-ctx-'));
    for (const [p, c] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), c);
    }
    return dir;
}

function digest(dir: string, patterns: string[] = [], exclude: string[] = []): string {
    const d = contextDigest(dir, patterns, exclude);
    assert.ok('digest' in d, JSON.stringify(d));
    return d.digest;
}

describe('inputs: the context digest', () => {
    it('changes with a file\'s content, name, mode or a new file; not with mtime alone', () => {
        const dir = tree({ 'src/a.ts': 'a', 'package.json': '{}' });
        const d0 = digest(dir);
        fs.utimesSync(path.join(dir, 'src/a.ts'), new Date(2000, 1, 1), new Date(2000, 1, 1));
        assert.equal(digest(dir), d0, 'mtime is not an input (docker cache keys ignore it)');
        fs.writeFileSync(path.join(dir, 'src/a.ts'), 'b');
        const d1 = digest(dir);
        assert.notEqual(d1, d0, 'content');
        fs.chmodSync(path.join(dir, 'src/a.ts'), 0o755);
        const d2 = digest(dir);
        assert.notEqual(d2, d1, 'mode');
        fs.renameSync(path.join(dir, 'src/a.ts'), path.join(dir, 'src/b.ts'));
        const d3 = digest(dir);
        assert.notEqual(d3, d2, 'name');
        fs.writeFileSync(path.join(dir, 'README.md'), '');
        assert.notEqual(digest(dir), d3, 'an empty new file');
    });

    it('follows .dockerignore as docker does, exceptions included', () => {
        const dir = tree({ 'src/a.ts': 'a', 'node_modules/x/index.js': 'x', 'docs/keep.md': 'k', 'docs/drop.md': 'd', 'nested/node_modules/y.js': 'y' });
        const patterns = ['node_modules', 'docs/*', '!docs/keep.md'];
        const d0 = digest(dir, patterns);
        fs.writeFileSync(path.join(dir, 'node_modules/x/index.js'), 'changed');
        fs.writeFileSync(path.join(dir, 'docs/drop.md'), 'changed');
        assert.equal(digest(dir, patterns), d0, 'ignored files are not inputs');
        fs.writeFileSync(path.join(dir, 'docs/keep.md'), 'changed');
        const d1 = digest(dir, patterns);
        assert.notEqual(d1, d0, 'a file an exception brings back is an input');
        // `node_modules` only matches at the root, as in docker (not like .gitignore).
        fs.writeFileSync(path.join(dir, 'nested/node_modules/y.js'), 'changed');
        assert.notEqual(digest(dir, patterns), d1);
    });

    it('symlinks count by their target path; excluded directories are not walked', () => {
        const dir = tree({ 'a.txt': 'a', '.stagecraft/cache.tar': 'big' });
        fs.symlinkSync('a.txt', path.join(dir, 'link'));
        const d0 = digest(dir, [], [path.join(dir, '.stagecraft')]);
        fs.writeFileSync(path.join(dir, '.stagecraft/cache.tar'), 'bigger');
        assert.equal(digest(dir, [], [path.join(dir, '.stagecraft')]), d0, 'the cache dir is not an input');
        fs.unlinkSync(path.join(dir, 'link'));
        fs.symlinkSync('elsewhere.txt', path.join(dir, 'link'));
        assert.notEqual(digest(dir, [], [path.join(dir, '.stagecraft')]), d0);
    });

    it('counts files and bytes', () => {
        const d = contextDigest(tree({ 'a': '12', 'b/c': '345' }), [], []);
        assert.ok('digest' in d);
        assert.deepEqual([d.files, d.bytes], [2, 5]);
    });
});
