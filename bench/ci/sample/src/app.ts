import express, { type Express } from 'express';
import { OrderStore } from './lib/store';
import { ordersRouter } from './routes/orders';

export const VERSION = '1.0.0';

export function createApp(store = new OrderStore()): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '100kb' }));
    app.get('/healthz', (_req, res) => { res.json({ ok: true, version: VERSION }); });
    app.use('/orders', ordersRouter(store));
    return app;
}
