/**
 * Does a cache image exist? One HEAD request on the registry's manifest (Docker Registry HTTP
 * API v2), so BuildKit is only handed `--cache-from` refs that exist (a missing one makes it print
 * an `importing cache manifest ... not found` error block that reads like a failure).
 *
 * Credentials come from the docker client's config (`auths` entries and credential helpers);
 * they are never printed. Loopback registries are spoken to over plain HTTP, as the daemon does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { httpFetch, type HttpResponse } from './http';
import { runProcess } from './process';

export interface ImageRef {
    /** Host as written (`127.0.0.1:5000`, `docker.io`). */
    host: string;
    /** Host to talk to (`registry-1.docker.io` for Docker Hub). */
    apiHost: string;
    repo: string;
    tag: string;
}

export function parseRef(ref: string): ImageRef {
    let rest = ref;
    let tag = 'latest';
    const at = rest.indexOf('@');
    if (at >= 0) { tag = rest.slice(at + 1); rest = rest.slice(0, at); } else {
        const colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) { tag = rest.slice(colon + 1); rest = rest.slice(0, colon); }
    }
    const parts = rest.split('/');
    let host = 'docker.io';
    if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) { host = parts.shift() as string; }
    let repo = parts.join('/');
    if (host === 'docker.io' && parts.length === 1) { repo = `library/${repo}`; }
    return { host, apiHost: host === 'docker.io' ? 'registry-1.docker.io' : host, repo, tag };
}

export function isLoopback(host: string): boolean {
    const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return h === 'localhost' || /^127\./.test(h) || h === '::1';
}

export type Presence = 'present' | 'missing' | 'unauthorized' | 'unreachable' | 'unknown';

export interface Credentials { username: string; password: string }

/** Credentials for `host` from the docker client config, or null. Never throws. */
export async function dockerCredentials(host: string, env: NodeJS.ProcessEnv): Promise<Credentials | null> {
    try {
        const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
        const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
            auths?: Record<string, { auth?: string; username?: string; password?: string }>;
            credsStore?: string; credHelpers?: Record<string, string>;
        };
        const keys = host === 'docker.io' ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io'] : [host, `https://${host}`, `http://${host}`];
        const helper = keys.map((k) => cfg.credHelpers?.[k]).find((h) => h) ?? cfg.credsStore;
        if (helper) {
            const r = await runProcess(`docker-credential-${helper}`, ['get'], process.cwd(), env, { stdin: keys[0], timeoutMs: 10000 });
            if (r.code === 0) {
                const c = JSON.parse(r.output) as { Username?: string; Secret?: string };
                if (c.Username && c.Secret) { return { username: c.Username, password: c.Secret }; }
            }
        }
        for (const k of keys) {
            const a = cfg.auths?.[k];
            if (a?.auth) {
                const dec = Buffer.from(a.auth, 'base64').toString('utf8');
                const i = dec.indexOf(':');
                if (i > 0) { return { username: dec.slice(0, i), password: dec.slice(i + 1) }; }
            }
            if (a?.username && a.password) { return { username: a.username, password: a.password }; }
        }
    } catch { /* no config: anonymous */ }
    return null;
}

const ACCEPT = [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
].join(', ');

function parseChallenge(h: string): { scheme: string; params: Record<string, string> } {
    const m = /^(\w+)\s*(.*)$/.exec(h.trim());
    const params: Record<string, string> = {};
    if (!m) { return { scheme: '', params }; }
    for (const p of m[2].matchAll(/(\w+)="([^"]*)"/g)) { params[p[1]] = p[2]; }
    return { scheme: m[1].toLowerCase(), params };
}

/**
 * One request to the registry of `ref` (`/v2/<repo>/<what>`), with the docker client's
 * credentials when the registry asks for them (Basic, or a Bearer token from its realm).
 * Returns the response, or the Presence that explains why there is none.
 */
async function registryFetch(ref: string, what: string, method: 'HEAD' | 'GET', accept: string, env: NodeJS.ProcessEnv, timeoutMs: number, failure: { why: string | null } = { why: null }): Promise<HttpResponse | Exclude<Presence, 'present' | 'missing'>> {
    const r = parseRef(ref);
    const scheme = isLoopback(r.apiHost) ? 'http' : 'https';
    const url = `${scheme}://${r.apiHost}/v2/${r.repo}/${what}`;
    const send = async (auth: string | null) => httpFetch(url, {
        method, timeoutMs, headers: { Accept: accept, ...(auth ? { Authorization: auth } : {}) },
    });
    try {
        let res = await send(null);
        if (res.status === 401) {
            const creds = await dockerCredentials(r.host, env);
            const ch = parseChallenge(res.headers.get('www-authenticate') ?? '');
            const basic = creds ? 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64') : null;
            if (ch.scheme === 'bearer' && ch.params.realm) {
                const u = new URL(ch.params.realm);
                if (ch.params.service) { u.searchParams.set('service', ch.params.service); }
                u.searchParams.set('scope', ch.params.scope ?? `repository:${r.repo}:pull`);
                const t = await httpFetch(u, { timeoutMs, headers: basic ? { Authorization: basic } : {} });
                if (!t.ok) { return 'unauthorized'; }
                const body = await t.json() as { token?: string; access_token?: string };
                const token = body.token ?? body.access_token;
                if (!token) { return 'unauthorized'; }
                res = await send(`Bearer ${token}`);
            } else if (ch.scheme === 'basic' && basic) {
                res = await send(basic);
            } else {
                return 'unauthorized';
            }
        }
        if (res.status === 401 || res.status === 403) { return 'unauthorized'; }
        return res;
    } catch (e) {
        const code = ((e as { cause?: { code?: string } }).cause?.code) ?? '';
        if ((e as Error).name === 'TimeoutError') { failure.why = `did not answer in ${Math.round(timeoutMs / 1000)} s`; return 'unreachable'; }
        if (/ECONNREFUSED/.test(code)) { failure.why = 'refuses connections'; return 'unreachable'; }
        if (/ENOTFOUND|EAI_AGAIN/.test(code)) { failure.why = 'unknown host'; return 'unreachable'; }
        if (/EHOSTUNREACH|ECONNRESET|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET/.test(code)) { failure.why = code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'dropped the connection' : 'cannot be reached'; return 'unreachable'; }
        return 'unknown';
    }
}

