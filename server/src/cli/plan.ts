/**
 * `stagecraft plan`: print the cached per-stage build plan (shell, json, github, gitlab).
 * Also the one place that reads the options shared with `stagecraft build` into a typed record.
 */
import * as os from 'os';
import * as path from 'path';
import { analyze, type Analysis } from '../analysis';
import { chooseBackend } from '../plan/backend';
import { FORMATS, formatPlan, type PlanFormat } from '../plan/formats';
import { BACKENDS, type BackendChoice, type BuildxCacheType, PlanError, type PlanOptions, planBuild } from '../plan/plan';
import { readDockerfile } from './analyze';
import { type CliIO, UsageError, checkAnalysed, parseArgs, parseBuildArgs } from './io';

export const EXIT_CODES = `Exit codes:
  0  success
  1  the build failed (a RUN or COPY failed; the message names the stage and line)
  2  bad option, unreadable or malformed Dockerfile, unknown target
  3  Docker unreachable or not installed, or the requested builder is not usable
  4  built, but publishing the cache failed (push refused, registry down, save failed);
     the images are built and tagged locally
  70 internal error: a bug in stagecraft (please report it), never the Dockerfile's fault
  130 interrupted (Ctrl-C); nothing half-tagged`;

export const COMMON_OPTIONS = `  -f, --file FILE        the Dockerfile (default: CONTEXT/Dockerfile)
  --target T             stage to build: a name or an index (default: the last stage)
  --cache-repo REPO      registry repository for per-stage cache images, e.g.
                         registry.example.com/app/cache (default: local tags
                         stagecraft-cache/<project>, no registry)
  --backend B            auto | classic | buildkit | buildx | save-load (default auto:
                         classic with a registry, save-load with --cache-dir only,
                         else the engine's BuildKit)
  --push                 push each stage's cache image after it is built
  --build-arg K=V        build argument (repeatable)
  --platform os/arch     target platform
  --cache-dir DIR        save-load tarball, buildx local cache, derived Dockerfiles
                         (default ~/.cache/stagecraft/<project>)
  --branch NAME          tag cache images per branch; pulls fall back to the default
                         branch's images, so a new branch starts warm
  --default-branch NAME  the branch whose tags need no suffix (default main)
  -t, --tag NAME         also tag the target's image (repeatable)
  --buildx-cache TYPE    registry | local | gha (buildx backend; default registry
                         with --cache-repo, else local)
  --project NAME         names the local cache repository (default: context folder)`;

export const PLAN_HELP = `usage: stagecraft plan [options] [--format shell|json|github|gitlab] [CONTEXT]

Prints the cached per-stage build plan: every stage the target needs, in dependency order,
with its cache image and the exact docker commands. Nothing is run.
  --format F             shell (default), json, github (GitHub Actions steps list),
                         gitlab (GitLab CI job)
${COMMON_OPTIONS}
Exit codes: 0 printed, 2 bad option or Dockerfile, 70 internal error (a bug).
`;

export interface BuildRequest {
    dockerfile: string;
    context: string;
    target: string | number | undefined;
    cacheRepo: string | null;
    backend: BackendChoice;
    push: boolean;
    buildArgs: Record<string, string>;
    platform: string | null;
    cacheDir: string;
    cacheDirGiven: boolean;
    branch: string | null;
    defaultBranch: string;
    tags: string[];
    buildxCache: BuildxCacheType | null;
    project: string;
    format: PlanFormat;
    quiet: boolean;
    /** build: after a skipped no-change build, pull the target's image anyway. */
    load: boolean;
    /** build: never skip a build because the registry holds images of the same inputs. */
    noSkip: boolean;
    /** build: write the build report (common/report.ts) here. */
    report: string | null;
    help: boolean;
}

