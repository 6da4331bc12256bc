/**
 * The CI snippets `stagecraft plan --format github|gitlab` writes, run for real: the steps that
 * build (GitHub's `run:`, GitLab's `script:`) as a POSIX shell script on Docker 26 + buildx (a
 * private engine of this suite), against a real registry. The steps that set up the runner
 * (`uses:` actions, GitLab's `before_script` builder) are the runner's, not ours, and are left out.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cli } from '../support/cli';
import { type Registry, registryHas, startRegistry, tempDir } from '../support/docker';
import { engineSkip, engineTitle, useEngine } from '../support/engines';
import { bkHits, project } from './project';

const KIND = 'docker26' as const;
const skip = engineSkip(KIND);

/** The shell text of the build steps of a generated snippet. */
function buildScript(format: 'github' | 'gitlab', text: string): string {
    if (format === 'github') {
        const steps = parse(text) as { name: string; run?: string; uses?: string }[];
        return steps.filter((s) => s.run !== undefined).map((s) => s.run as string).join('\n');
    }
    const job = (parse(text) as Record<string, { script: string[] }>)['stagecraft-build'];
    return job.script.join('\n');
}

describe(`${engineTitle(KIND)} the generated CI snippets (registry cache) run as they are`, { skip }, () => {
    let registry: Registry;
    before(async () => { registry = await startRegistry(); });
    after(async () => { await registry?.stop(); });

    for (const format of ['github', 'gitlab'] as const) {
        it(`${engineTitle(KIND)} ${format}: a first run with no error block, a warm run all cached, a new branch warm from the default branch`, async () => {
            const e = useEngine(KIND);
            const dir = project();
            const repo = `${registry.host}/snippet-${format}`;
            const plan = await cli(['plan', '--target', 'app', '--cache-repo', repo, '--push', '--format', format, '.'], { cwd: dir, env: e.env() });
            assert.equal(plan.code, 0, plan.all);
            const script = buildScript(format, plan.stdout);
            assert.match(script, /docker buildx build /);
            // `docker` on PATH is this engine's client, as on a runner.
            const bin = tempDir('stagecraft-bin-');
            fs.symlinkSync(e.bin, path.join(bin, 'docker'));
            const run = (branch: string) => {
                const r = spawnSync('sh', ['-c', script], {
                    cwd: dir, encoding: 'utf8',
                    env: { ...e.env(), PATH: `${bin}:${process.env.PATH}`, STAGECRAFT_BRANCH: branch, STAGECRAFT_DEFAULT_BRANCH: 'main' },
                });
                return { code: r.status, out: `${r.stdout}${r.stderr}` };
            };

            e.fresh();
            const cold = run('main');
            assert.equal(cold.code, 0, cold.out);
            assert.match(cold.out, /stagecraft: no cache at \S+:app--buildx-cache yet/);
            assert.doesNotMatch(cold.out, /ERROR|importing cache manifest/, 'only refs that exist are passed');
            assert.equal(await registryHas(registry.host, `snippet-${format}`, 'app--buildx'), true);
            assert.equal(await registryHas(registry.host, `snippet-${format}`, 'app--buildx-cache'), true);

            e.fresh();
            const warm = run('main');
            assert.equal(warm.code, 0, warm.out);
            assert.equal(bkHits(warm.out), 6, `every step of base, deps, build and app from the cache\n${warm.out}`);

            e.fresh();
            const branch = run('Feature/Login');
            assert.equal(branch.code, 0, branch.out);
            assert.equal(bkHits(branch.out), 6, `a new branch reads the default branch's cache\n${branch.out}`);
            assert.match(branch.out, /no cache at \S+:app--buildx-cache--feature-login yet/);
            assert.equal(await registryHas(registry.host, `snippet-${format}`, 'app--buildx-cache--feature-login'), true, 'and writes its own');
            assert.equal(await registryHas(registry.host, `snippet-${format}`, 'app--buildx--feature-login'), true);
        });
    }
});
