/**
 * The storage:// URIs of the server's resources, built and parsed in one place so tool results'
 * resource links and the resource handlers always agree.
 */
const enc = encodeURIComponent;
export const BACKUP_CATALOG_URI = 'storage://backups';
export const JOBS_URI = 'storage://jobs';
export const VOLUME_TEMPLATE = 'storage://volumes/{host}/{name}';
export const BACKUP_TEMPLATE = 'storage://backups/{id}';
export const JOB_TEMPLATE = 'storage://jobs/{id}';
export const DISK_REPORT_TEMPLATE = 'storage://hosts/{host}/disk-report';
export const volumeUri = (host, name) => `storage://volumes/${enc(host)}/${enc(name)}`;
export const backupUri = (id) => `storage://backups/${enc(id)}`;
export const jobUri = (id) => `storage://jobs/${enc(id)}`;
export const diskReportUri = (host) => `storage://hosts/${enc(host)}/disk-report`;
/** A template variable as the SDK hands it over (a string, or a list for exploded variables). */
export function templateValue(v) {
    const s = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
    return decodeURIComponent(s);
}
//# sourceMappingURL=resource-uris.js.map