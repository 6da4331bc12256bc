/**
 * The inputs fingerprint of a build: one sha256 over everything the target's build reads, so a CI
 * job can tell that the image its registry holds was built from exactly these inputs and skip the
 * build (and the pull) altogether.
 *
 * Deliberately wider than docker's own cache keys, never narrower, so a match can be trusted:
 * - the whole Dockerfile text (not only the stages the target needs);
 * - every file of the build context that `.dockerignore` (or `<Dockerfile>.dockerignore`) lets
 *   through: path, type, permission bits, content (symlinks: their target), whether or not a
 *   COPY reads it;
 * - the target, builder, build args and platform of the target's build;
 * - each base image the needed stages name: its image ID on this engine (what the build uses when
 *   the image is there), else the digest its registry serves for the tag.
 * Anything that cannot be pinned down gives no fingerprint, with a reason (`ADD <url>` or
 * `ADD <git repo>`, an ARG left unresolved in an image name, a base image neither here nor
 * readable in its registry, a context of more than MAX_FILES files or MAX_BYTES bytes): the job
 * then builds as usual.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import ignore from '@balena/dockerignore';
import type { Analysis } from '../analysis';
import { daemonGet, localSocket } from './daemon';
import { type Docker, runDocker } from './process';
import { manifestDigest } from './registry';

/** The image label that carries the fingerprint. */
export const INPUTS_LABEL = 'dev.stagecraft.inputs';
export const MAX_FILES = 50_000;
export const MAX_BYTES = 2 * 1024 ** 3;

export type Fingerprint = { ok: true; digest: string; files: number; bytes: number } | { ok: false; reason: string };

export interface InputsSpec {
    analysis: Analysis;
    /** The Dockerfile text the build reads. */
    text: string;
    /** The Dockerfile path as docker is given it (relative to `cwd`). */
    dockerfile: string;
    /** The build context (relative to `cwd`). */
    context: string;
    /** The indexes of the stages the target needs. */
    needed: number[];
    /** What else decides the result: target, builder, build args, platform (any JSON; may come later, from the engine probe). */
    settings: unknown;
    /** Directories left out of the context walk (Stagecraft's own cache dir). */
    exclude: string[];
}

/** Parses `.dockerignore` text as docker does: `#` comments, blank lines dropped, patterns trimmed. */
function ignorePatterns(text: string): string[] {
    return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The `.dockerignore` that applies: `<Dockerfile>.dockerignore` beside the Dockerfile (BuildKit), else the context's. */
function ignoreFileFor(dockerfile: string, context: string): string | null {
    const specific = `${dockerfile}.dockerignore`;
    if (fs.existsSync(specific)) { return specific; }
    const general = path.join(context, '.dockerignore');
    return fs.existsSync(general) ? general : null;
}

/**
 * sha256 over the context's files that reach docker, in a stable order. Directories the ignore
 * rules exclude are not walked unless an exception (`!pattern`) could bring something back.
 */
export function contextDigest(context: string, patterns: string[], exclude: string[]): { digest: string; files: number; bytes: number } | { reason: string } {
    const ig = ignore().add(patterns);
    const hasExceptions = patterns.some((p) => p.startsWith('!'));
    const excluded = new Set(exclude.map((d) => path.resolve(d)));
    const hash = crypto.createHash('sha256');
    let files = 0;
    let bytes = 0;
    const walk = (dir: string, rel: string): string | null => {
        const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
            const abs = path.join(dir, e.name);
            const r = rel === '' ? e.name : `${rel}/${e.name}`;
            if (excluded.has(abs)) { continue; }
            const ignored = ig.ignores(r);
            if (e.isDirectory()) {
                if (ignored && !hasExceptions) { continue; }
                const why = walk(abs, r);
                if (why !== null) { return why; }
                continue;
            }
            if (ignored) { continue; }
            const st = fs.lstatSync(abs);
            if (++files > MAX_FILES) { return `the build context has more than ${MAX_FILES} files`; }
            if (st.isSymbolicLink()) {
                hash.update(`L ${r}\0${fs.readlinkSync(abs)}\0`);
            } else if (st.isFile()) {
                bytes += st.size;
                if (bytes > MAX_BYTES) { return `the build context holds more than ${MAX_BYTES / 1024 ** 3} GB`; }
                hash.update(`F ${r}\0${(st.mode & 0o7777).toString(8)}\0${st.size}\0`);
                hash.update(fs.readFileSync(abs));
            } else {
                hash.update(`O ${r}\0${st.mode.toString(8)}\0`);
            }
        }
        return null;
    };
    const why = walk(path.resolve(context), '');
    return why !== null ? { reason: why } : { digest: hash.digest('hex'), files, bytes };
}

