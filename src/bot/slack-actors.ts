/**
 * Who is clicking or typing: a Slack user becomes the actor "slack:<user id>", with the user
 * groups ("slack-group:<id>") named in the access lists that hold them. Group members come from
 * usergroups.users.list, cached for a few minutes, so roles granted to a group apply without a
 * restart and without a Web API call per request.
 */
import type { webApi } from '@slack/bolt';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../core/logger.js';
import type { Actor } from '../core/op.js';

const GROUP_PREFIX = 'slack-group:';
const CACHE_MS = 5 * 60_000;

export interface SlackActors {
  actorFor(userId: string, display?: string): Promise<Actor>;
}

/** The slack-group ids the access lists mention: the only groups whose members matter. */
export function configuredGroups(config: Config): string[] {
  const a = config.access;
  return [...new Set([...a.admins, ...a.operators, ...a.viewers].filter((i) => i.startsWith(GROUP_PREFIX)).map((i) => i.slice(GROUP_PREFIX.length)))];
}

export function createSlackActors(config: Config, client: webApi.WebClient, log: Logger, now: () => number = Date.now): SlackActors {
  const cache = new Map<string, { members: Set<string>; at: number }>();
  const inflight = new Map<string, Promise<Set<string>>>();

  const membersOf = async (group: string): Promise<Set<string>> => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < CACHE_MS) return hit.members;
    const pending = inflight.get(group);
    if (pending) return pending;
    const load = (async () => {
      try {
        const res = await client.usergroups.users.list({ usergroup: group });
        const members = new Set(res.users ?? []);
        cache.set(group, { members, at: now() });
        return members;
      } catch (err) {
        // Without usergroups:read (or for a deleted group) nobody gets that group's role; the
        // last known members are kept meanwhile, so a passing Slack error changes nothing.
        log.warn('slack: could not read a user group; its members get no role from it until it can be read', {
          group,
          error: err instanceof Error ? err.message : String(err),
        });
        return hit?.members ?? new Set<string>();
      } finally {
        inflight.delete(group);
      }
    })();
    inflight.set(group, load);
    return load;
  };

  return {
    async actorFor(userId, display) {
      const groups: string[] = [];
      for (const g of configuredGroups(config)) {
        if ((await membersOf(g)).has(userId)) groups.push(`${GROUP_PREFIX}${g}`);
      }
      return { id: `slack:${userId}`, source: 'slack', ...(display ? { display } : {}), ...(groups.length ? { groups } : {}) };
    },
  };
}

/** The identities that hold `role` or above, written for Slack (mentions for users and groups). */
export function whoCanDecide(config: Config, except?: string): string {
  const ids = config.access.admins.filter((i) => i !== except);
  if (ids.length === 0) return 'no one is configured as an admin yet (access.admins in the config)';
  return ids
    .map((i) => {
      if (i.startsWith('slack:')) return `<@${i.slice(6)}>`;
      if (i.startsWith(GROUP_PREFIX)) return `<!subteam^${i.slice(GROUP_PREFIX.length)}>`;
      return `\`${i}\``;
    })
    .join(', ');
}
