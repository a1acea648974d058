/**
 * hosts_list: every configured engine and whether it answers, checked in parallel with a
 * per-host time limit so one dead host cannot hang the answer.
 */
import { z } from 'zod';
import { toOpsError } from '../../core/errors.js';
import { defineOp } from '../../core/op.js';
const PING_TIMEOUT_MS = 5000;
const Output = z.object({
    defaultHost: z.string(),
    hosts: z.array(z.object({
        name: z.string(),
        url: z.string(),
        reachable: z.boolean(),
        serverVersion: z.string().nullable(),
        driver: z.string().nullable(),
        error: z.string().nullable().describe('why the engine did not answer'),
    })),
});
export const hostsList = defineOp({
    name: 'hosts_list',
    verb: 'hosts',
    summary: 'List the configured Docker engines and whether each answers',
    effect: 'read',
    input: z.strictObject({}),
    output: Output,
    async run(deps) {
        const hosts = await Promise.all(deps.engines.hosts().map(async ({ name, url }) => {
            let timer;
            try {
                const engine = deps.engines.get(name);
                const timeout = new Promise((_, reject) => {
                    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000}s`)), PING_TIMEOUT_MS);
                });
                const info = await Promise.race([engine.ping().then(() => engine.info()), timeout]);
                return { name, url, reachable: true, serverVersion: info.serverVersion, driver: info.driver, error: null };
            }
            catch (err) {
                return { name, url, reachable: false, serverVersion: null, driver: null, error: toOpsError(err).message };
            }
            finally {
                clearTimeout(timer);
            }
        }));
        return { defaultHost: deps.engines.defaultName(), hosts };
    },
    view(o) {
        const down = o.hosts.filter((h) => !h.reachable);
        return {
            title: 'Docker engines',
            summary: `${o.hosts.length - down.length} of ${o.hosts.length} engine(s) answer; the default is ${o.defaultHost}`,
            tables: [
                {
                    id: 'hosts',
                    columns: [
                        { key: 'name', label: 'NAME', type: 'text' },
                        { key: 'url', label: 'URL', type: 'text' },
                        { key: 'state', label: 'STATE', type: 'text' },
                        { key: 'version', label: 'VERSION', type: 'text' },
                        { key: 'driver', label: 'DRIVER', type: 'text' },
                    ],
                    rows: o.hosts.map((h) => ({
                        name: h.name + (h.name === o.defaultHost ? ' (default)' : ''),
                        url: h.url,
                        state: h.reachable ? 'up' : `down: ${h.error}`,
                        version: h.serverVersion,
                        driver: h.driver,
                    })),
                },
            ],
            findings: down.map((h) => ({ severity: 'warning', message: `engine ${h.name} (${h.url}) does not answer`, advice: 'Check that dockerd runs there and the URL and TLS settings of this host in the config' })),
        };
    },
});
//# sourceMappingURL=hosts-list.js.map