import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A class, as class-validator's lookups take it. */
type Target = abstract new (...args: never[]) => object;

/** The part of class-validator's MetadataStorage this replaces (its methods are public JS, typed here). */
interface Storage {
  getTargetValidationMetadatas(
    target: Target,
    targetSchema: string | undefined,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): ValidationMetadata[];
  groupByPropertyName(metadata: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
  addValidationMetadata(metadata: ValidationMetadata): void;
}

const CACHED = Symbol.for('agentry.validationMetadataCache');

/**
 * class-validator finds a class's rules anew on every validate() call, and for every nested object in it:
 * MetadataStorage.getTargetValidationMetadatas scans every decorated class of the process for parents of the
 * target, then filters and groups the result. Profiled under the run benchmark that was 4 % of the gateway's CPU
 * and 2.4 % of the executions service's. The rules are fixed once the decorators have run, so both lookups are
 * cached here per class and options, and the whole cache is dropped whenever a rule is added (a class defined
 * later still validates by its own rules). Installed once per process, on the storage every copy of
 * class-validator shares.
 */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage & { [CACHED]?: true };
  if (storage[CACHED]) return;
  storage[CACHED] = true;

  let byTarget = new Map<Target, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const find = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);

  storage.getTargetValidationMetadatas = (target, targetSchema, always, strictGroups, groups) => {
    const key = JSON.stringify([targetSchema ?? null, always, strictGroups, groups ?? null]);
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    if (!found) forTarget.set(key, (found = find(target, targetSchema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let g = grouped.get(metadata);
    if (!g) grouped.set(metadata, (g = group(metadata)));
    return g;
  };
  storage.addValidationMetadata = (metadata) => {
    byTarget = new Map();
    grouped = new WeakMap();
    add(metadata);
  };
}
