/**
 * dockerfile-ast's parse, without its quadratic comment bookkeeping.
 *
 * At the end of a parse the library's `Dockerfile.organizeComments()` hands every comment to the
 * build stage whose range holds it, recomputing every stage's range for every comment: comments ×
 * stages (5,000 stages with a comment each took 1.5 s against 140 ms without the comments). The
 * analysis never reads per-stage comments (`ImageTemplate.getComments()` of a stage, or a stage's
 * range, which depends on them): it reads the file's own comment list, which the parser fills as it
 * goes. So for our parse that one step is skipped: the method is replaced on the prototype for the
 * duration of the synchronous `parse()` call and put back in `finally` (no other code can run in
 * between; the library itself is not changed). `test/unit/differential.test.ts` holds the analysis
 * equal with and without the step on thousands of files.
 */
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';

type Organizer = { organizeComments(): void };

let proto: Organizer | null = null;

/** The prototype that holds `organizeComments` (that of every parsed Dockerfile), or null if the library changed. */
function organizerPrototype(): Organizer | null {
    if (proto === null) {
        let p = Object.getPrototypeOf(DockerfileParser.parse('')) as Organizer | null;
        while (p !== null && !Object.prototype.hasOwnProperty.call(p, 'organizeComments')) { p = Object.getPrototypeOf(p) as Organizer | null; }
        proto = p;
    }
    return proto;
}

const skip = (): void => undefined;

/** The parse the analysis reads: the library's, less the per-stage comment bookkeeping. */
export function parseDockerfile(text: string): Dockerfile {
    const p = organizerPrototype();
    if (p === null) { return DockerfileParser.parse(text); }
    const organize = p.organizeComments;
    p.organizeComments = skip;
    try {
        return DockerfileParser.parse(text);
    } finally {
        p.organizeComments = organize;
    }
}

/** The library's full parse, comment bookkeeping included (for the differential test). */
export function parseDockerfileFully(text: string): Dockerfile {
    return DockerfileParser.parse(text);
}
