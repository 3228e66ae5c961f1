const MAX_SLUG_LENGTH = 80;

/** `"Lead Qualifier (EU)"` → `"lead-qualifier-eu"`; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'agent';
}

/**
 * `base` when it is free, else `base-N` with N one more than the highest suffix in use (so a deleted
 * agent's slug is not handed to a new one while links to it may still exist).
 */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let highest = 1;
  for (const slug of used) {
    if (!slug.startsWith(`${base}-`)) continue;
    const suffix = slug.slice(base.length + 1);
    if (/^[1-9]\d{0,8}$/.test(suffix)) highest = Math.max(highest, Number(suffix));
  }
  const suffix = `-${highest + 1}`;
  return `${base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/g, '')}${suffix}`;
}
