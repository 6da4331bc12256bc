/**
 * The repository's real Dockerfiles, for the property, differential and fuzz tests: every file
 * named like a Dockerfile (`Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`, the
 * grammar tests' `*.dockerfile`) under test/ (the analysis fixtures, the real-file corpus in
 * test/fixtures/real when there is one), examples/ and bench/ (the CI benchmark's samples).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..');

export function dockerfilesUnder(dir: string, out: string[] = []): string[] {
    if (!fs.existsSync(dir)) { return out; }
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { if (e.name !== 'node_modules') { dockerfilesUnder(p, out); } } else if (/dockerfile|containerfile/i.test(e.name)) { out.push(p); }
    }
    return out;
}

/** Paths of the corpus, sorted (the same order on every machine, so seeds reproduce). */
export function corpusFiles(): string[] {
    return ['test', 'examples', 'bench'].flatMap((d) => dockerfilesUnder(path.join(ROOT, d))).sort();
}
