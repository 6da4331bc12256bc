/**
 * How sizes and durations print, wherever a person reads them (the build summary, the stage
 * graph). Pure.
 */

/** `812.0 kB`, `12.3 MB`, `1.25 GB`; `-` when unknown. */
export function formatSize(bytes: number | null): string {
    if (bytes === null) { return '-'; }
    if (bytes < 1024 * 1024) { return `${(bytes / 1024).toFixed(1)} kB`; }
    if (bytes < 1024 * 1024 * 1024) { return `${(bytes / 1024 / 1024).toFixed(1)} MB`; }
    return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** `0.8 s`, `12 s`. */
export function formatSeconds(seconds: number): string {
    return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}
