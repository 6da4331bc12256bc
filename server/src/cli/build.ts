/**
 * `stagecraft build`: run the cached per-stage build plan against the Docker engine.
 * Ctrl-C (or `io.signal`) stops docker cleanly; nothing is half-tagged.
 */
import * as path from 'path';
import { dockerFrom } from '../runner/process';
import { runBuild } from '../runner/run';
import { chooseBackend } from '../plan/backend';
import { PlanError, planBuild } from '../plan/plan';
import { type CliIO, UsageError } from './io';
import { COMMON_OPTIONS, EXIT_CODES, loadAnalysis, planOptions, readRequest } from './plan';

export const BUILD_HELP = `usage: stagecraft build [options] [CONTEXT]

Builds the stages the target needs, one cached build per stage, and tags (and with --push,
pushes) each stage's cache image; stages the target does not need are never built.
A missing cache image (first run, new branch, registry down) is a one-line notice, not an error.
${COMMON_OPTIONS}
  -q, --quiet            do not stream docker's output (shown anyway when a step fails)
  --load                 when nothing changed (below), still pull the target's image here
  --no-skip              always build, even when nothing changed
  --report FILE          write what became of every stage as JSON (schema
                         stagecraft.build-report/v1: docs/BUILDS.md, "The build report")

Nothing changed: with --cache-repo and --push (backends buildx and buildkit), the target's
image gets a label with a fingerprint of every input (the Dockerfile, build args, base images,
every file of the context .dockerignore lets through). When the registry's target image has
the same fingerprint and its cache is there, the job builds, pushes and pulls nothing.

The docker client is $STAGECRAFT_DOCKER, else \`docker\` on PATH.
${EXIT_CODES}
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
    const req = readRequest(argv, io, { flags: ['quiet', 'load', 'no-skip'], values: ['report'] });
    if (req.help) { io.stdout.write(BUILD_HELP); return 0; }
    const { text, analysis } = loadAnalysis(req, io.cwd);
    // The user's mistakes (unknown target, bad stage name, bad repo) are exit 2 before docker is asked.
    const guess = chooseBackend(req.backend, { cacheRepo: req.cacheRepo, cacheDirGiven: req.cacheDirGiven }, null);
    try { planBuild(analysis, text, { ...planOptions(req), backend: guess.backend }); } catch (e) {
        if (e instanceof PlanError) { throw new UsageError(e.message); }
        throw e;
    }
    const rel = path.relative(path.resolve(io.cwd, req.context), path.resolve(io.cwd, req.cacheDir));
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
        io.stderr.write(`stagecraft: note: --cache-dir ${req.cacheDir} is inside the build context; add it to .dockerignore or COPY . . will see it\n`);
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    // From a terminal (no signal handed in): Ctrl-C stops docker and ends with exit 130.
    // A second Ctrl-C gets node's default (exit at once): the listener goes after the first.
    const onSigint = () => {
        io.stderr.write('\nstagecraft: stopping docker (Ctrl-C again to force)\n');
        process.off('SIGINT', onSigint);
        controller.abort();
    };
    const ownSignals = io.signal === undefined;
    if (ownSignals) { process.on('SIGINT', onSigint); process.on('SIGTERM', onAbort); }
    try {
        return await runBuild(dockerFrom(io.env, io.cwd), {
            analysis, text, options: planOptions(req), backend: req.backend, cacheDirGiven: req.cacheDirGiven,
            quiet: req.quiet, signal: controller.signal, load: req.load, skipUnchanged: !req.noSkip, reportFile: req.report,
        }, io);
    } finally {
        io.signal?.removeEventListener('abort', onAbort);
        if (ownSignals) { process.off('SIGINT', onSigint); process.off('SIGTERM', onAbort); }
    }
}
