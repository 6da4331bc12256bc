import type { RequestHandler } from 'express';
import { ClassicLevel } from 'classic-level';

export interface SavedResponse { status: number; body: unknown }

/**
 * The responses to write requests by their `Idempotency-Key`, in an embedded LevelDB (classic-level,
 * a native module compiled in the deps stage): a client retrying after a timeout gets the first
 * response again instead of creating a second order.
 */
export class IdempotencyStore {
    private readonly db: ClassicLevel<string, SavedResponse>;

    constructor(location: string) {
        this.db = new ClassicLevel<string, SavedResponse>(location, { valueEncoding: 'json' });
    }

    get(key: string): Promise<SavedResponse | undefined> {
        return this.db.get(key);
    }

    put(key: string, saved: SavedResponse): Promise<void> {
        return this.db.put(key, saved);
    }

    close(): Promise<void> {
        return this.db.close();
    }
}

/** Replays the saved response of a POST whose `Idempotency-Key` was seen; saves the first one. */
export function idempotent(store: IdempotencyStore | undefined): RequestHandler {
    return (req, res, next) => {
        const key = req.get('idempotency-key');
        if (!store || req.method !== 'POST' || !key) return next();
        if (key.length > 128) return void res.status(400).json({ error: 'Idempotency-Key is too long' });
        store.get(key).then((seen) => {
            if (seen) return void res.status(seen.status).json(seen.body);
            const send = res.json.bind(res);
            res.json = (body: unknown) => {
                // answer only once the response is saved, so that a retry always finds it
                if (res.statusCode >= 500) return send(body);
                store.put(key, { status: res.statusCode, body }).then(() => send(body), next);
                return res;
            };
            next();
        }, next);
    };
}
