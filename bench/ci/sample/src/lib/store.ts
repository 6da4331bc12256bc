import { randomUUID } from 'node:crypto';
import type { Order, OrderStatus } from './orders';
import { canMove } from './orders';

export interface StoredOrder extends Order { status: OrderStatus }

/** In-memory order store (the service's persistence is out of the benchmark's scope). */
export class OrderStore {
    private readonly orders = new Map<string, StoredOrder>();

    create(order: Order): StoredOrder {
        const stored: StoredOrder = { ...order, id: randomUUID(), status: 'open' };
        this.orders.set(stored.id, stored);
        return stored;
    }

    get(id: string): StoredOrder | undefined {
        return this.orders.get(id);
    }

    list(customer?: string): StoredOrder[] {
        const all = [...this.orders.values()];
        return customer ? all.filter((o) => o.customer === customer) : all;
    }

    move(id: string, to: OrderStatus): StoredOrder {
        const o = this.orders.get(id);
        if (!o) throw new Error(`no order ${id}`);
        if (!canMove(o.status, to)) throw new Error(`cannot move order from ${o.status} to ${to}`);
        o.status = to;
        return o;
    }
}
