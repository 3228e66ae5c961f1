import type { ApprovalDecision } from '@agentry/contracts';
import { SERVICE_CONFIG } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ExecutionsConfig } from '../config/executions.config';

export interface LinkClaims {
  /** approval id */
  a: string;
  /** workspace id */
  w: string;
  d: ApprovalDecision;
  /** expiry, unix seconds */
  e: number;
}

const LINK_TTL_SECONDS = 30 * 86_400;

/**
 * Signed approve/reject links: `<base64url(claims)>.<base64url(HMAC-SHA256(APPROVAL_LINK_SECRET, claims))>`.
 * A link names one approval and one decision, expires with the approval (or after 30 days) and works once.
 */
@Injectable()
export class ApprovalLinks {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ExecutionsConfig) {}

  url(approvalId: string, workspaceId: string, decision: ApprovalDecision, expiresAt: Date | null, createdAt: Date): string {
    const e = Math.floor((expiresAt?.getTime() ?? createdAt.getTime() + LINK_TTL_SECONDS * 1000) / 1000);
    return `${this.config.PUBLIC_URL.replace(/\/$/, '')}/v1/approval-links/${this.sign({ a: approvalId, w: workspaceId, d: decision, e })}`;
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
      return claims;
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.config.APPROVAL_LINK_SECRET).update(payload).digest('base64url');
  }
}
