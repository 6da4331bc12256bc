import { type Cents, allocate } from './money';

export interface OrderLine { sku: string; quantity: number; unitPrice: Cents }
export interface Order { id: string; customer: string; lines: OrderLine[]; discount: Cents; createdAt: string }
export type OrderStatus = 'open' | 'paid' | 'shipped' | 'cancelled';

export function subtotal(order: Order): Cents {
    return order.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
}

export function total(order: Order, taxRatePercent = 20): Cents {
    const net = Math.max(0, subtotal(order) - order.discount);
    return net + Math.round((net * taxRatePercent) / 100);
}

/** Per-line share of the order discount, proportional to the line amounts (exact in cents). */
export function discountShares(order: Order): Cents[] {
    const amounts = order.lines.map((l) => l.quantity * l.unitPrice);
    const sum = amounts.reduce((a, b) => a + b, 0);
    if (sum === 0) return amounts.map(() => 0);
    const even = allocate(order.discount, order.lines.length);
    return amounts.map((a, i) => Math.min(a, Math.round((order.discount * a) / sum) || even[i]!));
}

export function validate(input: unknown): Order {
    const o = input as Partial<Order>;
    if (!o || typeof o !== 'object') throw new Error('order must be an object');
    if (typeof o.customer !== 'string' || !o.customer) throw new Error('customer is required');
    if (!Array.isArray(o.lines) || o.lines.length === 0) throw new Error('an order needs at least one line');
    for (const l of o.lines) {
        if (typeof l.sku !== 'string' || !/^[A-Z0-9-]{3,32}$/.test(l.sku)) throw new Error(`bad sku: ${String(l.sku)}`);
        if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new Error(`bad quantity for ${l.sku}`);
        if (!Number.isInteger(l.unitPrice) || l.unitPrice < 0) throw new Error(`bad price for ${l.sku}`);
    }
    return {
        id: o.id ?? '',
        customer: o.customer,
        lines: o.lines,
        discount: Number.isInteger(o.discount) ? o.discount! : 0,
        createdAt: o.createdAt ?? new Date().toISOString(),
    };
}

const transitions: Record<OrderStatus, OrderStatus[]> = {
    open: ['paid', 'cancelled'],
    paid: ['shipped', 'cancelled'],
    shipped: [],
    cancelled: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
    return transitions[from].includes(to);
}
