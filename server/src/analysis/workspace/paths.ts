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

/** `a/b/c` relative to the folder `dir` (both URIs), for messages; the full path when not under it. */
export function relativePath(dir: string, uri: string): string {
    const d = URI.parse(dir).path.replace(/\/$/, '');
    const p = URI.parse(uri).path;
    return p.startsWith(d + '/') ? p.slice(d.length + 1) : p;
}
