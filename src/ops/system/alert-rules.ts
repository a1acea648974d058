/**
 * alert_rules: Prometheus alerting rules over storage-ops' own /metrics (seed §6.2), with the
 * configured thresholds. Unlike node_exporter rules bound to one mount point, they cover every
 * configured engine, local or remote; and beyond disk space, they watch the backups themselves:
 * a volume whose newest good backup is too old, a restore drill that failed. Checked with
 * `promtool check rules` and `promtool test rules`.
 */
import { z } from 'zod';
import { defineOp } from '../../core/op.js';

export function alertRulesYaml(warnPercent: number, criticalPercent: number, forDuration: string, staleBackupHours = 26): string {
  const w = (warnPercent / 100).toFixed(2);
  const c = (criticalPercent / 100).toFixed(2);
  return `groups:
- name: storage_ops_docker_storage
  rules:
  - alert: DockerStorageNearlyFull
    expr: storage_ops_root_fs_used_ratio > ${w} and storage_ops_root_fs_used_ratio <= ${c}
    for: ${forDuration}
    labels:
      severity: warning
    annotations:
      summary: "Docker storage on {{ $labels.host }} is over ${warnPercent}% full"
      description: "{{ $labels.path }} on {{ $labels.host }} is {{ $value | humanizePercentage }} full. Run: storage-ops report --host {{ $labels.host }}, then storage-ops cleanup --host {{ $labels.host }}"
  - alert: DockerStorageCritical
    expr: storage_ops_root_fs_used_ratio > ${c}
    for: ${forDuration}
    labels:
      severity: critical
    annotations:
      summary: "Docker storage on {{ $labels.host }} is over ${criticalPercent}% full"
      description: "{{ $labels.path }} on {{ $labels.host }} is {{ $value | humanizePercentage }} full. Containers will fail to write soon."
  - alert: DockerEngineDown
    expr: storage_ops_engine_up == 0
    for: ${forDuration}
    labels:
      severity: critical
    annotations:
      summary: "Docker engine {{ $labels.host }} does not answer storage-ops"
      description: "Check dockerd on {{ $labels.host }}: storage-ops hosts"
  - alert: DockerReclaimableSpaceHigh
    expr: sum by (host) (storage_ops_docker_reclaimable_bytes) / on (host) group_left() max by (host) (storage_ops_root_fs_size_bytes) > 0.20
    for: 1h
    labels:
      severity: info
    annotations:
      summary: "Over 20% of the Docker disk on {{ $labels.host }} is reclaimable"
      description: "Unused images, stopped containers, build cache or volumes take {{ $value | humanizePercentage }} of the disk. Preview with: storage-ops cleanup --host {{ $labels.host }}"
- name: storage_ops_backups
  rules:
  - alert: VolumeBackupStale
    expr: time() - storage_ops_volume_last_backup_timestamp_seconds > ${staleBackupHours * 3600}
    for: ${forDuration}
    labels:
      severity: warning
    annotations:
      summary: "No good backup of volume {{ $labels.volume }} on {{ $labels.host }} in over ${staleBackupHours} hours"
      description: "The newest good backup of {{ $labels.volume }} on {{ $labels.host }} finished {{ $value | humanizeDuration }} ago. Check its schedule (storage-ops schedules) or run: storage-ops backup {{ $labels.volume }} --host {{ $labels.host }}"
  - alert: RestoreDrillFailed
    expr: storage_ops_drill_success == 0
    labels:
      severity: critical
    annotations:
      summary: "The last restore drill of volume {{ $labels.volume }} on {{ $labels.host }} failed"
      description: "Its newest backup did not restore as it was backed up (the drill's post and reports/ say what failed). Do not count on it: take a new backup with storage-ops backup {{ $labels.volume }} --host {{ $labels.host }}, then run the drill again."
`;
}

export const alertRules = defineOp({
  name: 'alert_rules',
  verb: 'alert-rules',
  summary: 'Print Prometheus alerting rules for the /metrics of storage-ops serve',
  description: 'Disk rules use the configured thresholds (thresholds.warnPercent/criticalPercent); backup rules fire on a stale newest backup (--stale-backup-hours) and on a failed restore drill. Save the output as a rules file and list it under rule_files in prometheus.yml.',
  effect: 'read',
  input: z.strictObject({
    for: z.string().regex(/^\d+[smh]$/, 'like 5m').default('5m').describe('how long a condition must hold before the alert fires (default 5m)'),
    staleBackupHours: z.number().int().min(1).max(24 * 366).default(26).describe('alert when a volume\'s newest good backup is older than this many hours (default 26: a nightly backup that missed one night)'),
  }),
  output: z.object({ yaml: z.string() }),
  examples: ['> /etc/prometheus/rules/storage-ops.yml', '--stale-backup-hours 170 > /etc/prometheus/rules/storage-ops.yml'],
  async run(deps, input) {
    return { yaml: alertRulesYaml(deps.config.thresholds.warnPercent, deps.config.thresholds.criticalPercent, input.for, input.staleBackupHours) };
  },
  // The CLI's text must stay a valid rules file (`alert-rules > rules.yml`): the summary is a YAML comment and the rest is the YAML alone.
  view: (o) => ({
    title: 'Prometheus alerting rules',
    summary: '# Prometheus alerting rules for the /metrics of storage-ops serve (generated by storage-ops alert-rules)',
    code: [{ language: 'yaml', text: o.yaml.trimEnd() }],
  }),
});
