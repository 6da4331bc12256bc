import express, { type Express } from 'express';
import { requireKey } from './lib/auth';
import { type IdempotencyStore, idempotent } from './lib/idempotency';
import { OrderStore } from './lib/store';
import { ordersRouter } from './routes/orders';

export const VERSION = '1.0.0';

export interface AppOptions {
    /** bcrypt hash of the API key that write requests must present (none: no check). */
    apiKeyHash?: string;
    /** Where the responses of `Idempotency-Key` requests are kept (none: keys are ignored). */
    idempotency?: IdempotencyStore;
}

export function createApp(store = new OrderStore(), opts: AppOptions = { apiKeyHash: process.env.API_KEY_HASH }): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '100kb' }));
    app.get('/healthz', (_req, res) => { res.json({ ok: true, version: VERSION }); });
    app.use('/orders', requireKey(opts.apiKeyHash), idempotent(opts.idempotency), ordersRouter(store));
    return app;
}
