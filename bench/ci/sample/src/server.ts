import os from 'node:os';
import path from 'node:path';
import { createApp } from './app';
import { IdempotencyStore } from './lib/idempotency';

const port = Number(process.env.PORT ?? 8080);
const idempotency = new IdempotencyStore(process.env.IDEMPOTENCY_DB ?? path.join(os.tmpdir(), 'orders-idempotency'));
createApp(undefined, { apiKeyHash: process.env.API_KEY_HASH, idempotency }).listen(port, () => {
    console.log(`orders service listening on :${port}`);
});
