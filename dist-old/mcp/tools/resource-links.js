import { backupUri, jobUri, volumeUri } from '../resources/resource-uris.js';
const MAX_LINKS = 25;
const MAX_DEPTH = 8;
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v) => typeof v === 'string' && v.length > 0;
export function resourceLinksOf(structured, defaultHost) {
    const links = new Map();
    const add = (uri, name, description, mimeType = 'application/json') => {
        if (links.size < MAX_LINKS && !links.has(uri))
            links.set(uri, { type: 'resource_link', uri, name, description, mimeType });
    };
    const walk = (v, host, depth, key) => {
        if (depth > MAX_DEPTH || links.size >= MAX_LINKS)
            return;
        if (Array.isArray(v)) {
            // Volumes a removal just deleted no longer have a resource to read.
            if (key === 'removed')
                return;
            for (const x of v)
                walk(x, host, depth + 1, key);
            return;
        }
        if (!isObj(v))
            return;
        const here = str(v.host) ? v.host : host;
        if (str(v.name) && str(v.mountpoint) && str(v.driver) && here) {
            add(volumeUri(here, v.name), `volume ${v.name}`, `Volume ${v.name} on ${here}: metadata, size, users, last backup`);
        }
        else if (str(v.id) && str(v.volume) && str(v.sha256)) {
            add(backupUri(v.id), `backup ${v.id}`, `Backup ${v.id} of volume ${v.volume}`);
        }
        else if (str(v.kind) && str(v.name)) {
            if (v.kind === 'volume' && here)
                add(volumeUri(here, v.name), `volume ${v.name}`, `Volume ${v.name} on ${here}`);
            if (v.kind === 'backup' && str(v.id))
                add(backupUri(v.id), `backup ${v.id}`, `Backup ${v.id}`);
        }
        if (key === 'job' && str(v.id) && str(v.status))
            add(jobUri(v.id), `job ${v.id}`, `Job ${v.id}: status, progress, result`);
        for (const [k, x] of Object.entries(v))
            walk(x, here, depth + 1, k);
    };
    walk(structured, defaultHost, 0, null);
    return [...links.values()];
}
//# sourceMappingURL=resource-links.js.map