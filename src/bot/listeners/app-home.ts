/**
 * The App Home tab (placeholder until the home view lands).
 */
import type { App } from '@slack/bolt';
import type { BotRuntime } from '../bot-runtime.js';

export function registerAppHome(_app: App, _rt: BotRuntime): void {}
