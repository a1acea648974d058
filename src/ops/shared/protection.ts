/**
 * What clean-ups must leave alone. Protected volumes (config `protected`: names, glob patterns,
 * labels; the seed's excludedVolumes): never removed by prune or cleanup, and `rm` of one needs
 * --force and an admin. Images storage-ops itself needs (the helper image): never removed.
 */
import type { Config } from '../../config/config-schema.js';

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Why the volume is protected, or null when it is not. */
export function protectionReason(config: Config, volume: { name: string; labels: Record<string, string> }): string | null {
  const p = config.protected;
  if (p.names.includes(volume.name)) return `protected by name (config protected.names)`;
  const pattern = p.patterns.find((g) => globToRegExp(g).test(volume.name));
  if (pattern) return `protected by pattern "${pattern}"`;
  for (const l of p.labels) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    const value = eq < 0 ? undefined : l.slice(eq + 1);
    if (key in volume.labels && (value === undefined || volume.labels[key] === value)) return `protected by label ${l}`;
  }
  return null;
}

/** A reference as the engine lists it: no docker.io/library prefix, ":latest" when no tag. */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim().replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\/(library\/)?/, '');
  const last = r.slice(r.lastIndexOf('/') + 1);
  if (!last.includes(':') && !r.includes('@')) r += ':latest';
  return r;
}

/**
 * Why storage-ops needs this image (so no clean-up may remove it), or null. The helper image
 * (config helperImage / STORAGE_OPS_HELPER_IMAGE) reads and writes volumes for backups and
 * restores, measures disks and runs benchmarks: without it the next backup fails.
 */
export function neededImageReason(config: Config, image: { id: string; repoTags: string[] }): string | null {
  const helper = config.helperImage;
  const byTag = image.repoTags.map(normalizeImageRef).includes(normalizeImageRef(helper));
  const hex = helper.replace(/^sha256:/, '');
  const byId = /^[0-9a-f]{12,64}$/.test(hex) && image.id.replace(/^sha256:/, '').startsWith(hex);
  if (!byTag && !byId) return null;
  return `the helper image of storage-ops (helperImage ${helper}): backups, restores, disk usage and benchmarks run in it`;
}
