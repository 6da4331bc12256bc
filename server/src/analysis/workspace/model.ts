/**
 * What the workspace says about Dockerfiles outside them: every build that a compose file, a Bake
 * file, a CI workflow or a Makefile defines, with the Dockerfile it builds and the stage it names.
 *
 * Plain data, like `../model.ts`. Files are named by canonical URI strings (`canonicalUri`), so a
 * URI the editor sent and one resolved from a relative path compare equal. Ranges are LSP ranges
 * (0-based, UTF-16) in the file that holds the build.
 */
import type { Range } from 'vscode-languageserver-types';

/** Which kind of file a build comes from. */
export type BuildFileKind = 'compose' | 'bake' | 'github' | 'gitlab' | 'make';

/** One build of a Dockerfile that a workspace file defines. */
export interface BuildRef {
    /** URI of the file that defines it. */
    file: string;
    kind: BuildFileKind;
    /** Who builds: `compose service api`, `bake target release`, `workflow ci.yml job image`. */
    owner: string;
    /** The Dockerfile it builds (canonical URI), or null when a variable decides it. */
    dockerfile: string | null;
    /** The Dockerfile path as written, or null when it is the default (`<context>/Dockerfile`). */
    dockerfileText: string | null;
    /** Where the path is written (the `dockerfile` value, else the context's), for diagnostics. */
    dockerfileRange: Range | null;
    /** The stage as written, or null: the build has no target and builds the last stage. */
    target: string | null;
    /**
     * The exact range of the stage name (inside quotes), or null when the build has no target or
     * the name is not a plain literal (a variable, an escape): such a reference is never edited.
     */
    targetRange: Range | null;
    /** Whether `target` is a literal the build uses as is (no variable, no expression). */
    literal: boolean;
    /** Where a stage name is typed for this build (`target:` with an empty value too), for completion. */
    targetSlot: Range | null;
}

/** Something the reader could not follow, said once where it is written. */
export interface BuildFileNote {
    code: 'inline-dockerfile' | 'unresolved-dockerfile' | 'parse-error';
    message: string;
    range: Range;
}

/** One parsed workspace file. */
export interface BuildFile {
    uri: string;
    kind: BuildFileKind;
    builds: BuildRef[];
    notes: BuildFileNote[];
}