/** argv -> typed request. Throws UsageError on bad options. */
export function readRequest(argv: string[], io: Pick<CliIO, 'cwd' | 'env'>, extra: { values?: string[]; flags?: string[] } = {}): BuildRequest {
    const args = parseArgs(argv, {
        values: ['file', 'target', 'cache-repo', 'backend', 'build-arg', 'platform', 'cache-dir', 'branch', 'default-branch', 'tag', 'buildx-cache', 'project', ...(extra.values ?? [])],
        flags: ['push', 'help', ...(extra.flags ?? [])],
        repeat: ['build-arg', 'tag'],
        aliases: { f: 'file', t: 'tag', h: 'help', q: 'quiet' },
    });
    const one = (k: string) => args.options.get(k)?.[0];
    if (args.positional.length > 1) { throw new UsageError(`one build context expected, got ${args.positional.map((p) => JSON.stringify(p)).join(' ')}`); }
    const context = args.positional[0] ?? '.';
    const dockerfile = one('file') ?? path.join(context, 'Dockerfile');
    const backend = (one('backend') ?? 'auto') as BackendChoice;
    if (!BACKENDS.includes(backend)) { throw new UsageError(`--backend ${backend}: choose one of ${BACKENDS.join(', ')}`); }
    const format = (one('format') ?? 'shell') as PlanFormat;
    if (!FORMATS.includes(format)) { throw new UsageError(`--format ${format}: choose one of ${FORMATS.join(', ')}`); }
    const buildxCache = (one('buildx-cache') ?? null) as BuildxCacheType | null;
    if (buildxCache !== null && !['registry', 'local', 'gha'].includes(buildxCache)) { throw new UsageError(`--buildx-cache ${buildxCache}: choose registry, local or gha`); }
    const rawTarget = one('target');
    const target = rawTarget === undefined ? undefined : /^\d+$/.test(rawTarget) ? Number(rawTarget) : rawTarget;
    const project = one('project') ?? (path.basename(path.resolve(io.cwd, context)) || 'project');
    const cacheDirOpt = one('cache-dir');
    const home = io.env.HOME || os.homedir();
    const cacheDir = cacheDirOpt ?? path.join(io.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'stagecraft', project.replace(/[^A-Za-z0-9._-]+/g, '-'));
    const platform = one('platform') ?? null;
    const tags = args.options.get('tag') ?? [];
    for (const t of tags) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(t)) { throw new UsageError(`--tag ${JSON.stringify(t)} is not an image reference`); }
    }
    return {
        dockerfile, context, target, cacheRepo: one('cache-repo')?.trim() || null, backend, push: args.flags.has('push'),
        buildArgs: parseBuildArgs(args.options.get('build-arg'), io.env), platform, cacheDir, cacheDirGiven: cacheDirOpt !== undefined,
        branch: one('branch')?.trim() || null, defaultBranch: one('default-branch')?.trim() || 'main', tags, buildxCache, project, format,
        quiet: args.flags.has('quiet'), load: args.flags.has('load'), noSkip: args.flags.has('no-skip'), report: one('report') ?? null, help: args.flags.has('help'),
    };
}

/** Read and analyse the Dockerfile; file and target problems are usage errors. */
export function loadAnalysis(req: BuildRequest, cwd: string): { text: string; analysis: Analysis } {
    const text = readDockerfile(req.dockerfile, cwd);
    const analysis = analyze(text, { target: req.target, buildArgs: req.buildArgs, platform: req.platform ?? undefined });
    checkAnalysed(analysis, req.dockerfile);
    return { text, analysis };
}

export function planOptions(req: BuildRequest): Omit<PlanOptions, 'backend'> {
    return {
        dockerfile: req.dockerfile, context: req.context, cacheRepo: req.cacheRepo, project: req.project,
        branch: req.branch, defaultBranch: req.defaultBranch, push: req.push, buildArgs: req.buildArgs,
        platform: req.platform, cacheDir: req.cacheDir, cacheDirGiven: req.cacheDirGiven, buildxCache: req.buildxCache, tags: req.tags,
    };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
    const req = readRequest(argv, io, { values: ['format'] });
    if (req.help) { io.stdout.write(PLAN_HELP); return 0; }
    const { text, analysis } = loadAnalysis(req, io.cwd);
    const decision = chooseBackend(req.backend, { cacheRepo: req.cacheRepo, cacheDirGiven: req.cacheDirGiven }, null);
    const options = { ...planOptions(req), backend: decision.backend };
    const ci = req.format === 'github' || req.format === 'gitlab';
    // A CI job runs in its checkout: no path of this machine (derived files and the cache dir are
    // relative to the job's working directory), and buildx takes the branch from the CI at run time.
    if (ci && !req.cacheDirGiven) { options.cacheDir = '.stagecraft'; }
    if (ci && decision.backend === 'buildx') { options.branch = null; }
    try {
        const plan = planBuild(analysis, text, options);
        io.stdout.write(formatPlan(plan, req.format));
        return 0;
    } catch (e) {
        if (e instanceof PlanError) { throw new UsageError(e.message); }
        throw e;
    }
}
