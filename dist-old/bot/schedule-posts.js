/**
 * Schedule results in Slack: every `schedule.posted` kernel event with a channel (a report, a
 * backup's outcome, a monitor's level change, a failed run) is posted there as the run's view,
 * with its chart as a PNG in the thread. Schedules without a channel go to the log and reports/.
 */
import { toOpsError } from '../core/errors.js';
import { deliverView } from './delivery.js';
export function followSchedulePosts(rt) {
    return rt.deps.events.subscribe((event) => {
        if (event.type !== 'schedule.posted' || !event.post.channel)
            return;
        const { post } = event;
        deliverView(rt, { channel: post.channel }, post.view, 'here').catch((err) => rt.log.warn(`slack: could not post schedule ${post.schedule}'s result to ${post.channel}`, { error: toOpsError(err).message, hint: 'Invite the bot to that channel' }));
    });
}
//# sourceMappingURL=schedule-posts.js.map