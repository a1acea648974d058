import { approvalView } from '../../core/views/approval-view.js';
import { jobView } from '../../core/views/job-view.js';
import { renderViewText } from '../../core/views/render-text.js';
export function opText(op, output) {
    return renderViewText(op.view(output), { title: true });
}
export function approvalText(record) {
    return renderViewText(approvalView(record), { title: true });
}
export function jobText(job) {
    return renderViewText(jobView(job), { title: true });
}
//# sourceMappingURL=readable-text.js.map