/**
 * Pure decisions of the extension entry point (no `vscode` import): which server module to start
 * and whether another Docker extension already serves the general Dockerfile features.
 */
import * as path from 'node:path';
import { OTHER_DOCKER_EXTENSION_IDS } from '../../server/src/common/protocol';

/** The language server module: bundled `dist/server.js` when present, else the compiled source. */
export function chooseServerModule(extensionPath: string, exists: (file: string) => boolean): string {
    const bundled = path.join(extensionPath, 'dist', 'server.js');
    if (exists(bundled)) return bundled;
    return path.join(extensionPath, 'out', 'server', 'src', 'lsp', 'server.js');
}

/** Whether any of the other Docker extensions (protocol.ts) is installed; then the server serves only stage features. */
export function hasOtherDockerExtension(isInstalled: (id: string) => boolean): boolean {
    return OTHER_DOCKER_EXTENSION_IDS.some((id) => isInstalled(id));
}
