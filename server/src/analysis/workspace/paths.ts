/**
 * URIs of workspace files: one canonical spelling (VS Code's, through `vscode-uri`), so a URI the
 * editor sent and one resolved from a path written in a compose file compare equal. Pure.
 */
import { URI, Utils } from 'vscode-uri';

/** The canonical spelling of a URI (the input when it does not parse). */
export function canonicalUri(uri: string): string {
    try {
        return URI.parse(uri).toString();
    } catch {
        return uri;
    }
}

/** The URI of a file path (absolute, POSIX or Windows). */
export function fileUri(path: string): string {
    return URI.file(path).toString();
}

/** The folder holding a file. */
export function dirUri(uri: string): string {
    return Utils.dirname(URI.parse(uri)).toString();
}

/** The last path segment of a URI. */
export function baseName(uri: string): string {
    return Utils.basename(URI.parse(uri));
}

/**
 * `path` (relative to the folder `dir`, or absolute) as a URI; null for what is not a local path:
 * a remote context (`https://...`, `git@...`), stdin (`-`), a variable (`$X`, `${{ x }}`).
 */
export function resolvePath(dir: string, path: string): string | null {
    const p = path.trim();
    if (p === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^git@/.test(p) || /\$|`/.test(p)) return null;
    if (p === '' || p === '.') return canonicalUri(dir);
    return Utils.resolvePath(URI.parse(dir), p.replace(/\\/g, '/')).toString();
}

/** The path of `uri` relative to the folder `dir` (`web/Dockerfile`, `../compose.yaml`), for messages. */
export function relativePath(dir: string, uri: string): string {
    const d = URI.parse(dir);
    const u = URI.parse(uri);
    if (d.scheme !== u.scheme || d.authority !== u.authority) return u.path;
    const from = d.path.split('/').filter(Boolean);
    const to = u.path.split('/').filter(Boolean);
    let common = 0;
    while (common < from.length && common < to.length && from[common] === to[common]) common++;
    return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/') || '.';
}
