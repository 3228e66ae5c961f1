import type { ApprovalDecision } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ExecutionsConfig } from '../config/executions.config';

export interface LinkClaims {
  /** approval id */
  a: string;
  /** workspace id */
  w: string;
  d: ApprovalDecision;
  /** expiry, unix seconds */
  e: number;
  /** The approver the step names (`with.approvers`) that the link acts as; absent on the unnamed link. */
  p?: string;
  /** Id of an unnamed link (absent on links issued before links had ids: theirs is derived). */
  l?: string;
}

/** What a link needs to know about its approval. */
export interface LinkTarget {
  id: string;
  workspace_id: string;
  expires_at: Date | null;
  created_at: Date;
}

const LINK_TTL_SECONDS = 30 * 86_400;
/** Before links named their holder, an unnamed link's decision was recorded as plain `link`. */
export const LEGACY_LINK_APPROVER = 'link';

/** The id of an approval's unnamed link pair: stable, so its approve and reject links are one holder. */
export function unnamedLinkId(approvalId: string): string {
  return createHash('sha256').update(`unnamed-link:${approvalId}`).digest('hex').slice(0, 16);
}

export function unnamedLinkApprover(approvalId: string): string {
  return `link:${unnamedLinkId(approvalId)}`;
}

/** Whom a link acts as, as the decision records it: its named approver, or `link:<link id>`. */
export function linkApprover(claims: Pick<LinkClaims, 'a' | 'p' | 'l'>): string {
  return claims.p ?? `link:${claims.l ?? unnamedLinkId(claims.a)}`;
}

/**
 * Signed approve/reject links: `<base64url(claims)>.<base64url(HMAC-SHA256(APPROVAL_LINK_SECRET, claims))>`.
 * A link names one approval, one decision and whom it acts as (a named approver, or the approval's one
 * unnamed holder), so the signature covers the approver's identity. It expires with the approval (or
 * after 30 days); its holder decides once.
 */
@Injectable()
export class ApprovalLinks {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig) {}

  /** The link for one of the step's named approvers, or the unnamed link when `approver` is omitted. */
  url(approval: LinkTarget, decision: ApprovalDecision, approver?: string): string {
    const e = Math.floor((approval.expires_at?.getTime() ?? approval.created_at.getTime() + LINK_TTL_SECONDS * 1000) / 1000);
    const who = approver === undefined ? { l: unnamedLinkId(approval.id) } : { p: approver };
    const token = this.sign({ a: approval.id, w: approval.workspace_id, d: decision, e, ...who });
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}/v1/approval-links/${token}`;
  }

  sign(claims: LinkClaims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims of a genuine, unexpired link; null otherwise. */
  verify(token: string, now = Date.now()): LinkClaims | null {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
      if (typeof claims.e !== 'number' || claims.e * 1000 < now) return null;
      if (claims.p !== undefined && typeof claims.p !== 'string') return null;
      if (claims.l !== undefined && typeof claims.l !== 'string') return null;
      return claims;
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.config.APPROVAL_LINK_SECRET).update(payload).digest('base64url');
  }
}
