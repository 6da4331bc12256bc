// Placeholder until the build engine lands (issue 4 owns this file and replaces it).
import { type CliIO, UsageError } from './io';

export async function run(_argv: string[], _io: CliIO): Promise<number> {
    throw new UsageError('plan is not available in this build');
}
