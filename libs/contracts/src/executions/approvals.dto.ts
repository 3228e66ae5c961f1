import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQuery } from '../pagination';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export class ListApprovalsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, example: 'pending' })
  @IsIn(APPROVAL_STATUSES)
  @IsOptional()
  status?: ApprovalStatus;

  @ApiPropertyOptional({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @IsString()
  @MaxLength(80)
  @IsOptional()
  agent_id?: string;

  @ApiPropertyOptional({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' })
  @IsString()
  @MaxLength(80)
  @IsOptional()
  execution_id?: string;
}

/** Body of `POST /v1/approvals/{id}/approve|reject`. */
export class DecideApprovalRequest {
  @ApiPropertyOptional({ maxLength: 2000, example: 'Looks good' })
  @IsString()
  @MaxLength(2000)
  @IsOptional()
  comment?: string;
}

export class ApprovalRef {
  @IsString()
  @MaxLength(80)
  approval: string;
}

/** `executions.approvals.decide`: the approver is the caller's API key (ctx.actor). */
export class DecideApprovalMessage extends ApprovalRef {
  @IsIn(APPROVAL_DECISIONS)
  decision: ApprovalDecision;

  @IsString()
  @MaxLength(2000)
  @IsOptional()
  comment?: string;
}

/** `executions.approvals.decide_link`: a signed, single-use link acts without an API key. */
export class DecideApprovalByLinkMessage extends DecideApprovalMessage {
  @IsString()
  @MaxLength(1000)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  token: string;
}

export const APPROVAL_CHANNELS = ['api_key', 'link'] as const;
export type ApprovalChannel = (typeof APPROVAL_CHANNELS)[number];

export class ApprovalDecisionView {
  @ApiProperty({
    example: 'alice@example.com',
    description:
      'Who decided: the API key id (`key_…`); for a signed link, the approver the step named and the link was made for (`alice@example.com`), or `link:<link id>` for the unnamed link',
  })
  approver: string;
  @ApiProperty({ enum: APPROVAL_CHANNELS, description: 'How: with an API key, or with a signed link' }) via: ApprovalChannel;
  @ApiProperty({ enum: APPROVAL_DECISIONS }) decision: ApprovalDecision;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
}

/** The signed links of one approver the approval step names (`with.approvers`). */
export class ApprovalApproverLinksView {
  @ApiProperty({ example: 'alice@example.com' }) approver: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Signed link that approves as this approver; null once they have decided or the approval is closed',
  })
  approve_url: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Signed link that rejects as this approver' }) reject_url: string | null;
}

export class ApprovalView {
  @ApiProperty({ example: 'apr_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) id: string;
  @ApiProperty({ example: 'exe_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) execution_id: string;
  @ApiProperty({ example: 'agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) agent_id: string;
  @ApiProperty({ example: 'review' }) step_id: string;
  @ApiProperty({ example: 'Send this email to Ada?' }) message: string;
  @ApiProperty({ enum: APPROVAL_STATUSES }) status: ApprovalStatus;
  @ApiProperty({ example: 1, description: 'Distinct approvers needed' }) approvals_required: number;
  @ApiProperty({ type: [ApprovalDecisionView] }) decisions: ApprovalDecisionView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Signed link that approves without an API key (POST; GET shows a confirmation page), for steps that name no approvers: one holder, recorded as `link:<link id>`, deciding once. Null when the step names approvers (see `links`)',
  })
  approve_url: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Signed link that rejects without an API key (same rules as `approve_url`)' })
  reject_url: string | null;
  @ApiProperty({
    type: [ApprovalApproverLinksView],
    description: 'One pair of signed links per approver the step names (`with.approvers`); empty when it names none',
  })
  links: ApprovalApproverLinksView[];
  @ApiProperty({ nullable: true, type: String }) expires_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) decided_at: string | null;
}

/** Reply of `executions.approvals.link_info`: what a signed link would do, for its confirmation page. */
export interface ApprovalLinkInfo {
  approval: ApprovalView;
  decision: ApprovalDecision;
  /** Whom the link acts as: a named approver, or `link:<link id>`. */
  approver: string;
  usable: boolean;
}
