/** What one run of a schedule kind produces: a view for people and facts for the job's result. */
import type { View } from '../../core/view.js';

export interface KindResult {
  view: View;
  details: Record<string, unknown>;
  /** False when there is nothing to tell people (a monitor check at an unchanged level). */
  post?: boolean;
}
