import { LEGACY_LINK_APPROVER, LinkClaims, linkApprover, unnamedLinkApprover } from './approval-links';
import { ApprovalRow } from './approvals.repository';

const MAX_APPROVER_LENGTH = 100;

type Row = Pick<ApprovalRow, 'id' | 'status' | 'expires_at' | 'decisions' | 'links_used' | 'approvers'>;

/** Still to be decided: pending and not past its expiry. */
export function isOpen(a: Row, now = Date.now()): boolean {
  return a.status === 'pending' && (!a.expires_at || a.expires_at.getTime() > now);
}

/**
 * The approvers the approval's step names, or null when it names none (then the approval has one
 * unnamed link pair). A value that is not a literal list (the agents service refuses one) names
 * nobody usable: no links at all, rather than an unnamed link nobody asked for.
 */
export function namedApprovers(a: Pick<Row, 'approvers'>): string[] | null {
  if (a.approvers === null || a.approvers === undefined) return null;
  if (!Array.isArray(a.approvers)) return [];
  // The agents service allows 1–100 characters; a longer name would not fit in a link token.
  return a.approvers.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length <= MAX_APPROVER_LENGTH);
}

/** Whether this approver (an API key, a named approver, or the unnamed link's holder) has decided already. */
export function hasDecided(a: Pick<Row, 'id' | 'decisions'>, approver: string): boolean {
  const unnamed = approver === unnamedLinkApprover(a.id);
  return a.decisions.some((d) => d.approver === approver || (unnamed && d.approver === LEGACY_LINK_APPROVER));
}

/** A link acts only as someone the approval's step allows: a named approver, or the unnamed holder when it names none. */
export function linkFits(a: Row, claims: Pick<LinkClaims, 'p'>): boolean {
  const named = namedApprovers(a);
  return claims.p === undefined ? named === null : (named?.includes(claims.p) ?? false);
}

/** Whether a link can still act: the approval is open, the link fits it, and its holder has not decided. */
export function linkUsable(a: Row, claims: Pick<LinkClaims, 'a' | 'd' | 'p' | 'l'>): boolean {
  if (!isOpen(a) || !linkFits(a, claims) || hasDecided(a, linkApprover(claims))) return false;
  // Before links had holders, an unnamed link was spent per decision ('approve' or 'reject' in links_used).
  return claims.p !== undefined || !a.links_used.includes(claims.d);
}
