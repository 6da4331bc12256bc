import bcrypt from 'bcrypt';
import type { RequestHandler } from 'express';

/** Hashes an API key for API_KEY_HASH (the service only ever stores the bcrypt hash). */
export function hashKey(key: string, rounds = 10): Promise<string> {
    return bcrypt.hash(key, rounds);
}

/**
 * Write requests need `Authorization: Bearer <key>` matching the bcrypt hash `keyHash`; reads are
 * open. Without a hash (local development) every request passes.
 */
export function requireKey(keyHash: string | undefined): RequestHandler {
    return (req, res, next) => {
        if (!keyHash || req.method === 'GET' || req.method === 'HEAD') return next();
        const m = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
        if (!m) return void res.status(401).json({ error: 'missing API key' });
        bcrypt.compare(m[1]!, keyHash).then((ok) => {
            if (ok) next();
            else res.status(401).json({ error: 'bad API key' });
        }, next);
    };
}