/** HEAD the manifest of `ref`. */
export async function probeRef(ref: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<Presence> {
    return (await probeRefWhy(ref, env, timeoutMs)).presence;
}

/**
 * HEAD the manifest of `ref`, and why it is not there when that is worth saying: a registry that
 * answers 5xx or 429 is as good as unreachable for this build (BuildKit would fail to read the
 * cache and the push would fail too), said with its status.
 */
export async function probeRefWhy(ref: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<{ presence: Presence; why: string | null }> {
    const why = { why: null as string | null };
    const res = await registryFetch(ref, `manifests/${encodeURIComponent(parseRef(ref).tag)}`, 'HEAD', ACCEPT, env, timeoutMs, why);
    if (typeof res === 'string') { return { presence: res, why: why.why }; }
    if (res.status === 200) { return { presence: 'present', why: null }; }
    if (res.status === 404) { return { presence: 'missing', why: null }; }
    if (res.status >= 500 || res.status === 429) { return { presence: 'unreachable', why: `answers ${res.status} ${res.statusText}`.trim() }; }
    return { presence: 'unknown', why: `answers ${res.status}` };
}

/** The digest the registry gives the manifest of `ref` (what a pull of the tag gets), or null. */
export async function manifestDigest(ref: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<string | null> {
    const res = await registryFetch(ref, `manifests/${encodeURIComponent(parseRef(ref).tag)}`, 'HEAD', ACCEPT, env, timeoutMs);
    if (typeof res === 'string' || res.status !== 200) { return null; }
    const d = res.headers.get('docker-content-digest');
    return d && /^sha256:[0-9a-f]{64}$/.test(d) ? d : null;
}

/** The platform an image index entry is for, as `os/arch[/variant]`. */
interface IndexEntry { digest?: string; mediaType?: string; platform?: { os?: string; architecture?: string; variant?: string }; annotations?: Record<string, string> }

/**
 * The entry of an image index (OCI index or Docker manifest list) for `platform`: attestation
 * manifests (BuildKit's provenance, `unknown/unknown`) are never it. `platform` null: the only
 * image entry, or the linux/amd64 one.
 */
export function pickManifest(entries: readonly IndexEntry[], platform: string | null): IndexEntry | null {
    const images = entries.filter((e) => e.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest'
        && e.platform?.os !== 'unknown' && typeof e.digest === 'string');
    const [os, arch, variant] = (platform ?? 'linux/amd64').split('/');
    const exact = images.find((e) => e.platform?.os === os && e.platform?.architecture === arch && (variant === undefined || e.platform?.variant === variant));
    if (exact) { return exact; }
    return platform === null && images.length === 1 ? images[0] : null;
}

const SINGLE = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

/**
 * The labels of the image `ref` names in its registry (its manifest, then its config blob), or
 * null when there is no such image or the registry cannot be read. An image index (what BuildKit
 * pushes with provenance, and the containerd image store pushes) is followed to the manifest of
 * `platform` (default linux/amd64).
 */
export async function imageLabels(ref: string, env: NodeJS.ProcessEnv, platform: string | null = null, timeoutMs = 5000): Promise<Record<string, string> | null> {
    const m = await registryFetch(ref, `manifests/${encodeURIComponent(parseRef(ref).tag)}`, 'GET', ACCEPT, env, timeoutMs);
    if (typeof m === 'string' || m.status !== 200) { return null; }
    try {
        let manifest = await m.json() as { config?: { digest?: string }; manifests?: IndexEntry[] };
        if (Array.isArray(manifest.manifests)) {
            const entry = pickManifest(manifest.manifests, platform);
            if (entry === null || !entry.digest || !/^sha256:[0-9a-f]{64}$/.test(entry.digest)) { return null; }
            const one = await registryFetch(ref, `manifests/${entry.digest}`, 'GET', SINGLE, env, timeoutMs);
            if (typeof one === 'string' || one.status !== 200) { return null; }
            manifest = await one.json() as { config?: { digest?: string } };
        }
        const digest = manifest.config?.digest;
        if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) { return null; }
        const c = await registryFetch(ref, `blobs/${digest}`, 'GET', '*/*', env, timeoutMs);
        if (typeof c === 'string' || c.status !== 200) { return null; }
        const config = await c.json() as { config?: { Labels?: Record<string, string> | null } };
        return config.config?.Labels ?? {};
    } catch {
        return null;
    }
}
