/** Integer-cent money arithmetic (no floating point drift). */
export type Cents = number;

export function toCents(amount: string | number): Cents {
    const s = typeof amount === 'number' ? amount.toFixed(2) : amount.trim();
    const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(s);
    if (!m) throw new Error(`not an amount: ${amount}`);
    const cents = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
    return m[1] ? -cents : cents;
}

export function format(cents: Cents, currency = 'EUR'): string {
    const sign = cents < 0 ? '-' : '';
    const abs = Math.abs(cents);
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** Splits `total` into `parts` shares that differ by at most one cent and add up exactly. */
export function allocate(total: Cents, parts: number): Cents[] {
    if (!Number.isInteger(parts) || parts <= 0) throw new Error('parts must be a positive integer');
    const base = Math.trunc(total / parts);
    let rest = total - base * parts;
    return Array.from({ length: parts }, () => {
        const extra = rest > 0 ? 1 : rest < 0 ? -1 : 0;
        rest -= extra;
        return base + extra;
    });
}