/** `ADD https://...` and `ADD git@...` read the network: their content cannot be known beforehand. */
const REMOTE_ADD = /^(https?:\/\/|git@|git:\/\/)/i;

/** The fingerprint of `spec`'s target build, or why there is none. */
export async function fingerprint(docker: Docker, spec: InputsSpec): Promise<Fingerprint> {
    const { analysis } = spec;
    const images = new Set<string>();
    for (const i of spec.needed) {
        const s = analysis.stages[i];
        for (const img of s.externalFrom) {
            if (img.includes('$')) { return { ok: false, reason: `stage ${s.name ?? '#' + i} names the image ${img} with an ARG that is not set` }; }
            images.add(img);
        }
        for (const ins of s.instructions) {
            if (ins.keyword.toUpperCase() === 'ADD' && ins.args.split(/\s+/).some((w) => REMOTE_ADD.test(w.replace(/^["[]+|[",\]]+$/g, '')))) {
                return { ok: false, reason: `stage ${s.name ?? '#' + i} ADDs a remote source (line ${ins.line}), whose content is only known by fetching it` };
            }
        }
    }
    // Base images: the ID on this engine, else the registry's digest for the tag.
    const pinned: [string, string][] = [];
    const socket = localSocket(docker.env);
    const found = await Promise.all([...images].sort().map(async (img) => {
        let id = '';
        if (socket !== null && /^[A-Za-z0-9._:/@-]+$/.test(img)) {
            // The daemon's own answer over its socket (no docker client started for it).
            id = (await daemonGet<{ Id?: string }>(socket, `/images/${img}/json`))?.Id ?? '';
        } else {
            const local = await runDocker(docker, ['image', 'inspect', '--format', '{{.Id}}', img], { timeoutMs: 30000 });
            id = local.code === 0 ? local.output.trim().split('\n').pop() ?? '' : '';
        }
        if (/^sha256:[0-9a-f]{64}$/.test(id)) { return [img, `local ${id}`] as [string, string]; }
        const digest = await manifestDigest(img, docker.env);
        return digest !== null ? [img, `registry ${digest}`] as [string, string] : null;
    }));
    for (const [k, f] of found.entries()) {
        if (f === null) { return { ok: false, reason: `the base image ${[...images].sort()[k]} is neither on this engine nor readable in its registry` }; }
        pinned.push(f);
    }
    const cwd = docker.cwd;
    const dockerfileAbs = path.resolve(cwd, spec.dockerfile);
    const contextAbs = path.resolve(cwd, spec.context);
    let patterns: string[] = [];
    const ignoreFile = ignoreFileFor(dockerfileAbs, contextAbs);
    try {
        if (ignoreFile !== null) { patterns = ignorePatterns(fs.readFileSync(ignoreFile, 'utf8')); }
    } catch (e) {
        return { ok: false, reason: `cannot read ${ignoreFile}: ${(e as Error).message}` };
    }
    let ctx: ReturnType<typeof contextDigest>;
    try { ctx = contextDigest(contextAbs, patterns, spec.exclude.map((d) => path.resolve(cwd, d))); } catch (e) {
        return { ok: false, reason: `cannot read the build context: ${(e as Error).message}` };
    }
    if ('reason' in ctx) { return { ok: false, reason: ctx.reason }; }
    const settings: unknown = await spec.settings;
    const h = crypto.createHash('sha256');
    h.update(JSON.stringify({ v: 1, dockerfile: spec.text, ignore: patterns, settings, images: pinned, context: ctx.digest }));
    return { ok: true, digest: `sha256:${h.digest('hex')}`, files: ctx.files, bytes: ctx.bytes };
}
