import { Router, type Request, type Response } from 'express';
import { format } from '../lib/money';
import { total, validate, type OrderStatus } from '../lib/orders';
import type { OrderStore } from '../lib/store';

export function ordersRouter(store: OrderStore): Router {
    const r = Router();
    r.get('/', (req: Request, res: Response) => {
        const customer = typeof req.query.customer === 'string' ? req.query.customer : undefined;
        res.json(store.list(customer).map((o) => ({ ...o, total: format(total(o)) })));
    });
    r.get('/:id', (req: Request, res: Response) => {
        const o = store.get(req.params.id!);
        if (!o) return void res.status(404).json({ error: 'not found' });
        res.json({ ...o, total: format(total(o)) });
    });
    r.post('/', (req: Request, res: Response) => {
        try {
            const o = store.create(validate(req.body));
            res.status(201).json({ ...o, total: format(total(o)) });
        } catch (e) {
            res.status(400).json({ error: (e as Error).message });
        }
    });
    r.post('/:id/:status(paid|shipped|cancelled)', (req: Request, res: Response) => {
        try {
            res.json(store.move(req.params.id!, req.params.status as OrderStatus));
        } catch (e) {
            res.status(409).json({ error: (e as Error).message });
        }
    });
    return r;
}
