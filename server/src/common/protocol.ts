/**
 * What the client and the server say to each other beyond plain LSP: the initialization
 * options, the settings section, and the command ids the server's lenses and hints invoke.
 * Shared by both sides; pure (no `vscode` import).
 */

/** `initializationOptions` of the `initialize` request. */
export interface StagecraftInitializationOptions {
    /**
     * True when Microsoft's Container Tools (`ms-azuretools.vscode-containers`), Docker
     * (`ms-azuretools.vscode-docker`) or Docker's own (`docker.docker`) extension is installed.
     * Then the server serves only the stage features (no general Dockerfile hovers, completions,
     * diagnostics or formatting, which that extension already provides).
     */
    otherDockerExtension: boolean;
}

/** Extension ids whose presence means "another Docker extension serves the general features". */
export const OTHER_DOCKER_EXTENSION_IDS: readonly string[] = [
    'ms-azuretools.vscode-containers',
    'ms-azuretools.vscode-docker',
    'docker.docker',
];

/** The configuration section the server asks for (`workspace/configuration`). */
export const SETTINGS_SECTION = 'stagecraft';

/** The language id the server serves. */
export const LANGUAGE_ID = 'dockerfile';

/** Diagnostics source. */
export const DIAGNOSTIC_SOURCE = 'stagecraft';

/**
 * Commands the server's code lens (buildStage) and inlay hints (showStage) carry; the client
 * registers them.
 * Both take `[documentUri: string, stageIndex: number, stageName: string | null]`.
 */
export const Commands = {
    /** Runs `stagecraft build` for that stage as target, as a VS Code task. */
    buildStage: 'stagecraft.buildStage',
    /** Reveals the stage (e.g. shows its hover / moves the cursor to its FROM). */
    showStage: 'stagecraft.showStage',
} as const;

export type StageCommandArgs = [documentUri: string, stageIndex: number, stageName: string | null];

export function parseInitializationOptions(raw: unknown): StagecraftInitializationOptions {
    const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    return { otherDockerExtension: r.otherDockerExtension === true };
}
