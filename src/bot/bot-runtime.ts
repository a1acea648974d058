/**
 * What every Slack listener shares: the kernel's deps, the Web API client (bot token), who the
 * bot is, the actor resolver, and where approval requests and job messages were posted (so a
 * decision, an expiry or a job's progress updates those messages in place).
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../core/logger.js';
import type { Deps } from '../core/ports.js';
import type { View } from '../core/view.js';
import type { SlackActors } from './slack-actors.js';

/** A message the bot posted: where to update it. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface BotRuntime {
  deps: Deps;
  client: webApi.WebClient;
  log: Logger;
  /** The bot's own user id (auth.test): its clicks and messages never count. */
  botUserId: string;
  /** The bot's name, for "/invite @name". */
  botName: string;
  actors: SlackActors;
  /** Channel id where every approval request is posted (config slack.approvalsChannel). */
  approvalsChannel: string | null;
  /** Approval id → the messages showing it. */
  approvalMessages: Map<string, MessageRef[]>;
  /** Approval id → the executed op's result view, so later redraws keep it. */
  approvalResults: Map<string, View>;
  /** Jobs whose messages this bot is keeping up to date (one follower per job). */
  following: Set<string>;
  /** Aborted when the bot stops: followers stop waiting and drawing. */
  stopSignal: AbortSignal;
  /** Timers to clear on stop. */
  timers: Set<NodeJS.Timeout>;
}

/** The Slack error code of a failed Web API call ("not_in_channel"), if it is one. */
export function slackErrorCode(err: unknown): string | null {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : null;
}

/** Errors that mean the bot cannot post to the channel itself. */
export function isNotInChannel(err: unknown): boolean {
  const code = slackErrorCode(err);
  return code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived';
}

/** Mention for an identity: a Slack user or group as a mention, anything else as code. */
export function mention(identity: string | null | undefined): string {
  if (!identity) return 'nobody';
  if (identity.startsWith('slack:')) return `<@${identity.slice(6).replace(/[^A-Z0-9]/gi, '')}>`;
  if (identity.startsWith('slack-group:')) return `<!subteam^${identity.slice(12).replace(/[^A-Z0-9]/gi, '')}>`;
  return '`' + identity.replace(/[`<>&]/g, '') + '`';
}

/** Slack's date formatting: shown in each reader's time zone, with a plain fallback. */
export function slackDate(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso.replace(/[<>&|]/g, '');
  return `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time_secs}|${new Date(t).toISOString()}>`;
}
